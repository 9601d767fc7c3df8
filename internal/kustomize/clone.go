package kustomize

import "gopkg.in/yaml.v3"

// maxExpanded bounds the nodes that expanding a copy's aliases may add.
const maxExpanded = 1 << 16

// Clone deep-copies the tree below n as kustomize reads YAML: each alias
// is replaced by a copy of the node it names, so that a change made
// through one place of the copy changes no other place, nor the tree
// copied. Everything else (anchors, tags, styles, comments, positions) is
// copied as it is. The copy is made in two allocations, one for the nodes
// and one for their Content slices, each capped at its length so that an
// append reallocates instead of writing into a neighbour's.
//
// An alias to a node it lies in (a cycle, which kustomize cannot expand)
// stays an alias, to that node's copy. When expanding would add more than
// maxExpanded nodes (an alias bomb), no alias is expanded: each points to
// a copy of the node it names, the one made of the tree when the node is
// in it.
func Clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := cloner{open: map[*yaml.Node]*yaml.Node{}}
	nodes, ptrs, aliases := countPlain(n)
	if aliases {
		s := sizer{open: map[*yaml.Node]bool{}, limit: nodes + maxExpanded}
		if c.expand = s.walk(n); c.expand {
			nodes, ptrs = s.nodes, s.ptrs
		}
	}
	c.nodes, c.ptrs = make([]yaml.Node, nodes), make([]*yaml.Node, ptrs)
	out := c.copy(n)
	// Without expansion, aliases are pointed at the copies: of the tree's
	// nodes, or, for a node outside the tree, of that node, made once.
	for i := 0; i < len(c.aliases); i++ {
		a := c.aliases[i]
		t := target(a)
		if t == nil {
			a.Alias = nil
			continue
		}
		to, ok := c.open[t]
		if !ok {
			to = c.copy(t)
			c.open[t] = to
		}
		a.Alias = to
	}
	return out
}

// target is the node alias n names, following aliases to aliases; nil
// when there is none.
func target(n *yaml.Node) *yaml.Node {
	t := n.Alias
	for i := 0; t != nil && t.Kind == yaml.AliasNode; i++ {
		if i == 16 {
			return nil
		}
		t = t.Alias
	}
	return t
}

// countPlain counts the nodes and Content pointers below n, aliases not
// followed, and reports whether there is an alias.
func countPlain(n *yaml.Node) (nodes, ptrs int, aliases bool) {
	nodes, ptrs, aliases = 1, len(n.Content), n.Kind == yaml.AliasNode
	for _, x := range n.Content {
		a, b, c := countPlain(x)
		nodes, ptrs, aliases = nodes+a, ptrs+b, aliases || c
	}
	return nodes, ptrs, aliases
}

// sizer counts the nodes and Content pointers of a copy with its aliases
// expanded, as cloner.copy makes it, up to limit nodes.
type sizer struct {
	nodes, ptrs, limit int
	open               map[*yaml.Node]bool // the anchored nodes being walked
}

// walk reports false once the count passes the limit.
func (s *sizer) walk(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode {
		if t := target(n); t != nil && !s.open[t] {
			return s.walk(t)
		}
	}
	s.nodes++
	s.ptrs += len(n.Content)
	if s.nodes > s.limit {
		return false
	}
	if n.Anchor != "" {
		s.open[n] = true
		defer delete(s.open, n)
	}
	for _, x := range n.Content {
		if !s.walk(x) {
			return false
		}
	}
	return true
}

type cloner struct {
	nodes  []yaml.Node
	ptrs   []*yaml.Node
	expand bool
	// open maps anchored nodes to their copies: when expanding, those
	// being copied; else all copied.
	open map[*yaml.Node]*yaml.Node
	// aliases are the copied aliases to point at copies, when not
	// expanding.
	aliases []*yaml.Node
}

func (c *cloner) copy(n *yaml.Node) *yaml.Node {
	if c.expand && n.Kind == yaml.AliasNode {
		if t := target(n); t != nil && c.open[t] == nil {
			return c.copy(t)
		}
	}
	x := c.node()
	*x = *n
	switch {
	case n.Kind != yaml.AliasNode:
	case c.expand:
		x.Alias = nil
		if t := target(n); t != nil {
			x.Alias = c.open[t] // a cycle
		}
	default:
		c.aliases = append(c.aliases, x)
	}
	if n.Anchor != "" {
		c.open[n] = x
		if c.expand {
			defer delete(c.open, n)
		}
	}
	x.Content = c.content(len(n.Content))
	for i, child := range n.Content {
		x.Content[i] = c.copy(child)
	}
	return x
}

// node takes a node of the allocation; past its end (a node outside the
// tree, copied for an alias), a new one.
func (c *cloner) node() *yaml.Node {
	if len(c.nodes) == 0 {
		return new(yaml.Node)
	}
	x := &c.nodes[0]
	c.nodes = c.nodes[1:]
	return x
}

// content takes a Content slice of k pointers of the allocation, or a new
// one past its end.
func (c *cloner) content(k int) []*yaml.Node {
	if len(c.ptrs) < k {
		return make([]*yaml.Node, k)
	}
	s := c.ptrs[:k:k]
	c.ptrs = c.ptrs[k:]
	return s
}
