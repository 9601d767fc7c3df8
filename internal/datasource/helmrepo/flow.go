package helmrepo

import (
	"encoding/json"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// span is a range of a string.
type span struct{ start, end int }

// flowItems splits the flow collection at the start of s ("[...]" or
// "{...}") into the text of its top-level items (between commas) and
// returns the offset just past its closing bracket; end is -1 when the
// collection does not close. Quoted scalars, nested collections and
// comments are skipped as yaml.v3 reads them.
func flowItems(s string) (items []span, end int) {
	var stack []byte
	start := 1
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '"', '\'':
			if !quoteStarts(s, i) {
				continue
			}
			e := closingQuote(s[i:])
			if e < 0 {
				return nil, -1
			}
			i += e
		case '#':
			if i > 0 && (s[i-1] == ' ' || s[i-1] == '\n' || s[i-1] == '\t') {
				if nl := strings.IndexByte(s[i:], '\n'); nl >= 0 {
					i += nl
				} else {
					return nil, -1
				}
			}
		case '[', '{':
			stack = append(stack, c+2) // ']' and '}' follow '[' and '{' by 2
		case ']', '}':
			if len(stack) == 0 || stack[len(stack)-1] != c {
				return nil, -1
			}
			stack = stack[:len(stack)-1]
			if len(stack) == 0 {
				if strings.TrimSpace(s[start:i]) != "" {
					items = append(items, span{start, i})
				}
				return items, i + 1
			}
		case ',':
			if len(stack) == 1 {
				items = append(items, span{start, i})
				start = i + 1
			}
		}
		if len(stack) == 0 {
			return nil, -1 // text before the opening bracket
		}
	}
	return nil, -1
}

// quoteStarts reports whether the quote at s[i] opens a quoted scalar: it
// follows a flow indicator or ':' (ignoring white space); elsewhere it is
// part of a plain scalar.
func quoteStarts(s string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		switch s[j] {
		case ' ', '\n', '\t':
			continue
		case '[', '{', ',', ':', '?':
			return true
		}
		return false
	}
	return true
}

// splitFlowDoc reads a document whose top level is the flow mapping at
// s[off:] (YAML flow style or, when isJSON, JSON).
func splitFlowDoc(s string, off int, isJSON bool) (*catalog, error) {
	c := &catalog{s: s, charts: map[string]chartText{}, json: isJSON}
	// encoding/json turns invalid UTF-8 into U+FFFD; yaml.v3 rejects it.
	if off < 0 || !utf8.ValidString(s) || (!isJSON && !plainText(s)) {
		return nil, errFallback
	}
	text := s[off:]
	items, end := flowItems(text)
	if end < 0 || !blankRest(text[end:]) || (isJSON && strings.TrimSpace(text[end:]) != "") {
		return nil, errFallback
	}
	var seen []string
	for _, it := range items {
		key, val, ok := flowPair(text[it.start:it.end])
		if isJSON {
			key = strings.ToLower(key) // encoding/json matches field names so
		}
		if !ok || dup(seen, key) {
			return nil, errFallback
		}
		seen = append(seen, key)
		var err error
		switch {
		case key == "apiVersion" || (isJSON && key == "apiversion"):
			c.apiVersion, err = flowScalar(val, isJSON)
		case key == "entries":
			err = c.splitFlowEntries(val, isJSON)
		}
		if err != nil {
			return nil, err
		}
	}
	return c, nil
}

// splitFlowEntries reads a flow mapping of chart names to flow sequences.
func (c *catalog) splitFlowEntries(val string, isJSON bool) error {
	val = strings.TrimSpace(val)
	if val == "" || val == "{}" || isNullish(val) {
		return nil
	}
	if val[0] != '{' {
		return errFallback
	}
	items, end := flowItems(val)
	if end < 0 || !blankRest(val[end:]) {
		return errFallback
	}
	for _, it := range items {
		name, v, ok := flowPair(val[it.start:it.end])
		if _, dupl := c.charts[name]; !ok || dupl {
			return errFallback
		}
		switch {
		case v == "" || v == "[]" || isNullish(v):
			c.charts[name] = chartText{}
			continue
		case v[0] != '[':
			return errFallback
		}
		_, e := flowItems(v)
		if e < 0 || !blankRest(v[e:]) {
			return errFallback
		}
		c.charts[name] = chartText{text: v[:e], seq: -1}
	}
	return nil
}

// flowPair splits "key: value" in a flow mapping; the key must be a
// one-line scalar.
func flowPair(item string) (key, val string, ok bool) {
	t := strings.TrimLeft(item, " \t\n")
	if t == "" {
		return "", "", false
	}
	var after string
	if t[0] == '"' || t[0] == '\'' {
		e := closingQuote(t)
		if e < 0 {
			return "", "", false
		}
		key, after = t[:e+1], strings.TrimLeft(t[e+1:], " \t\n")
		if after == "" || after[0] != ':' {
			return "", "", false
		}
		after = after[1:]
	} else {
		j := 0
		// A plain key ends at ": "; yaml.v3 reads a ':' before a flow
		// indicator or the item's end as part of the scalar.
		for j+1 < len(t) && !(t[j] == ':' && strings.IndexByte(" \t\n", t[j+1]) >= 0) {
			j++
		}
		if j+1 >= len(t) {
			return "", "", false
		}
		key, after = strings.TrimRight(t[:j], " \t"), t[j+1:]
	}
	if strings.IndexByte(key, '\n') >= 0 {
		return "", "", false
	}
	key, ok = inlineScalar(key)
	if !ok || key == "" {
		return "", "", false
	}
	return key, strings.Trim(after, " \t\n"), true
}

// flowScalar decodes one scalar value of a flow mapping.
func flowScalar(val string, isJSON bool) (string, error) {
	if isJSON {
		var s string
		if err := json.Unmarshal([]byte(val), &s); err != nil {
			return "", errFallback
		}
		return s, nil
	}
	var v []string
	if err := yaml.Unmarshal([]byte("["+val+"\n]"), &v); err != nil || len(v) > 1 {
		return "", errFallback
	}
	if len(v) == 0 {
		return "", nil
	}
	return v[0], nil
}
