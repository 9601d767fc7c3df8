package rewrite

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// Verify checks that updated is old with each edit's range replaced by a
// scalar token holding edit.New: every byte outside the ranges is unchanged,
// both texts parse with yaml.v3 (all documents), and the node trees are
// identical (kind, style, tag, value, anchor, comments, position) except the
// edited scalars, which now hold New with a tag that resolves to !!str and
// the same quote style (a plain scalar may have become double-quoted).
// Edit.Old is not checked.
func Verify(old, updated []byte, edits []Edit) error {
	p, err := parse(old)
	if err != nil {
		return fmt.Errorf("original: %w", err)
	}
	ts, err := p.locate(edits, false)
	if err != nil {
		return err
	}
	return verify(p, updated, ts)
}

func verify(p *parsed, updated []byte, ts []target) error {
	// Bytes outside the edited tokens must be identical.
	deltas := make([]int, len(ts))
	prev, np := 0, 0
	for i, t := range ts {
		seg := p.src[prev:t.Start]
		if !bytes.HasPrefix(updated[np:], seg) {
			return fmt.Errorf("bytes before edit %s changed: %w", t.Edit, ErrVerify)
		}
		np += len(seg)
		end := tokenEnd(updated, np, t.New)
		if end < 0 {
			return fmt.Errorf("edit %s: no scalar token at the new position: %w", t.Edit, ErrVerify)
		}
		deltas[i] = (end - np) - (t.End - t.Start)
		np, prev = end, t.End
	}
	if !bytes.Equal(updated[np:], p.src[prev:]) {
		return fmt.Errorf("bytes after the last edit changed: %w", ErrVerify)
	}

	q, err := parse(updated)
	if err != nil {
		return fmt.Errorf("result does not parse: %w: %w", err, ErrVerify)
	}
	if len(q.docs) != len(p.docs) {
		return fmt.Errorf("result has %d documents, original %d: %w", len(q.docs), len(p.docs), ErrVerify)
	}
	c := comparer{old: p, new: q, edited: map[*yaml.Node]*target{}}
	for i := range ts {
		c.edited[ts[i].node] = &ts[i]
		c.ends = append(c.ends, ts[i].End)
	}
	c.deltas = deltas
	for i := range p.docs {
		if err := c.compare(p.docs[i], q.docs[i]); err != nil {
			return fmt.Errorf("document %d: %w: %w", i+1, err, ErrVerify)
		}
	}
	for _, t := range ts {
		if !c.seen[t.node] {
			return fmt.Errorf("edit %s: edited scalar not found in the result: %w", t.Edit, ErrVerify)
		}
	}
	return nil
}

// tokenEnd returns the end of the scalar token starting at pos in src, or -1.
// A plain token must be exactly want.
func tokenEnd(src []byte, pos int, want string) int {
	if pos >= len(src) {
		return -1
	}
	switch src[pos] {
	case '"':
		for i := pos + 1; i < len(src); i++ {
			switch src[i] {
			case '\\':
				i++
			case '"':
				return i + 1
			}
		}
		return -1
	case '\'':
		for i := pos + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return -1
	}
	if want != "" && bytes.HasPrefix(src[pos:], []byte(want)) {
		return pos + len(want)
	}
	return -1
}

type comparer struct {
	old, new *parsed
	edited   map[*yaml.Node]*target
	ends     []int // End of each edit, ascending
	deltas   []int // length change of each edit
	seen     map[*yaml.Node]bool
}

// shift maps a byte offset in the original to the result.
func (c *comparer) shift(o int) int {
	n := o
	for i, e := range c.ends {
		if e <= o {
			n += c.deltas[i]
		}
	}
	return n
}

func (c *comparer) compare(a, b *yaml.Node) error {
	if c.seen == nil {
		c.seen = map[*yaml.Node]bool{}
	}
	at := func() string { return fmt.Sprintf("line %d column %d", a.Line, a.Column) }
	if a.Kind != b.Kind {
		return fmt.Errorf("%s: node kind %d became %d", at(), a.Kind, b.Kind)
	}
	oa, ob := c.old.offset(a.Line, a.Column), c.new.offset(b.Line, b.Column)
	if oa < 0 || ob < 0 {
		return fmt.Errorf("%s: position outside the text", at())
	}
	if c.shift(oa) != ob {
		return fmt.Errorf("%s: node moved to line %d column %d", at(), b.Line, b.Column)
	}
	if a.Anchor != b.Anchor || a.HeadComment != b.HeadComment || a.LineComment != b.LineComment || a.FootComment != b.FootComment {
		return fmt.Errorf("%s: anchor or comments changed", at())
	}
	if t, ok := c.edited[a]; ok {
		c.seen[a] = true
		if b.Value != t.New {
			return fmt.Errorf("%s: edited scalar reads %q, want %q", at(), b.Value, t.New)
		}
		if b.Tag != "!!str" {
			return fmt.Errorf("%s: edited scalar %q resolves to %s, want !!str", at(), b.Value, b.Tag)
		}
		if a.Style != b.Style && !(a.Style&^yaml.TaggedStyle == 0 && b.Style == a.Style|yaml.DoubleQuotedStyle) {
			return fmt.Errorf("%s: edited scalar style %d became %d", at(), a.Style, b.Style)
		}
		return nil
	}
	if a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value {
		return fmt.Errorf("%s: scalar %q (%s) became %q (%s)", at(), a.Value, a.Tag, b.Value, b.Tag)
	}
	if (a.Alias == nil) != (b.Alias == nil) {
		return fmt.Errorf("%s: alias changed", at())
	}
	if a.Alias != nil {
		pa := c.old.offset(a.Alias.Line, a.Alias.Column)
		pb := c.new.offset(b.Alias.Line, b.Alias.Column)
		if pa < 0 || c.shift(pa) != pb {
			return fmt.Errorf("%s: alias *%s points elsewhere", at(), a.Value)
		}
	}
	if len(a.Content) != len(b.Content) {
		return fmt.Errorf("%s: %d children became %d", at(), len(a.Content), len(b.Content))
	}
	for i := range a.Content {
		if err := c.compare(a.Content[i], b.Content[i]); err != nil {
			return err
		}
	}
	return nil
}
