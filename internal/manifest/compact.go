package manifest

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// compact returns a copy of the tree below root in three parts (of
// arena a's blocks, when they are small enough): its nodes, their Content slices (each capped at its length, so that an
// append reallocates instead of writing into a neighbour's) and the text
// of their values and anchors. The parser allocates every node and string
// on its own, among its own garbage; a tree kept for long then pins many
// mostly empty pages, and a copy packs it. Comments are left out: no
// reader of a scan reads them. An alias to a node of the tree points to
// its copy; one to a node outside it (left out of a skeleton) still points
// to the original. Comments and pointer identity aside, the copy is equal
// to root.
func compact(root *yaml.Node, a *arena) *yaml.Node {
	if root == nil {
		return nil
	}
	var c compactor
	c.count(root)
	c.nodes = a.nodeSlice(c.nNodes)
	c.ptrs = a.ptrSlice(c.nPtrs)
	var b strings.Builder
	b.Grow(c.nText)
	c.text = &b
	c.copies = map[*yaml.Node]*yaml.Node{}
	out := c.copy(root)
	c.arena = b.String()
	c.setText(root, out)
	for _, a := range c.aliases {
		if to, ok := c.copies[a.Alias]; ok {
			a.Alias = to
		}
	}
	return out
}

type compactor struct {
	nNodes, nPtrs, nText int
	nodes                []yaml.Node
	ptrs                 []*yaml.Node
	text                 *strings.Builder
	arena                string
	// copies maps the anchored nodes to their copies.
	copies  map[*yaml.Node]*yaml.Node
	aliases []*yaml.Node
}

func (c *compactor) count(n *yaml.Node) {
	c.nNodes++
	c.nPtrs += len(n.Content)
	c.nText += len(n.Value) + len(n.Anchor)
	for _, x := range n.Content {
		c.count(x)
	}
}

// copy copies the nodes below n and appends their text to the builder,
// in the order setText reads it back.
func (c *compactor) copy(n *yaml.Node) *yaml.Node {
	x := &c.nodes[0]
	c.nodes = c.nodes[1:]
	*x = *n
	x.HeadComment, x.LineComment, x.FootComment = "", "", ""
	c.text.WriteString(n.Value)
	c.text.WriteString(n.Anchor)
	if n.Anchor != "" {
		c.copies[n] = x
	}
	if n.Kind == yaml.AliasNode {
		c.aliases = append(c.aliases, x)
	}
	k := len(n.Content)
	x.Content = c.ptrs[:k:k]
	c.ptrs = c.ptrs[k:]
	for i, child := range n.Content {
		x.Content[i] = c.copy(child)
	}
	return x
}

// setText points the strings of copy x of n into the arena.
func (c *compactor) setText(n, x *yaml.Node) {
	x.Value = c.take(len(n.Value))
	x.Anchor = c.take(len(n.Anchor))
	for i := range n.Content {
		c.setText(n.Content[i], x.Content[i])
	}
}

func (c *compactor) take(k int) string {
	if k == 0 {
		return ""
	}
	s := c.arena[:k]
	c.arena = c.arena[k:]
	return s
}
