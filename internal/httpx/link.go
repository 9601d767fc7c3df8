package httpx

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBadLink reports a Link header that cannot be followed.
var ErrBadLink = errors.New("invalid Link header")

// NextLink returns the URI reference of the rel="next" link in a Link
// header (RFC 8288: `<uri>; rel="next"`, several links separated by
// commas, rel possibly unquoted or holding several space-separated types).
// ok is false when the header has no next link. A header that is not a
// list of links is an error.
func NextLink(header string) (ref string, ok bool, err error) {
	s := header
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return "", false, nil
		}
		if s[0] != '<' {
			return "", false, fmt.Errorf("%w: missing '<'", ErrBadLink)
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return "", false, fmt.Errorf("%w: missing '>'", ErrBadLink)
		}
		target := s[1:end]
		s = s[end+1:]
		// Parameters run to the next comma outside a quoted string.
		params, rest := splitParams(s)
		s = rest
		if isNext(params) {
			if strings.ContainsAny(target, " \t\r\n<>") {
				return "", false, fmt.Errorf("%w: bad target", ErrBadLink)
			}
			return target, true, nil
		}
	}
}

// splitParams splits `; a=b; rel="x, y"` (up to a comma outside quotes)
// from what follows it.
func splitParams(s string) (params, rest string) {
	if i := indexOutsideQuotes(s, ','); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// isNext reports whether link parameters hold rel="next" (rel is
// case-insensitive and may list several relation types). Semicolons inside
// quoted values do not separate parameters.
func isNext(params string) bool {
	for _, p := range splitOutsideQuotes(params, ';') {
		k, v, found := strings.Cut(p, "=")
		if !found || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for typ := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(typ, "next") {
				return true
			}
		}
	}
	return false
}

// splitOutsideQuotes splits s at every sep outside a quoted string.
func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	for {
		i := indexOutsideQuotes(s, sep)
		if i < 0 {
			return append(out, s)
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
}

// indexOutsideQuotes returns the index of the first sep in s outside a
// quoted string (a backslash escapes the next byte inside one), or -1.
func indexOutsideQuotes(s string, sep byte) int {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quoted:
			i++
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			return i
		}
	}
	return -1
}
