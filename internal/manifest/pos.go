package manifest

import (
	"bytes"
	"sync"
	"unicode/utf8"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Lines maps yaml.v3 positions (1-based line; 1-based column counted in
// characters, not bytes; a leading UTF-8 BOM not counted) to byte offsets
// of the text exactly as written. Line breaks are those yaml.v3 counts:
// CRLF, CR, LF, NEL, LS and PS. It is safe for concurrent use.
type Lines struct {
	src    []byte
	bom    int
	starts []int        // byte offset of each line's first character
	wide   map[int]bool // lines holding multi-byte characters

	mu    sync.Mutex
	runes map[int][]int // per wide line: the offset of each character, then the line end
}

// NewLines indexes the lines of src.
func NewLines(src []byte) *Lines {
	x := &Lines{src: src, wide: map[int]bool{}}
	if bytes.HasPrefix(src, utf8BOM) {
		x.bom = len(utf8BOM)
	}
	// Most texts break lines with LF alone: one count sizes the index.
	x.starts = append(make([]int, 0, bytes.Count(src, []byte{'\n'})+1), x.bom)
	for i := x.bom; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf && c != '\n' && c != '\r' {
			i++
			continue
		}
		if n := BreakLen(src, i); n > 0 {
			i += n
			x.starts = append(x.starts, i)
			continue
		}
		if c >= utf8.RuneSelf {
			x.wide[len(x.starts)] = true
		}
		i++
	}
	return x
}

// end returns the byte offset of the break ending 1-based line (or the
// end of the text for the last line): the break before the next line's
// start, as NewLines read it.
func (x *Lines) end(line int) int {
	if line >= len(x.starts) {
		return len(x.src)
	}
	next := x.starts[line]
	switch b := x.src; {
	case b[next-1] == '\n' && next >= 2 && b[next-2] == '\r':
		return next - 2 // CRLF
	case b[next-1] == '\n' || b[next-1] == '\r':
		return next - 1
	case b[next-1] == 0x85:
		return next - 2 // NEL
	default:
		return next - 3 // LS, PS
	}
}

// BOM returns the length of a leading UTF-8 BOM: 0 or 3.
func (x *Lines) BOM() int { return x.bom }

// Offset returns the byte offset of a yaml.v3 position. ok is false when the
// position is not inside the text; the end of a line (where its break
// starts) is inside.
func (x *Lines) Offset(line, column int) (off int, ok bool) {
	if line < 1 || line > len(x.starts) || column < 1 {
		return 0, false
	}
	start, end := x.starts[line-1], x.end(line)
	if !x.wide[line] {
		if o := start + column - 1; o <= end {
			return o, true
		}
		return 0, false
	}
	runes := x.runeStarts(line, start, end)
	if column-1 < len(runes) {
		return runes[column-1], true
	}
	return 0, false
}

// runeStarts returns, for a line with multi-byte characters, the byte offset
// of each character plus the end of the line; it is computed once per line.
func (x *Lines) runeStarts(line, start, end int) []int {
	x.mu.Lock()
	defer x.mu.Unlock()
	if r, ok := x.runes[line]; ok {
		return r
	}
	var r []int
	for o := start; o < end; {
		r = append(r, o)
		_, w := utf8.DecodeRune(x.src[o:end])
		o += w
	}
	r = append(r, end)
	if x.runes == nil {
		x.runes = map[int][]int{}
	}
	x.runes[line] = r
	return r
}

// Line returns the 1-based line holding byte offset off.
func (x *Lines) Line(off int) int {
	lo, hi := 0, len(x.starts)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if x.starts[m] <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// BreakLen returns the byte length of the line break at b[i], 0 if none.
// Like yaml.v3 it counts CRLF, CR, LF, NEL, LS and PS as breaks.
func BreakLen(b []byte, i int) int {
	if i < 0 || i >= len(b) {
		return 0
	}
	switch b[i] {
	case '\n':
		return 1
	case '\r':
		if i+1 < len(b) && b[i+1] == '\n' {
			return 2
		}
		return 1
	case 0xC2: // NEL U+0085
		if i+1 < len(b) && b[i+1] == 0x85 {
			return 2
		}
	case 0xE2: // LS U+2028, PS U+2029
		if i+2 < len(b) && b[i+1] == 0x80 && (b[i+2] == 0xA8 || b[i+2] == 0xA9) {
			return 3
		}
	}
	return 0
}

// SkipProperties returns the offset of a node's content when its position
// off is at "&anchor" or "!tag" properties: past them and the blanks, line
// breaks and comments that follow. It returns -1 for an unterminated
// verbatim tag ("!<...").
func SkipProperties(src []byte, off int) int {
	for off < len(src) && (src[off] == '&' || src[off] == '!') {
		if bytes.HasPrefix(src[off:], []byte("!<")) {
			end := bytes.IndexByte(src[off:], '>')
			if end < 0 {
				return -1
			}
			off += end + 1
		}
		for off < len(src) && !isBlank(src[off]) && BreakLen(src, off) == 0 && !isFlowIndicator(src[off]) {
			off++
		}
		off = skipSpace(src, off)
	}
	return off
}

// skipSpace skips blanks, line breaks and comments from off.
func skipSpace(src []byte, off int) int {
	for off < len(src) {
		switch {
		case isBlank(src[off]):
			off++
		case BreakLen(src, off) > 0:
			off += BreakLen(src, off)
		case src[off] == '#':
			for off < len(src) && BreakLen(src, off) == 0 {
				off++
			}
		default:
			return off
		}
	}
	return off
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}
