package helmrepo

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// scalar decodes the string value of a key at indent whose inline text is
// rest, consuming any continuation lines.
func (p *fastParser) scalar(indent int, rest string) (string, error) {
	if strings.HasPrefix(rest, "|") {
		return p.literal(indent, rest)
	}
	if in, blank, _, ok := p.peek(); !ok || blank || in <= indent {
		v, ok := inlineScalar(rest)
		if !ok {
			return p.snippet(indent, rest, nil)
		}
		return v, nil
	}
	lines := p.region(indent, false)
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if rest != "" && rest[0] == '\'' {
		if v, ok := foldSingle(rest, lines); ok {
			return v, nil
		}
	} else if rest != "" && plainStart(rest) {
		if v, ok := foldPlain(rest, lines); ok {
			return v, nil
		}
	}
	return p.snippet(indent, rest, lines)
}

func plainStart(s string) bool {
	switch s[0] {
	case '"', '\'', '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', ']', '{', '}', ',', ' ', '-', '?', ':':
		return false
	}
	return true
}

// fold joins the lines of a multi-line flow scalar: one line break becomes
// a space, n+1 breaks (n empty lines) become n newlines, and white space
// around breaks is dropped. first is the text after the opening quote (or
// the whole first line of a plain scalar); last is kept untrimmed on the
// right when keepLastRight (quoted scalars).
func fold(first string, lines []string, keepLastRight bool) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(first, " "))
	breaks := 0
	for i, l := range lines {
		l = strings.TrimLeft(l, " ")
		if !(keepLastRight && i == len(lines)-1) {
			l = strings.TrimRight(l, " ")
		}
		if l == "" && i < len(lines)-1 {
			breaks++
			continue
		}
		if breaks > 0 {
			b.WriteString(strings.Repeat("\n", breaks))
		} else {
			b.WriteByte(' ')
		}
		breaks = 0
		b.WriteString(l)
	}
	return b.String()
}

func foldSingle(rest string, lines []string) (string, bool) {
	if len(lines) == 0 {
		return "", false
	}
	last := lines[len(lines)-1]
	if !strings.HasSuffix(last, "'") {
		return "", false
	}
	body := rest[1:]
	mid := append(append([]string(nil), lines[:len(lines)-1]...), last[:len(last)-1])
	for _, l := range append([]string{body}, mid...) {
		if strings.Contains(strings.ReplaceAll(l, "''", ""), "'") {
			return "", false
		}
	}
	// A last line holding only the closing quote still ends in a break.
	return strings.ReplaceAll(fold(body, mid, true), "''", "'"), true
}

func foldPlain(rest string, lines []string) (string, bool) {
	if _, ok := inlineScalar(rest); !ok {
		return "", false
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.Contains(t, ": ") || strings.Contains(t, " #") || strings.HasPrefix(t, "#") || strings.HasSuffix(t, ":") {
			return "", false
		}
	}
	return fold(rest, lines, false), true
}

// noFinalBreak reports whether the input is read to its end and its last
// line has no line break (a block scalar there has no final break).
func (p *fastParser) noFinalBreak() bool {
	return p.pos == len(p.s) && p.s != "" && p.s[len(p.s)-1] != '\n'
}

// snippet decodes one awkward scalar with yaml.v3: the key line and its
// continuation lines, dedented, as a one-key document. Failure defers to
// the whole-document yaml.v3 parse (for its error message).
func (p *fastParser) snippet(indent int, rest string, lines []string) (string, error) {
	var b strings.Builder
	b.WriteString("k: ")
	b.WriteString(rest)
	b.WriteByte('\n')
	for i, l := range lines {
		if len(l) > indent {
			b.WriteString(l[indent:])
		}
		if i < len(lines)-1 || !p.noFinalBreak() {
			b.WriteByte('\n')
		}
	}
	var m map[string]string
	if err := yaml.Unmarshal([]byte(b.String()), &m); err != nil {
		return "", errFallback
	}
	return m["k"], nil
}

