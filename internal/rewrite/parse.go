package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

var bom = []byte("\ufeff")

// parsed is a YAML file read with yaml.v3, all documents, plus what is needed
// to turn node positions into byte offsets.
type parsed struct {
	src   []byte
	docs  []*yaml.Node
	lines *lineIndex
}

// parse decodes every document of src. yaml.v3 panics on a few malformed
// inputs; those become errors.
func parse(src []byte) (p *parsed, err error) {
	if bytes.HasPrefix(src, []byte{0xfe, 0xff}) || bytes.HasPrefix(src, []byte{0xff, 0xfe}) {
		return nil, errors.New("parse yaml: UTF-16 input is not supported")
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("parse yaml: %v", r)
		}
	}()
	p = &parsed{src: src, lines: newLineIndex(src)}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("parse yaml: %w", err)
		}
		p.docs = append(p.docs, &n)
	}
	return p, nil
}

// lineIndex maps yaml.v3 positions (1-based line, 1-based column counted in
// characters, BOM not counted) to byte offsets. Line breaks are those yaml.v3
// counts: CRLF, CR, LF, NEL, LS and PS.
type lineIndex struct {
	src    []byte
	starts []int // byte offset of each line's first character
	ends   []int // byte offset of each line's break (or the end of the text)
	// nonASCII holds the lines with multi-byte characters, each with its
	// character offsets once computed.
	nonASCII map[int][]int
}

func newLineIndex(src []byte) *lineIndex {
	first := 0
	if bytes.HasPrefix(src, bom) {
		first = len(bom)
	}
	starts, ends := []int{first}, []int(nil)
	for i := first; i < len(src); {
		if w := breakWidth(src[i:]); w > 0 {
			ends = append(ends, i)
			i += w
			starts = append(starts, i)
			continue
		}
		i++
	}
	ends = append(ends, len(src))
	return &lineIndex{src: src, starts: starts, ends: ends}
}

// breakWidth returns the byte length of the line break at the start of b, or 0.
func breakWidth(b []byte) int {
	if len(b) == 0 {
		return 0
	}
	switch b[0] {
	case '\n':
		return 1
	case '\r':
		if len(b) > 1 && b[1] == '\n' {
			return 2
		}
		return 1
	case 0xc2: // NEL U+0085
		if len(b) > 1 && b[1] == 0x85 {
			return 2
		}
	case 0xe2: // LS U+2028, PS U+2029
		if len(b) > 2 && b[1] == 0x80 && (b[2] == 0xa8 || b[2] == 0xa9) {
			return 3
		}
	}
	return 0
}

// offset returns the byte offset of a yaml.v3 position, or -1 when the
// position is not inside the text (past the end of its line or of the file).
func (x *lineIndex) offset(line, col int) int {
	if line < 1 || line > len(x.starts) || col < 1 {
		return -1
	}
	start, end := x.starts[line-1], x.ends[line-1]
	if x.ascii(line) {
		if o := start + col - 1; o <= end {
			return o
		}
		return -1
	}
	runes := x.runeStarts(line, start, end)
	if col-1 < len(runes) {
		return runes[col-1]
	}
	return -1
}

// ascii reports whether line holds only single-byte characters.
func (x *lineIndex) ascii(line int) bool {
	if x.nonASCII == nil {
		x.nonASCII = map[int][]int{}
		for i, c := range x.src {
			if c >= utf8.RuneSelf {
				l := x.line(i)
				if _, ok := x.nonASCII[l]; !ok {
					x.nonASCII[l] = nil
				}
			}
		}
	}
	_, ok := x.nonASCII[line]
	return !ok
}

// runeStarts returns, for a line with multi-byte characters, the byte offset
// of each character plus the end of the line; it is computed once per line.
func (x *lineIndex) runeStarts(line, start, end int) []int {
	if r := x.nonASCII[line]; r != nil {
		return r
	}
	var r []int
	for o := start; o < end; {
		r = append(r, o)
		_, w := utf8.DecodeRune(x.src[o:end])
		o += w
	}
	r = append(r, end)
	x.nonASCII[line] = r
	return r
}

// line returns the 1-based line holding byte offset o.
func (x *lineIndex) line(o int) int {
	lo, hi := 0, len(x.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.starts[m] <= o {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// tokenStart returns the byte offset where the token of node n begins: its
// position, past any anchor and tag properties, spaces, line breaks and
// comments between them and the content. It returns -1 when the position is
// unknown.
func (p *parsed) tokenStart(n *yaml.Node) int {
	o := p.lines.offset(n.Line, n.Column)
	if o < 0 || n.Kind != yaml.ScalarNode {
		return o
	}
	src := p.src
	for o < len(src) && (src[o] == '&' || src[o] == '!') {
		if bytes.HasPrefix(src[o:], []byte("!<")) { // verbatim tag
			end := bytes.IndexByte(src[o:], '>')
			if end < 0 {
				return -1
			}
			o += end + 1
		}
		for o < len(src) && !isBlank(src[o]) && breakWidth(src[o:]) == 0 && !isFlowIndicator(src[o]) {
			o++
		}
		o = skipSpace(src, o)
	}
	return o
}

// skipSpace skips blanks, line breaks and comments from o.
func skipSpace(src []byte, o int) int {
	for o < len(src) {
		switch {
		case isBlank(src[o]):
			o++
		case breakWidth(src[o:]) > 0:
			o += breakWidth(src[o:])
		case src[o] == '#':
			for o < len(src) && breakWidth(src[o:]) == 0 {
				o++
			}
		default:
			return o
		}
	}
	return o
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}

func hasBreak(b []byte) bool {
	for i := range b {
		if breakWidth(b[i:]) > 0 {
			return true
		}
	}
	return false
}
