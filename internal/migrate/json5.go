package migrate

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the type of a JSON5 value.
type Kind int

// The kinds of JSON5 values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is a parsed JSON5 value and the line it starts on (1-based).
type Value struct {
	Kind  Kind
	Line  int
	Bool  bool
	Num   float64
	Str   string
	Items []*Value // Array
	Keys  []Member // Object, in file order
}

// Member is one key of an object.
type Member struct {
	Key   string
	Line  int
	Value *Value
}

// Get returns the value of key in an object, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Keys) - 1; i >= 0; i-- { // the last duplicate wins, as in JSON.parse
		if v.Keys[i].Key == key {
			return v.Keys[i].Value
		}
	}
	return nil
}

// Strings returns a string or an array of strings as a slice; ok is false
// for any other shape.
func (v *Value) Strings() (out []string, ok bool) {
	switch {
	case v == nil:
		return nil, false
	case v.Kind == String:
		return []string{v.Str}, true
	case v.Kind != Array:
		return nil, false
	}
	for _, it := range v.Items {
		if it.Kind != String {
			return nil, false
		}
		out = append(out, it.Str)
	}
	return out, true
}

// maxDepth bounds nesting so that hostile input cannot exhaust the stack.
const maxDepth = 200

// ParseJSON5 parses one JSON5 document (comments, trailing commas,
// unquoted keys, single-quoted strings, hex numbers, Infinity and NaN). It
// records the line of every value and key, which a decoder into Go values
// does not keep.
func ParseJSON5(src []byte) (*Value, error) {
	p := &parser{src: string(src), line: 1}
	if strings.HasPrefix(p.src, "\ufeff") {
		p.pos = len("\ufeff")
	}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.err != nil {
		return nil, p.err
	}
	if p.pos < len(p.src) {
		return nil, p.errf("unexpected %q after the value", p.peekRune())
	}
	return v, nil
}

type parser struct {
	src  string
	pos  int
	line int
	err  error
}

func (p *parser) errf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.line, fmt.Sprintf(format, args...))
}

func (p *parser) peekRune() rune {
	r, _ := utf8.DecodeRuneInString(p.src[p.pos:])
	return r
}

func (p *parser) advance(n int) {
	p.line += strings.Count(p.src[p.pos:p.pos+n], "\n")
	p.pos += n
}

// space skips white space and comments.
func (p *parser) space() {
	for p.pos < len(p.src) && p.err == nil {
		rest := p.src[p.pos:]
		switch {
		case strings.HasPrefix(rest, "//"):
			n := strings.IndexAny(rest, "\n\u2028\u2029")
			if n < 0 {
				n = len(rest)
			}
			p.advance(n)
		case strings.HasPrefix(rest, "/*"):
			n := strings.Index(rest[2:], "*/")
			if n < 0 {
				p.err = p.errf("unterminated comment")
				return
			}
			p.advance(n + 4)
		default:
			r, size := utf8.DecodeRuneInString(rest)
			if !unicode.IsSpace(r) && r != '\ufeff' {
				return
			}
			p.advance(size)
		}
	}
}

func (p *parser) value(depth int) (*Value, error) {
	if depth > maxDepth {
		return nil, p.errf("nesting deeper than %d", maxDepth)
	}
	if p.err != nil {
		return nil, p.err
	}
	if p.pos >= len(p.src) {
		return nil, p.errf("unexpected end of input")
	}
	line := p.line
	switch c := p.src[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"' || c == '\'':
		s, err := p.str()
		return &Value{Kind: String, Line: line, Str: s}, err
	default:
		word := p.word()
		switch word {
		case "":
			return nil, p.errf("unexpected %q", p.peekRune())
		case "null":
			return &Value{Kind: Null, Line: line}, nil
		case "true", "false":
			return &Value{Kind: Bool, Line: line, Bool: word == "true"}, nil
		}
		n, err := number(word)
		if err != nil {
			return nil, p.errf("%v", err)
		}
		return &Value{Kind: Number, Line: line, Num: n}, nil
	}
}

// word reads an identifier or a number literal.
func (p *parser) word() string {
	start := p.pos
	for p.pos < len(p.src) {
		r, size := utf8.DecodeRuneInString(p.src[p.pos:])
		if !(r == '$' || r == '_' || r == '+' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)) {
			break
		}
		p.pos += size
	}
	return p.src[start:p.pos]
}

