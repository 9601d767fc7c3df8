package kustomize

import (
	"fmt"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// A field path is written as kustomize writes it: keys joined by ".",
// where a "." inside [...] does not split ("metadata.annotations.[a.b/c]"
// is not how kustomize spells keys with dots, but "[name=a.b]" is kept
// whole). Elements:
//
//	key       a mapping key
//	[k=v]     the sequence item whose field k is v
//	[=v]      the sequence item that is the scalar v
//	N         the N-th sequence item (when the node is a sequence)
//	*         every item of a sequence (targets only)
func splitPath(p string) []string {
	return splitOutside(p, '[', ']', '.')
}

// splitOutside splits s on sep where it stands outside every open...closed
// pair.
func splitOutside(s string, open, closed, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case open:
			depth++
		case closed:
			depth--
		case sep:
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}

// slot is a place holding a node: a mapping value or a sequence item.
type slot struct {
	parent *yaml.Node
	index  int // index in parent.Content
}

func (s slot) get() *yaml.Node  { return s.parent.Content[s.index] }
func (s slot) set(n *yaml.Node) { s.parent.Content[s.index] = n }

// lookup finds the slots path leads to from root. With create, missing
// mapping keys and [k=v] items are added, the last one as an empty node of
// kind leaf. A path that leads nowhere gives no slots and no error.
func lookup(root *yaml.Node, path string, create bool, leaf yaml.Kind) ([]slot, error) {
	elems := splitPath(path)
	cur := []*yaml.Node{deref(root)}
	var slots []slot
	for i, e := range elems {
		last := i == len(elems)-1
		slots = slots[:0]
		for _, n := range cur {
			got, err := step(n, e, create, nextKind(elems, i, leaf))
			if err != nil {
				return nil, fmt.Errorf("field path %q: %w", path, err)
			}
			slots = append(slots, got...)
		}
		if last {
			break
		}
		cur = cur[:0]
		for _, s := range slots {
			cur = append(cur, deref(s.get()))
		}
	}
	return slots, nil
}

// nextKind is the kind to create for element i: a sequence before a
// [..] or numeric element, the leaf kind at the end, else a mapping.
func nextKind(elems []string, i int, leaf yaml.Kind) yaml.Kind {
	if i == len(elems)-1 {
		return leaf
	}
	next := elems[i+1]
	if strings.HasPrefix(next, "[") || next == "*" || isIndex(next) {
		return yaml.SequenceNode
	}
	return yaml.MappingNode
}

func isIndex(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil && s != "" && s[0] != '-' && s[0] != '+'
}

func newNode(kind yaml.Kind) *yaml.Node {
	switch kind {
	case yaml.MappingNode:
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	case yaml.SequenceNode:
		return &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
}

// step moves one element down from n.
func step(n *yaml.Node, e string, create bool, kind yaml.Kind) ([]slot, error) {
	if n == nil {
		return nil, nil
	}
	switch {
	case e == "*":
		if n.Kind != yaml.SequenceNode && n.Kind != yaml.MappingNode {
			return nil, nil
		}
		var out []slot
		if n.Kind == yaml.SequenceNode {
			for i := range n.Content {
				out = append(out, slot{n, i})
			}
			return out, nil
		}
		for i := 1; i < len(n.Content); i += 2 {
			out = append(out, slot{n, i})
		}
		return out, nil
	case strings.HasPrefix(e, "[") && strings.HasSuffix(e, "]"):
		return stepItem(n, e[1:len(e)-1], create, kind)
	case n.Kind == yaml.SequenceNode && isIndex(e):
		i, _ := strconv.Atoi(e)
		if i < len(n.Content) {
			return []slot{{n, i}}, nil
		}
		return nil, nil
	case n.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == e {
				return []slot{{n, i + 1}}, nil
			}
		}
		if !create {
			return nil, nil
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e}, newNode(kind))
		return []slot{{n, len(n.Content) - 1}}, nil
	case n.Kind == yaml.ScalarNode && n.Tag == "!!null" && create:
		n.Kind, n.Tag, n.Value = yaml.MappingNode, "!!map", ""
		return step(n, e, create, kind)
	}
	return nil, nil
}

// stepItem selects sequence items by "k=v" or "=v".
func stepItem(n *yaml.Node, sel string, create bool, kind yaml.Kind) ([]slot, error) {
	k, v, ok := strings.Cut(sel, "=")
	if !ok {
		return nil, fmt.Errorf("cannot read %q (want [key=value] or [=value])", "["+sel+"]")
	}
	if n.Kind != yaml.SequenceNode {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && create {
			n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		} else {
			return nil, nil
		}
	}
	var out []slot
	for i, item := range n.Content {
		item = deref(item)
		if k == "" && item.Kind == yaml.ScalarNode && item.Value == v {
			out = append(out, slot{n, i})
		}
		if k != "" && scalarAt(item, k) == v {
			out = append(out, slot{n, i})
		}
	}
	if len(out) > 0 || !create {
		return out, nil
	}
	var item *yaml.Node
	if k == "" {
		item = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
	} else {
		item = newNode(yaml.MappingNode)
		setMapValue(item, k, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v})
	}
	n.Content = append(n.Content, item)
	return []slot{{n, len(n.Content) - 1}}, nil
}
