package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Patch is one entry of a kustomization's patches (or of a Flux
// Kustomization's spec.patches): a strategic-merge patch or a JSON 6902
// patch, from a file or inline, applied to the objects its target selects
// or, without a target, to the object a strategic-merge patch names.
type Patch struct {
	// File is where the patch text came from, for Origins: the patch file,
	// or for an inline patch the file holding it. "" records nothing, and
	// the patched nodes then count as written in the patched object's file.
	File   string
	Text   []byte
	Target *Selector
	// Inline is the scalar holding an inline patch's text (nil for a
	// file). Its nodes get file positions only when Shift says where the
	// text starts in File; otherwise File is replaced by a name that is no
	// file, so nothing edits them.
	Inline *yaml.Node
	// Shift, set for an inline patch whose text is a block scalar, maps
	// the text's line 1 column 1 onto File: line += Line, column += Column.
	Shift *Shift
	// Docs, when set, are Text already decoded (see DecodePatch); apply
	// never changes them.
	Docs []*yaml.Node
}

// DecodePatch decodes a patch text once, for Patch.Docs.
func DecodePatch(text []byte) ([]*yaml.Node, error) { return decodeAll(text) }

// Shift moves the positions of nodes decoded from an embedded text.
type Shift struct{ Line, Column int }

// InlineOrigin names the origin of nodes from an inline patch that have
// no position in a file: it is not a file path.
func InlineOrigin(file string) string { return "inline patch in " + file }

// Origins maps nodes that a transformation put into an object to the file
// they were written in. Nodes not in it come from the object's own file.
type Origins map[*yaml.Node]string

// FileOf returns the file node n was written in, within resource r.
func (o Origins) FileOf(n *yaml.Node, r *Resource) string {
	if f, ok := o[n]; ok {
		return f
	}
	return r.File
}

// copyFrom records, for every node of clone (a Clone of orig), the file of
// the matching node of orig within r: where Clone expanded an alias, the
// node it names.
func (o Origins) copyFrom(clone, orig *yaml.Node, r *Resource) {
	if o == nil || clone == nil || orig == nil {
		return
	}
	if orig.Kind == yaml.AliasNode && clone.Kind != yaml.AliasNode {
		if orig = target(orig); orig == nil {
			return
		}
	}
	if f := o.FileOf(orig, r); f != "" {
		o[clone] = f
	}
	for i := range clone.Content {
		if i < len(orig.Content) {
			o.copyFrom(clone.Content[i], orig.Content[i], r)
		}
	}
}

// clone copies n, and its file when known.
func (o Origins) clone(n *yaml.Node) *yaml.Node {
	c := Clone(n)
	if f, ok := o[n]; ok {
		o.record(c, f)
	}
	return c
}

// Record says that n and everything below it were written in file.
func (o Origins) Record(n *yaml.Node, file string) { o.record(n, file) }

func (o Origins) record(n *yaml.Node, file string) {
	if o == nil || file == "" || n == nil {
		return
	}
	o[n] = file
	for _, c := range n.Content {
		o.record(c, file)
	}
}

// LoadPatches reads a patches list: entries {path|patch, target}.
func LoadPatches(list *yaml.Node, load Loader) ([]Patch, error) {
	list = deref(list)
	if list == nil {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("patches: want a list, line %d", list.Line)
	}
	var out []Patch
	for _, e := range list.Content {
		e = deref(e)
		var p Patch
		if t := mapValue(e, "target"); t != nil {
			p.Target = &Selector{}
			if err := t.Decode(p.Target); err != nil {
				return nil, fmt.Errorf("patches: line %d: target: %w", t.Line, err)
			}
		}
		path, inline := scalarAt(e, "path"), scalarAt(e, "patch")
		switch {
		case path != "" && inline != "":
			return nil, fmt.Errorf("patches: line %d: patch and path cannot be used together", e.Line)
		case path != "":
			if load == nil {
				return nil, fmt.Errorf("patches: %s: no loader", path)
			}
			data, err := load(path)
			if err != nil {
				return nil, fmt.Errorf("patches: %w", err)
			}
			p.File, p.Text = path, data
		case inline != "":
			p.Text = []byte(inline)
			p.Inline = mapValue(e, "patch")
		default:
			return nil, fmt.Errorf("patches: line %d: must specify a patch or a path", e.Line)
		}
		out = append(out, p)
	}
	return out, nil
}