func number(w string) (float64, error) {
	sign := 1.0
	body := w
	if body != "" && (body[0] == '+' || body[0] == '-') {
		if body[0] == '-' {
			sign = -1
		}
		body = body[1:]
	}
	switch {
	case body == "Infinity":
		return sign * math.Inf(1), nil
	case body == "NaN":
		return math.NaN(), nil
	case strings.HasPrefix(body, "0x") || strings.HasPrefix(body, "0X"):
		n, err := strconv.ParseUint(body[2:], 16, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid number %q", w)
		}
		return sign * float64(n), nil
	case body == "" || strings.ContainsAny(body[:1], "eE_") || strings.Contains(body, "_"):
		return 0, fmt.Errorf("invalid value %q", w)
	}
	n, err := strconv.ParseFloat(body, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid value %q", w)
	}
	return sign * n, nil
}

func (p *parser) str() (string, error) {
	quote := p.src[p.pos]
	p.pos++
	var b strings.Builder
	for {
		if p.pos >= len(p.src) {
			return "", p.errf("unterminated string")
		}
		c := p.src[p.pos]
		switch {
		case c == quote:
			p.pos++
			return b.String(), nil
		case c == '\n':
			return "", p.errf("newline in string")
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++
		if p.pos >= len(p.src) {
			return "", p.errf("unterminated string")
		}
		e := p.src[p.pos]
		p.pos++
		switch e {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'v':
			b.WriteByte('\v')
		case '0':
			b.WriteByte(0)
		case '\n':
			p.line++ // a line continuation
		case '\r':
			if p.pos < len(p.src) && p.src[p.pos] == '\n' {
				p.pos++
			}
			p.line++
		case 'x', 'u':
			n := map[byte]int{'x': 2, 'u': 4}[e]
			if p.pos+n > len(p.src) {
				return "", p.errf("short escape")
			}
			r, err := strconv.ParseUint(p.src[p.pos:p.pos+n], 16, 32)
			if err != nil {
				return "", p.errf("invalid escape \\%c%s", e, p.src[p.pos:p.pos+n])
			}
			p.pos += n
			b.WriteRune(rune(r))
		default:
			b.WriteByte(e)
		}
	}
}

func (p *parser) array(depth int) (*Value, error) {
	v := &Value{Kind: Array, Line: p.line}
	p.pos++ // [
	for {
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == ']' {
			p.pos++
			return v, nil
		}
		it, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, it)
		if done, err := p.sep(']'); done || err != nil {
			return v, err
		}
	}
}

func (p *parser) object(depth int) (*Value, error) {
	v := &Value{Kind: Object, Line: p.line}
	p.pos++ // {
	for {
		p.space()
		if p.pos < len(p.src) && p.src[p.pos] == '}' {
			p.pos++
			return v, nil
		}
		if p.err != nil {
			return nil, p.err
		}
		if p.pos >= len(p.src) {
			return nil, p.errf("unterminated object")
		}
		line := p.line
		var key string
		if c := p.src[p.pos]; c == '"' || c == '\'' {
			k, err := p.str()
			if err != nil {
				return nil, err
			}
			key = k
		} else if key = p.word(); key == "" {
			return nil, p.errf("expected a key, found %q", p.peekRune())
		}
		p.space()
		if p.pos >= len(p.src) || p.src[p.pos] != ':' {
			return nil, p.errf("expected ':' after key %q", key)
		}
		p.pos++
		p.space()
		val, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		v.Keys = append(v.Keys, Member{Key: key, Line: line, Value: val})
		if done, err := p.sep('}'); done || err != nil {
			return v, err
		}
	}
}

// sep reads the comma or closing bracket after an element.
func (p *parser) sep(end byte) (done bool, err error) {
	p.space()
	if p.err != nil {
		return true, p.err
	}
	if p.pos >= len(p.src) {
		return true, p.errf("expected ',' or %q, found the end", end)
	}
	switch p.src[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case end:
		p.pos++
		return true, nil
	}
	return true, p.errf("expected ',' or %q, found %q", end, p.peekRune())
}
