package render

import (
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// share makes kept object o hold, in place of its copies, the nodes of
// the document it was written as wherever the rendering left them as
// written: equal in every field, from o's own file and not substituted.
// The nodes that differ are copied afresh, so the copy the rendering made
// is released; Origins and Subst follow them. Nothing writes to a kept
// object, so the written nodes are only read.
func (rd *renderer) share(o *kustomize.Resource) {
	if w := rd.t.writtenAt(o.File, o.Node); w != nil {
		o.Node = rd.shareNode(o.Node, w, o.File)
	}
}

// writtenAt returns the root of the document of file p at n's position.
func (t *Tree) writtenAt(p string, n *yaml.Node) *yaml.Node {
	f, ok := t.files[p]
	if !ok || n == nil {
		return nil
	}
	for _, d := range f.Docs {
		if d.Root != nil && d.Root.Line == n.Line && d.Root.Column == n.Column {
			return d.Root
		}
	}
	return nil
}

// shareNode returns w when the tree below n is the same as that below w,
// else a fresh copy of n whose subtrees are shared the same way with
// their counterparts in w (nil: none). Where w is an alias that the
// copy expanded, n is compared with the node it names.
func (rd *renderer) shareNode(n, w *yaml.Node, file string) *yaml.Node {
	for i := 0; w != nil && w.Kind == yaml.AliasNode && n.Kind != yaml.AliasNode && i < 16; i++ {
		w = w.Alias
	}
	if w != nil && rd.same(n, w, file) {
		rd.forget(n)
		return w
	}
	c := *n
	c.Content = nil
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
	}
	for i, x := range n.Content {
		if wx := counterpart(n, w, i); wx != nil {
			c.Content[i] = rd.shareNode(x, wx, file)
		} else {
			c.Content[i] = rd.copyWithout(x, nil)
		}
	}
	rd.move(n, &c)
	return &c
}

// counterpart returns the node of w at the place of n.Content[i]: the
// pair with the same key in a mapping, the same index in a sequence.
func counterpart(n, w *yaml.Node, i int) *yaml.Node {
	if w == nil || w.Kind != n.Kind {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		k := n.Content[i-i%2]
		if k.Kind != yaml.ScalarNode {
			return nil
		}
		for j := 0; j+1 < len(w.Content); j += 2 {
			if wk := w.Content[j]; wk.Kind == yaml.ScalarNode && wk.Value == k.Value {
				return w.Content[j+i%2]
			}
		}
	case yaml.SequenceNode, yaml.DocumentNode:
		if i < len(w.Content) {
			return w.Content[i]
		}
	}
	return nil
}

// same reports whether the trees below n and w are equal in every field,
// aliases pointing to the same nodes, and n's nodes come from file and
// were not substituted.
func (rd *renderer) same(n, w *yaml.Node, file string) bool {
	if n.Kind != w.Kind || n.Style != w.Style || n.Tag != w.Tag || n.Value != w.Value || n.Anchor != w.Anchor ||
		n.Alias != w.Alias || n.HeadComment != w.HeadComment || n.LineComment != w.LineComment ||
		n.FootComment != w.FootComment || n.Line != w.Line || n.Column != w.Column || len(n.Content) != len(w.Content) {
		return false
	}
	if f, ok := rd.res.Origins[n]; ok && f != file {
		return false
	}
	if _, ok := rd.res.Subst[n]; ok {
		return false
	}
	for i := range n.Content {
		if !rd.same(n.Content[i], w.Content[i], file) {
			return false
		}
	}
	return true
}

// move gives copy c the Origins and Subst entries of n.
func (rd *renderer) move(n, c *yaml.Node) {
	if f, ok := rd.res.Origins[n]; ok {
		delete(rd.res.Origins, n)
		rd.res.Origins[c] = f
	}
	if s, ok := rd.res.Subst[n]; ok {
		delete(rd.res.Subst, n)
		rd.res.Subst[c] = s
	}
}