// literal decodes a block literal scalar ("|", "|-", "|+", with an
// optional indentation indicator: content at indent+n).
func (p *fastParser) literal(indent int, header string) (string, error) {
	chomp := byte(0)
	ci := 0
	for _, c := range []byte(header[1:]) {
		switch {
		case (c == '-' || c == '+') && chomp == 0:
			chomp = c
		case c >= '1' && c <= '9' && ci == 0:
			ci = indent + int(c-'0')
		default:
			return p.snippet(indent, header, p.region(indent, false))
		}
	}
	lines := p.region(indent, false)
	if len(lines) == 0 {
		return "", nil // "|" with no content: yaml.v3 gives ""
	}
	if p.noFinalBreak() {
		return p.snippet(indent, header, lines)
	}
	if ci == 0 {
		// Auto-detected indentation; leading blank lines are left to yaml.v3.
		if strings.TrimSpace(lines[0]) == "" {
			return p.snippet(indent, header, lines)
		}
		for ci < len(lines[0]) && lines[0][ci] == ' ' {
			ci++
		}
	}
	var b strings.Builder
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.Grow(n)
	breaks := 0 // blank lines not yet written
	content := false
	for _, l := range lines {
		if len(l) <= ci && strings.TrimLeft(l, " ") == "" {
			breaks++
			continue
		}
		if len(l) < ci || strings.TrimLeft(l[:ci], " ") != "" {
			return p.snippet(indent, header, lines)
		}
		for ; breaks > 0; breaks-- {
			b.WriteByte('\n')
		}
		b.WriteString(l[ci:])
		b.WriteByte('\n')
		content = true
	}
	if !content {
		return p.snippet(indent, header, lines)
	}
	s := b.String()
	switch chomp {
	case '-':
		s = strings.TrimRight(s, "\n")
	case '+':
		s += strings.Repeat("\n", breaks)
	}
	return s, nil
}

// splitKey splits "key: rest" or "key:" (plain or quoted key).
func splitKey(l string) (key, rest string, ok bool) {
	if l == "" {
		return "", "", false
	}
	switch l[0] {
	case '"', '\'':
		end := closingQuote(l)
		if end < 0 || end+1 >= len(l) || l[end+1] != ':' {
			return "", "", false
		}
		k, ok := inlineScalar(l[:end+1])
		if !ok {
			return "", "", false
		}
		rest = l[end+2:]
		if rest != "" && rest[0] != ' ' {
			return "", "", false
		}
		return k, strings.TrimLeft(rest, " "), true
	case '-', '?', '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', '{', ']', '}', ',', ' ':
		return "", "", false
	}
	i := strings.Index(l, ": ")
	if i < 0 {
		if l[len(l)-1] != ':' {
			return "", "", false
		}
		i = len(l) - 1
		rest = ""
	} else {
		rest = strings.TrimLeft(l[i+2:], " ")
	}
	key = l[:i]
	if badPlainKey(key) {
		return "", "", false
	}
	return key, rest, true
}

func badPlainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		switch k[i] {
		case '#', '"', '\'':
			return true
		}
	}
	return k == "" || k[len(k)-1] == ' ' || isNullish(k) || k == "<<"
}

func closingQuote(l string) int {
	q := l[0]
	for i := 1; i < len(l); i++ {
		switch {
		case q == '"' && l[i] == '\\':
			i++
		case l[i] == q:
			if q == '\'' && i+1 < len(l) && l[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

func isNullish(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// inlineScalar decodes a one-line scalar the way yaml.v3 decodes it into a
// string; false when unsure.
func inlineScalar(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	switch s[0] {
	case '"', '\'':
		if len(s) < 2 || closingQuote(s) != len(s)-1 {
			return "", false
		}
		in := s[1 : len(s)-1]
		if s[0] == '\'' {
			return strings.ReplaceAll(in, "''", "'"), true
		}
		if strings.IndexByte(in, '\\') < 0 {
			return in, true
		}
		return unescapeDouble(in)
	case '-', '?', ':':
		if len(s) == 1 || s[1] == ' ' {
			return "", false
		}
	case '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', ']', '{', '}', ',', ' ':
		return "", false
	}
	if strings.Contains(s, " #") || strings.Contains(s, ": ") || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return "", false
	}
	if isNullish(s) {
		return "", true
	}
	return s, true
}

func unescapeDouble(in string) (string, bool) {
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(in) {
			return "", false
		}
		var r rune
		n := 0
		switch in[i] {
		case '0':
			r = 0
		case 'a':
			r = '\a'
		case 'b':
			r = '\b'
		case 't', '\t':
			r = '\t'
		case 'n':
			r = '\n'
		case 'v':
			r = '\v'
		case 'f':
			r = '\f'
		case 'r':
			r = '\r'
		case 'e':
			r = 0x1b
		case ' ':
			r = ' '
		case '"':
			r = '"'
		case '/':
			r = '/'
		case '\\':
			r = '\\'
		case 'N':
			r = 0x85
		case '_':
			r = 0xa0
		case 'L':
			r = 0x2028
		case 'P':
			r = 0x2029
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			return "", false
		}
		if n > 0 {
			if i+1+n > len(in) {
				return "", false
			}
			v, err := strconv.ParseUint(in[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", false
			}
			r = rune(v)
			i += n
		}
		b.WriteRune(r)
	}
	return b.String(), true
}
