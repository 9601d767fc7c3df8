package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"gopkg.in/yaml.v3"
)

// Sentinel errors; every error from this package wraps one of them (or a
// parse or I/O error) so callers can classify with errors.Is.
var (
	// ErrMismatch: the range does not hold a scalar token whose value is
	// Edit.Old, typically because the file changed since it was scanned.
	ErrMismatch = errors.New("file does not hold the expected value")
	// ErrAlias: the value is an alias, or an anchor that an alias elsewhere
	// uses, so editing it would change other fields too.
	ErrAlias = errors.New("value is shared through a yaml alias")
	// ErrInvalidEdit: the edit itself is malformed (range, overlap, value).
	ErrInvalidEdit = errors.New("invalid edit")
	// ErrNotEditable: the node cannot be edited in place (mapping key, block
	// scalar, multi-line token, explicit non-string tag).
	ErrNotEditable = errors.New("value is not editable in place")
	// ErrVerify: the re-parsed result differs from the original elsewhere
	// than in the edited scalars.
	ErrVerify = errors.New("verification failed")
	// ErrReadOnly: Files refuses to replace a file without write permission.
	ErrReadOnly = errors.New("file is read-only")
)

// Edit replaces one scalar token.
type Edit struct {
	// File is the path relative to the root, with "/" separators (Files only).
	File string `json:"file"`
	// Start and End are the byte range of the scalar token exactly as
	// written, quotes included, properties (&anchor, !tag) excluded.
	Start int `json:"start"`
	End   int `json:"end"`
	// Old is the decoded value expected at the range, New the value to write.
	Old string `json:"old"`
	New string `json:"new"`
	// Line is used in messages only.
	Line int `json:"line,omitempty"`
}

func (e Edit) String() string {
	if e.File == "" {
		return fmt.Sprintf("line %d (bytes %d-%d)", e.Line, e.Start, e.End)
	}
	return fmt.Sprintf("%s:%d (bytes %d-%d)", e.File, e.Line, e.Start, e.End)
}

// target is an edit matched to its node in the parsed original.
type target struct {
	Edit
	node  *yaml.Node
	style style
	tok   string // the new token as written
}

