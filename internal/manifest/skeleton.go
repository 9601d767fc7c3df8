package manifest

import (
	"context"
	"fmt"

	"gopkg.in/yaml.v3"
)

// unreadFunc is Options.Unread.
type unreadFunc func(path, apiVersion, kind string) (all bool, fields [][]string)

// skeletonKeys are the top-level keys a document keeps when none of the
// rest is read: what names an object, and the mark of a SOPS-encrypted
// document.
var skeletonKeys = map[string]bool{"apiVersion": true, "kind": true, "metadata": true, "sops": true}

// trim returns root without what unread names, whether anything was left
// out, and the fields left out (nil when all but skeletonKeys were). The
// rest of the tree is shared, and what is left out is garbage.
func trim(root *yaml.Node, path string, unread unreadFunc) (*yaml.Node, bool, [][]string) {
	if unread == nil || root == nil || root.Kind != yaml.MappingNode {
		return root, false, nil
	}
	av, kind, ok := identity(root)
	if !ok {
		return root, false, nil
	}
	all, fields := unread(path, av, kind)
	if all {
		return keepKeys(root, skeletonKeys), true, nil
	}
	var read [][]string
	for _, keys := range fields {
		if len(keys) > 0 && keys[0] != "metadata" { // what names the object is always kept
			read = append(read, keys)
		}
	}
	root, cut := cutFields(root, read)
	return root, cut != nil, cut
}

// keepKeys returns a copy of mapping m holding only the pairs whose key is
// in keys.
func keepKeys(m *yaml.Node, keys map[string]bool) *yaml.Node {
	s := *m
	s.Content = nil
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; keys[k.Value] {
			s.Content = append(s.Content, k, m.Content[i+1])
		}
	}
	return &s
}

// cutFields returns a copy of mapping m without the fields at the key
// paths fields, and the paths of those it left out. Only plain mappings
// are walked: one with a merge key ("<<") or a key that is not a scalar is
// left whole. A field holding aliases to nodes outside it is replaced by
// the sequence of those aliases, which tell that their anchors are used.
// The nodes on the way to what is left out are copies.
func cutFields(m *yaml.Node, fields [][]string) (*yaml.Node, [][]string) {
	if len(fields) == 0 || m.Kind != yaml.MappingNode || !plainKeys(m) {
		return m, nil
	}
	var content []*yaml.Node // nil until a field is left out
	var cut [][]string
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		nv, got := cutField(k.Value, v, fields)
		if got == nil {
			if content != nil {
				content = append(content, k, v)
			}
			continue
		}
		if content == nil {
			content = append(make([]*yaml.Node, 0, len(m.Content)), m.Content[:i]...)
		}
		if nv != nil {
			content = append(content, k, nv)
		}
		cut = append(cut, got...)
	}
	if cut == nil {
		return m, nil
	}
	c := *m
	c.Content = content
	return &c, cut
}

// cutField applies the fields to the value v of key: it returns what stays
// of v (nil when all of it goes) and the paths left out.
func cutField(key string, v *yaml.Node, fields [][]string) (*yaml.Node, [][]string) {
	var below [][]string
	for _, f := range fields {
		switch {
		case f[0] != key:
		case len(f) == 1:
			if out := aliasesOut(v); len(out) > 0 {
				return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Column: v.Column, Content: out}, [][]string{{key}}
			}
			return nil, [][]string{{key}}
		default:
			below = append(below, f[1:])
		}
	}
	nv, cut := cutFields(v, below)
	for i := range cut {
		cut[i] = append([]string{key}, cut[i]...)
	}
	return nv, cut
}

// plainKeys reports whether every key of mapping m is a scalar other than
// the merge key.
func plainKeys(m *yaml.Node) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind != yaml.ScalarNode || k.Value == "<<" {
			return false
		}
	}
	return true
}

// identity returns the apiVersion and kind of mapping m ("" when absent).
// ok is false when they cannot be told from m's own pairs: a key that is
// not a plain scalar, a merge key ("<<"), or an apiVersion or kind that is
// not a scalar (an alias).
func identity(m *yaml.Node) (apiVersion, kind string, ok bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			return "", "", false
		}
		if k.Value != "apiVersion" && k.Value != "kind" {
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return "", "", false
		}
		if k.Value == "kind" {
			kind = v.Value
		} else {
			apiVersion = v.Value
		}
	}
	return apiVersion, kind, true
}

// HasSkeletons reports whether some document of f is a skeleton.
func (f *File) HasSkeletons() bool {
	for _, d := range f.Docs {
		if d.Skeleton {
			return true
		}
	}
	return false
}

// Restore parses f again and puts every skeleton document back in full.
// Parsing is deterministic, so the documents are those Load read. It
// changes f.Docs: no one may read them meanwhile. The error is Bytes'
// (the file changed since Load read it); f is then left as it was.
func (f *File) Restore() error {
	if !f.HasSkeletons() {
		return nil
	}
	data, err := f.keepBytes()
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	full, _ := parse(context.Background(), f.Path, data, nil, nil)
	for i, d := range f.Docs {
		if d.Skeleton && i < len(full.Docs) {
			f.Docs[i] = full.Docs[i]
		}
	}
	return nil
}

// aliasesOut returns the aliases of the tree below n to nodes outside it.
func aliasesOut(n *yaml.Node) []*yaml.Node {
	var aliases []*yaml.Node
	var collect func(*yaml.Node)
	collect = func(n *yaml.Node) {
		if n.Kind == yaml.AliasNode {
			aliases = append(aliases, n)
		}
		for _, c := range n.Content {
			collect(c)
		}
	}
	collect(n)
	if len(aliases) == 0 {
		return nil
	}
	inside := map[*yaml.Node]bool{}
	var mark func(*yaml.Node)
	mark = func(n *yaml.Node) {
		inside[n] = true
		for _, c := range n.Content {
			mark(c)
		}
	}
	mark(n)
	var out []*yaml.Node
	for _, a := range aliases {
		if !inside[a.Alias] {
			out = append(out, a)
		}
	}
	return out
}