// ApplyPatches applies patches in order. Nodes a patch adds are recorded
// in origins with the patch's file. A patch selecting skeletons
// (*SkeletonError) does not stop the patches after it, so that the error
// names every skeleton they select too; another error stops them.
func ApplyPatches(res []*Resource, patches []Patch, origins Origins) error {
	var skel SkeletonError
	for i, p := range patches {
		if err := p.apply(res, origins); err != nil && !skel.merge(err) {
			return skel.or(fmt.Errorf("patch %d: %w", i+1, err))
		}
	}
	return skel.or(nil)
}

func (p Patch) apply(res []*Resource, origins Origins) error {
	docs := p.Docs
	if docs == nil {
		var err error
		if docs, err = decodeAll(p.Text); err != nil {
			return fmt.Errorf("%s: %w", p.where(), err)
		}
	}
	if p.Inline != nil || p.File == "" {
		if p.Shift != nil && p.File != "" {
			shifted := make([]*yaml.Node, len(docs))
			for i, d := range docs {
				shifted[i] = Clone(d)
				shift(shifted[i], *p.Shift)
			}
			docs = shifted
		} else {
			p.File = InlineOrigin(cmpOr(p.File, "a kustomization"))
		}
	}
	if len(docs) == 1 && docs[0].Kind == yaml.SequenceNode {
		return p.applyJSON6902(res, docs[0], origins)
	}
	for _, d := range docs {
		if d.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: a strategic-merge patch must be a mapping", p.where())
		}
		targets, err := p.targets(res, NewResource(d))
		if err != nil {
			return err
		}
		if p.Target != nil {
			// With a target, the patch's own identity is not applied:
			// kustomize gives the patch each target's name first.
			d = withoutIdentity(d)
		}
		for _, r := range targets {
			merge(r.Node, d, p.File, origins)
		}
	}
	return nil
}

func shift(n *yaml.Node, s Shift) {
	if n == nil {
		return
	}
	n.Line += s.Line
	n.Column += s.Column
	for _, c := range n.Content {
		shift(c, s)
	}
}

func (p Patch) where() string {
	switch {
	case strings.HasPrefix(p.File, "inline patch"):
		return p.File
	case p.Inline != nil || p.File == "":
		return InlineOrigin(cmpOr(p.File, "a kustomization"))
	}
	return p.File
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// targets are the objects selected by the patch's target, or, without
// one, the object the patch itself names (kind and name, and namespace
// when it sets one).
func (p Patch) targets(res []*Resource, self *Resource) ([]*Resource, error) {
	var out []*Resource
	for _, r := range res {
		var ok bool
		var err error
		if p.Target != nil {
			ok, err = p.Target.matchRegex(r)
		} else {
			g, _ := self.GroupVersion()
			ok, err = Selector{Group: g, Kind: self.Kind(), Name: self.Name(), Namespace: self.Namespace()}.matchExact(r)
		}
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	if p.Target == nil && len(out) == 0 {
		return nil, fmt.Errorf("%s: no object %s/%s to patch", p.where(), self.Kind(), self.Name())
	}
	return out, nil
}

func decodeAll(data []byte) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*yaml.Node
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if d := deref(&n); d != nil && !(d.Kind == yaml.ScalarNode && d.Tag == "!!null") {
			out = append(out, d)
		}
	}
}

// merge applies a merge patch: mappings merge key by key, a null deletes
// the key, anything else (lists included, as for custom resources, which
// have no merge keys) replaces. kustomize's $patch directives are not
// interpreted; the keys starting with "$" are skipped.
func merge(dst, patch *yaml.Node, file string, origins Origins) {
	dst = deref(dst)
	for i := 0; i+1 < len(patch.Content); i += 2 {
		k, v := patch.Content[i], deref(patch.Content[i+1])
		if strings.HasPrefix(k.Value, "$") {
			continue
		}
		if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
			deleteKey(dst, k.Value)
			continue
		}
		cur := mapValue(dst, k.Value)
		if cur != nil && cur.Kind == yaml.MappingNode && v.Kind == yaml.MappingNode {
			merge(cur, v, file, origins)
			continue
		}
		c := Clone(v)
		origins.record(c, file)
		setMapValue(dst, k.Value, c)
	}
}

// withoutIdentity returns a copy of patch without apiVersion, kind and
// metadata name and namespace.
func withoutIdentity(patch *yaml.Node) *yaml.Node {
	c := Clone(patch)
	deleteKey(c, "apiVersion")
	deleteKey(c, "kind")
	if m := mapValue(c, "metadata"); m != nil && m.Kind == yaml.MappingNode {
		deleteKey(m, "name")
		deleteKey(m, "namespace")
	}
	return c
}

func deleteKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// applyJSON6902 applies add, replace, remove and test operations to every
// target; a JSON 6902 patch needs a target.
func (p Patch) applyJSON6902(res []*Resource, ops *yaml.Node, origins Origins) error {
	if p.Target == nil {
		return fmt.Errorf("%s: a JSON 6902 patch needs a target", p.where())
	}
	targets, err := p.targets(res, nil)
	if err != nil {
		return err
	}
	var skel SkeletonError
	for _, r := range targets {
		if !r.Skeleton {
			continue
		}
	ops:
		for _, op := range ops.Content {
			for _, key := range []string{"path", "from"} {
				if ptr := scalarAt(deref(op), key); (ptr != "" || key == "path") && !r.intact(pointerKeys(ptr)) {
					skel.add(r)
					break ops
				}
			}
		}
	}
	if err := skel.or(nil); err != nil {
		return err
	}
	for _, r := range targets {
		for _, op := range ops.Content {
			if err := applyOp(r.Node, deref(op), p.File, origins); err != nil {
				return fmt.Errorf("%s: line %d: %w", p.where(), op.Line, err)
			}
		}
	}
	return nil
}

func applyOp(root, op *yaml.Node, file string, origins Origins) error {
	kind, path := scalarAt(op, "op"), scalarAt(op, "path")
	parent, last, err := pointerParent(root, path)
	if err != nil {
		return err
	}
	switch kind {
	case "add", "replace":
		v := mapValue(op, "value")
		if v == nil {
			return fmt.Errorf("%s %s: no value", kind, path)
		}
		c := Clone(v)
		origins.record(c, file)
		return setPointer(parent, last, c, kind == "add")
	case "remove":
		return removePointer(parent, last)
	case "test":
		got := pointerGet(parent, last)
		want := mapValue(op, "value")
		if got == nil || want == nil || got.Value != want.Value {
			return fmt.Errorf("test %s failed", path)
		}
		return nil
	}
	return fmt.Errorf("unsupported op %q", kind)
}

// pointerKeys are the tokens of a JSON pointer (nil for the whole document
// or a malformed pointer).
func pointerKeys(ptr string) []string {
	if !strings.HasPrefix(ptr, "/") {
		return nil
	}
	toks := strings.Split(ptr[1:], "/")
	for i := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(toks[i], "~1", "/"), "~0", "~")
	}
	return toks
}

// pointerParent walks a JSON pointer to the parent of its last token.
func pointerParent(root *yaml.Node, ptr string) (*yaml.Node, string, error) {
	toks := pointerKeys(ptr)
	if toks == nil {
		return nil, "", fmt.Errorf("path %q is not a JSON pointer", ptr)
	}
	n := deref(root)
	for _, t := range toks[:len(toks)-1] {
		next := pointerGet(n, t)
		if next == nil {
			return nil, "", fmt.Errorf("path %q: %q not found", ptr, t)
		}
		n = next
	}
	return n, toks[len(toks)-1], nil
}

func pointerGet(n *yaml.Node, tok string) *yaml.Node {
	switch n.Kind {
	case yaml.MappingNode:
		return mapValue(n, tok)
	case yaml.SequenceNode:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(n.Content) {
			return nil
		}
		return deref(n.Content[i])
	}
	return nil
}

func setPointer(parent *yaml.Node, tok string, v *yaml.Node, add bool) error {
	switch parent.Kind {
	case yaml.MappingNode:
		if !add && mapValue(parent, tok) == nil {
			return fmt.Errorf("replace: %q not found", tok)
		}
		setMapValue(parent, tok, v)
		return nil
	case yaml.SequenceNode:
		if tok == "-" && add {
			parent.Content = append(parent.Content, v)
			return nil
		}
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i > len(parent.Content) || (!add && i == len(parent.Content)) {
			return fmt.Errorf("index %q out of range", tok)
		}
		if add {
			parent.Content = append(parent.Content[:i], append([]*yaml.Node{v}, parent.Content[i:]...)...)
		} else {
			parent.Content[i] = v
		}
		return nil
	}
	return fmt.Errorf("cannot set %q in a scalar", tok)
}

func removePointer(parent *yaml.Node, tok string) error {
	switch parent.Kind {
	case yaml.MappingNode:
		if mapValue(parent, tok) == nil {
			return fmt.Errorf("remove: %q not found", tok)
		}
		deleteKey(parent, tok)
		return nil
	case yaml.SequenceNode:
		i, err := strconv.Atoi(tok)
		if err != nil || i < 0 || i >= len(parent.Content) {
			return fmt.Errorf("index %q out of range", tok)
		}
		parent.Content = append(parent.Content[:i], parent.Content[i+1:]...)
		return nil
	}
	return fmt.Errorf("cannot remove %q from a scalar", tok)
}
