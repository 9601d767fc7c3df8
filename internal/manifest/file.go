package manifest

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// File is one parsed YAML file.
type File struct {
	// Path is relative to the scanned root, with "/" separators.
	Path string
	// Data is the file content exactly as read (BOM and CRLF included);
	// nil while Load keeps it released (see Bytes), until the file is
	// restored or a position in it is needed.
	Data []byte
	// Docs are the documents of the file in order; Docs[i].Index == i.
	Docs []Document

	posOnce sync.Once
	pos     *Lines

	mu  sync.Mutex
	src *source // set while Data is released
	sum uint64  // hash of the released Data
}

// Document is one YAML document of a file.
type Document struct {
	Index int
	// Root is the document's top node (usually a mapping); nil for an empty document or one with a duplicate key.
	Root *yaml.Node
	// Skeleton is set when Root lacks what Options.Unread named.
	Skeleton bool
	// Cut lists the fields left out of a Skeleton, as key paths; nil when
	// all but its apiVersion, kind, metadata and sops keys were.
	Cut [][]string
}

// Span is a half-open byte range [Start, End) of a file.
type Span struct {
	Start, End int
}

// errLineRE extracts the line from yaml.v3 messages ("yaml: line 4: did not find expected key").
var errLineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^yaml: line (\d+): (.*)$`) })

// Parse splits data into YAML documents. It never panics: a file that
// cannot be parsed, entirely or from some document on, yields the documents
// read so far and a FileError. A document defining a mapping key twice is
// invalid: it is kept with a nil Root, the others are read, and the first
// duplicate is the FileError.
func Parse(path string, data []byte) (*File, *FileError) {
	return ParseContext(context.Background(), path, data)
}

// ParseContext is Parse that stops between documents once ctx ends; the
// file then has the documents read so far and a FileError.
func ParseContext(ctx context.Context, path string, data []byte) (*File, *FileError) {
	return parse(ctx, path, data, nil, nil)
}

// parse is ParseContext leaving out of each document what unread names
// (nil: nothing); the documents are then packed, in arena a.
func parse(ctx context.Context, path string, data []byte, unread unreadFunc, a *arena) (*File, *FileError) {
	f := &File{Path: path, Data: data}
	if bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) {
		return f, &FileError{File: path, Msg: "UTF-16 encoding is not supported"}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return f, &FileError{File: path, Msg: "binary file"}
	}
	if !utf8.Valid(data) {
		return f, &FileError{File: path, Line: NewLines(data).Line(firstInvalidUTF8(data)), Msg: "invalid UTF-8"}
	}
	return f, f.decode(ctx, unread, a)
}

func (f *File) decode(ctx context.Context, unread unreadFunc, a *arena) (fe *FileError) {
	defer func() {
		if r := recover(); r != nil {
			fe = &FileError{File: f.Path, Msg: fmt.Sprintf("yaml parser failure: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	for {
		if ctx.Err() != nil {
			return cmp.Or(fe, &FileError{File: f.Path, Msg: "parse cancelled"})
		}
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return fe
		}
		if err != nil {
			return cmp.Or(fe, yamlError(f.Path, err))
		}
		d := Document{Index: len(f.Docs)}
		if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
			d.Root = doc.Content[0]
		}
		// A document with a duplicate key is invalid: it keeps its index
		// but not its content, and the documents after it are still read.
		if dup := CheckKeys(d.Root); dup != nil {
			d.Root = nil
			if fe == nil {
				fe = &FileError{File: f.Path, Line: dup.Line, Msg: dup.Msg()}
			}
		}
		d.Root, d.Skeleton, d.Cut = trim(d.Root, f.Path, unread)
		if unread != nil {
			// Kept for the whole scan: packed, so the parser's pages are freed.
			d.Root = compact(d.Root, a)
		}
		f.Docs = append(f.Docs, d)
	}
}

func yamlError(path string, err error) *FileError {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: unmarshal errors:\n  ")
	if m := errLineRE().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &FileError{File: path, Line: line, Msg: m[2]}
	}
	return &FileError{File: path, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// Offset converts a yaml.v3 1-based line and rune column to a byte offset.
func (f *File) Offset(line, column int) (int, bool) {
	_, lines := f.text()
	return lines.Offset(line, column)
}

// lines indexes the lines of Data on first use: most files of a
// repository never need a byte offset.
func (f *File) lines() *Lines {
	f.posOnce.Do(func() { f.pos = NewLines(f.Data) })
	return f.pos
}

// content is the text of a file, which Span reads.
type content []byte

// lineEnd returns the offset of the line break (or EOF) at or after off.
func (b content) lineEnd(off int) int {
	for i := off; i < len(b); i++ {
		if BreakLen(b, i) > 0 {
			return i
		}
	}
	return len(b)
}

// Span returns the byte range of the token of n exactly as written: quotes
// included for quoted scalars, "*name" for an alias, from the indicator to
// the last content line (its line break included) for a block scalar.
// Properties written before the value (&anchor, !tag) are not part of it.
// parent is the mapping or sequence holding n (nil for a top-level node); it
// tells the flow context and the indentation that ends a block scalar.
func (f *File) Span(n, parent *yaml.Node) (Span, error) {
	if n == nil {
		return Span{}, errors.New("no node")
	}
	data, lines := f.text()
	b := content(data)
	off, ok := lines.Offset(n.Line, n.Column)
	if !ok {
		return Span{}, fmt.Errorf("line %d column %d is outside the file", n.Line, n.Column)
	}
	if n.Kind == yaml.AliasNode {
		end := off + 1 + len(n.Value)
		if end > len(b) || b[off] != '*' || string(b[off+1:end]) != n.Value {
			return Span{}, fmt.Errorf("line %d: alias *%s not found as written", n.Line, n.Value)
		}
		return Span{off, end}, nil
	}
	if n.Kind != yaml.ScalarNode {
		return Span{}, fmt.Errorf("line %d: not a scalar", n.Line)
	}
	off = SkipProperties(b, off)
	if off < 0 || off >= len(b) {
		return Span{}, fmt.Errorf("line %d: scalar not found", n.Line)
	}
	indent, flow := -1, false
	if parent != nil {
		indent = parent.Column - 1
		flow = parent.Style&yaml.FlowStyle != 0
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := off + 1; i < len(b); i++ {
			switch b[i] {
			case '\\':
				i++
			case '"':
				return Span{off, i + 1}, nil
			}
		}
		return Span{}, fmt.Errorf("line %d: unterminated double-quoted scalar", n.Line)
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := off + 1; i < len(b); i++ {
			if b[i] == '\'' {
				if i+1 < len(b) && b[i+1] == '\'' {
					i++
					continue
				}
				return Span{off, i + 1}, nil
			}
		}
		return Span{}, fmt.Errorf("line %d: unterminated single-quoted scalar", n.Line)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return Span{off, b.blockEnd(off, indent)}, nil
	default:
		return Span{off, b.plainEnd(off, indent, flow)}, nil
	}
}

// plainEnd finds the end of a plain scalar starting at off, continuation lines included.
func (b content) plainEnd(off, indent int, flow bool) int {
	end := b.plainLineEnd(off, flow)
	if end < b.lineEnd(off) || flow {
		return end // stopped by an indicator: the scalar cannot continue
	}
	// Continuation lines: more indented than the parent, not a comment or a key.
	for next := b.lineEnd(end); next < len(b); {
		next += BreakLen(b, next)
		i := next
		for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
			i++
		}
		if i >= len(b) {
			break
		}
		if BreakLen(b, i) > 0 { // blank line: may be folded into the scalar
			next = i
			continue
		}
		if i-next <= indent || b[i] == '#' || b[i] == '-' && i-next <= indent+1 {
			break
		}
		if bytes.HasPrefix(b[i:], []byte("---")) || bytes.HasPrefix(b[i:], []byte("...")) {
			break
		}
		e := b.plainLineEnd(i, false)
		if e == i {
			break
		}
		end = e
		if e < b.lineEnd(i) {
			break
		}
		next = b.lineEnd(e)
	}
	return end
}

// plainLineEnd scans one line of a plain scalar from off.
func (b content) plainLineEnd(off int, flow bool) int {
	end := off
	for i := off; i < len(b) && BreakLen(b, i) == 0; i++ {
		c := b[i]
		if c == '#' && i > off && (b[i-1] == ' ' || b[i-1] == '\t') {
			break
		}
		if c == ':' && (i+1 == len(b) || b[i+1] == ' ' || b[i+1] == '\t' || BreakLen(b, i+1) > 0 || flow && strings.IndexByte(",[]{}", b[i+1]) >= 0) {
			break
		}
		if flow && strings.IndexByte(",[]{}", c) >= 0 {
			break
		}
		if c != ' ' && c != '\t' {
			end = i + 1
		}
	}
	return end
}

// blockEnd finds the end of a literal or folded block scalar whose indicator is at off.
func (b content) blockEnd(off, indent int) int {
	le := b.lineEnd(off)
	end := le + BreakLen(b, le)
	for next := end; next < len(b); {
		i := next
		for i < len(b) && b[i] == ' ' {
			i++
		}
		blank := i >= len(b) || BreakLen(b, i) > 0 || b[i] == '\t' && b.isBlankLine(i)
		if !blank && i-next <= indent {
			break
		}
		e := b.lineEnd(i)
		if !blank {
			end = e + BreakLen(b, e)
		}
		if e >= len(b) {
			break
		}
		next = e + BreakLen(b, e)
	}
	return end
}

func (b content) isBlankLine(i int) bool {
	for ; i < len(b) && BreakLen(b, i) == 0; i++ {
		if b[i] != ' ' && b[i] != '\t' {
			return false
		}
	}
	return true
}
