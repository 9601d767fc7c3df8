package manifest

import (
	"context"

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
// nodes on the way to what is left out are copies; the rest of the tree
// is shared, and what is left out is garbage.
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
	var cut [][]string
	for _, keys := range fields {
		if len(keys) > 0 && keys[0] == "metadata" {
			continue // what names the object is always kept
		}
		if n, ok := without(root, keys); ok {
			root, cut = n, append(cut, keys)
		}
	}
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

// without returns a copy of mapping m without the field at the key path
// keys, and whether it was there. Only plain mappings are walked (no
// aliases, no merge keys). A field holding aliases to nodes outside it
// is replaced by the sequence of those aliases, which tell that their
// anchors are used.
func without(m *yaml.Node, keys []string) (*yaml.Node, bool) {
	if len(keys) == 0 || m.Kind != yaml.MappingNode {
		return m, false
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode || k.Value == "<<" {
			return m, false
		}
		if k.Value != keys[0] {
			continue
		}
		c := *m
		c.Content = make([]*yaml.Node, 0, len(m.Content))
		if len(keys) == 1 {
			if out := aliasesOut(v); len(out) > 0 {
				// What the aliases say about their anchors stays.
				c.Content = append(c.Content, m.Content...)
				c.Content[i+1] = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Line: v.Line, Column: v.Column, Content: out}
				return &c, true
			}
			c.Content = append(append(c.Content, m.Content[:i]...), m.Content[i+2:]...)
			return &c, true
		}
		sub, ok := without(v, keys[1:])
		if !ok {
			return m, false
		}
		c.Content = append(c.Content, m.Content...)
		c.Content[i+1] = sub
		return &c, true
	}
	return m, false
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
// Parsing is deterministic, so the documents are those Load read.
func (f *File) Restore() {
	if !f.HasSkeletons() {
		return
	}
	full, _ := parse(context.Background(), f.Path, f.Data, nil)
	for i, d := range f.Docs {
		if d.Skeleton && i < len(full.Docs) {
			f.Docs[i] = full.Docs[i]
		}
	}
}

// aliasesOut returns the aliases of the tree below n to nodes outside it.
func aliasesOut(n *yaml.Node) []*yaml.Node {
	inside := map[*yaml.Node]bool{}
	var aliases, out []*yaml.Node
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		inside[n] = true
		if n.Kind == yaml.AliasNode {
			aliases = append(aliases, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
	for _, a := range aliases {
		if !inside[a.Alias] {
			out = append(out, a)
		}
	}
	return out
}