// Apply splices edits into src and returns the new content; src is not
// modified. It fails, returning no output, if a range does not currently hold
// a scalar token whose decoded value is Old, if ranges overlap, if a value is
// an alias or an aliased anchor, or if Verify rejects the result. A plain
// token whose new value would not read back as that string is double-quoted;
// quoted tokens keep their quote style.
func Apply(src []byte, edits []Edit) ([]byte, error) {
	if len(edits) == 0 {
		return bytes.Clone(src), nil
	}
	p, err := parse(src)
	if err != nil {
		return nil, err
	}
	ts, err := p.locate(edits, true)
	if err != nil {
		return nil, err
	}
	out := splice(src, ts)
	err = verify(p, out, ts)
	if err != nil && requote(ts) {
		// A plain token that reads differently in its context than plainSafe
		// predicted: double quotes are always safe, so try them once.
		if out2 := splice(src, ts); verify(p, out2, ts) == nil {
			return out2, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

// requote double-quotes every target written plain; it reports whether any was.
func requote(ts []target) bool {
	changed := false
	for i := range ts {
		if ts[i].style == stylePlain && ts[i].tok == ts[i].New {
			ts[i].tok = doubleQuote(ts[i].New)
			changed = true
		}
	}
	return changed
}

// splice replaces each target's range with its token. ts is sorted by Start
// and does not overlap.
func splice(src []byte, ts []target) []byte {
	n := len(src)
	for _, t := range ts {
		n += len(t.tok) - (t.End - t.Start)
	}
	out := make([]byte, 0, n)
	prev := 0
	for _, t := range ts {
		out = append(out, src[prev:t.Start]...)
		out = append(out, t.tok...)
		prev = t.End
	}
	return append(out, src[prev:]...)
}

// index holds, for a parsed file, the scalar nodes by token start and what is
// needed to judge whether they may be edited.
type index struct {
	byStart map[int]*yaml.Node
	parent  map[*yaml.Node]*yaml.Node
	isKey   map[*yaml.Node]bool
	aliased map[*yaml.Node]*yaml.Node // anchor node -> first alias using it
}

func (p *parsed) index() *index {
	x := &index{
		byStart: map[int]*yaml.Node{},
		parent:  map[*yaml.Node]*yaml.Node{},
		isKey:   map[*yaml.Node]bool{},
		aliased: map[*yaml.Node]*yaml.Node{},
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		switch n.Kind {
		case yaml.ScalarNode, yaml.AliasNode:
			if o := p.tokenStart(n); o >= 0 {
				if _, dup := x.byStart[o]; !dup {
					x.byStart[o] = n
				}
			}
		}
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			if _, ok := x.aliased[n.Alias]; !ok {
				x.aliased[n.Alias] = n
			}
		}
		for i, c := range n.Content {
			x.parent[c] = n
			if n.Kind == yaml.MappingNode && i%2 == 0 {
				x.isKey[c] = true
			}
			walk(c)
		}
	}
	for _, d := range p.docs {
		walk(d)
	}
	return x
}

// locate sorts the edits, checks their ranges and matches each one to the
// scalar node whose token it covers. With checkOld it also requires the
// token's value to be Old and computes the new token; otherwise (Verify) only
// the match is checked.
func (p *parsed) locate(edits []Edit, checkOld bool) ([]target, error) {
	ts := make([]target, len(edits))
	for i, e := range edits {
		ts[i].Edit = e
	}
	slices.SortStableFunc(ts, func(a, b target) int { return a.Start - b.Start })
	x := p.index()
	var errs []error
	for i := range ts {
		t := &ts[i]
		if err := p.check(x, t, checkOld); err != nil {
			errs = append(errs, fmt.Errorf("edit %s: %w", t.Edit, err))
			continue
		}
		if i > 0 && ts[i-1].End > t.Start {
			errs = append(errs, fmt.Errorf("edit %s: overlaps edit %s: %w", t.Edit, ts[i-1].Edit, ErrInvalidEdit))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ts, nil
}

func (p *parsed) check(x *index, t *target, checkOld bool) error {
	if t.Start < 0 || t.End > len(p.src) || t.Start >= t.End {
		return fmt.Errorf("range outside the file (%d bytes): %w", len(p.src), ErrInvalidEdit)
	}
	if t.Line == 0 {
		t.Line = p.lines.Line(t.Start)
	}
	tok := string(p.src[t.Start:t.End])
	switch tok[0] {
	case '*':
		return fmt.Errorf("value %s is an alias: %w", tok, ErrAlias)
	case '&', '!':
		return fmt.Errorf("range starts with an anchor or tag, not the scalar token: %w", ErrInvalidEdit)
	}
	n := x.byStart[t.Start]
	if n == nil {
		return fmt.Errorf("no scalar token starts at byte %d: %w", t.Start, ErrMismatch)
	}
	if n.Kind == yaml.AliasNode {
		return fmt.Errorf("value is an alias: %w", ErrAlias)
	}
	if x.isKey[n] {
		if checkOld && n.Value != t.Old {
			return fmt.Errorf("the range holds the mapping key %q, not a value %q: the file changed since it was read: %w", n.Value, t.Old, ErrMismatch)
		}
		return fmt.Errorf("scalar %q is a mapping key: %w", n.Value, ErrNotEditable)
	}
	s, err := nodeStyle(n)
	if err != nil {
		return fmt.Errorf("%w: %w", err, ErrNotEditable)
	}
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!!str" {
		return fmt.Errorf("explicit tag %s: %w", n.Tag, ErrNotEditable)
	}
	if hasBreak(p.src[t.Start:t.End]) {
		return fmt.Errorf("token spans several lines: %w", ErrNotEditable)
	}
	for a := n; a != nil; a = x.parent[a] {
		if al, ok := x.aliased[a]; ok {
			what := "value"
			if a != n {
				what = "an enclosing node"
			}
			return fmt.Errorf("%s has anchor &%s, used by alias *%s at line %d: %w", what, a.Anchor, al.Value, al.Line, ErrAlias)
		}
	}
	t.node, t.style = n, s
	if !checkOld {
		return nil
	}
	got, err := decode(tok, s)
	if err != nil || got != n.Value {
		return fmt.Errorf("range does not cover the whole %s scalar %q: %w", s, n.Value, ErrMismatch)
	}
	if got != t.Old {
		return fmt.Errorf("holds %q, want %q: %w", got, t.Old, ErrMismatch)
	}
	if err := checkValue(t.New); err != nil {
		return fmt.Errorf("new value %q: %w: %w", t.New, err, ErrInvalidEdit)
	}
	t.tok = encode(t.New, s)
	return nil
}
