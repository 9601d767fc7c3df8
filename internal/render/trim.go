package render

import (
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// trim removes the unread fields from a kept object. An object is one
// allocation (see kustomize.Clone), so the object is copied without them for
// their memory to be released; Origins and Subst follow the copy. What
// the rendering left as written is then shared with the written document.
func (rd *renderer) trim(o *kustomize.Resource) {
	defer rd.share(o)
	var cut map[*yaml.Node]bool
	for _, keys := range rd.unread {
		if len(keys) == 0 {
			continue
		}
		parent := kustomize.Get(o.Node, keys[:len(keys)-1]...)
		if parent == nil || parent.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(parent.Content); i += 2 {
			if parent.Content[i].Value == keys[len(keys)-1] {
				if cut == nil {
					cut = map[*yaml.Node]bool{}
				}
				cut[parent.Content[i+1]] = true
			}
		}
	}
	if cut == nil {
		return
	}
	o.Node = rd.copyWithout(o.Node, cut)
}

// copyWithout copies the tree below n without the mapping pairs whose
// value is in cut (forgotten), moving the Origins and Subst
// entries of the copied nodes to their copies.
func (rd *renderer) copyWithout(n *yaml.Node, cut map[*yaml.Node]bool) *yaml.Node {
	c := *n
	c.Content = nil
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, 0, len(n.Content))
	}
	for i := 0; i < len(n.Content); i++ {
		if n.Kind == yaml.MappingNode && i+1 < len(n.Content) && cut[n.Content[i+1]] {
			rd.forget(n.Content[i])
			rd.forget(n.Content[i+1])
			i++
			continue
		}
		c.Content = append(c.Content, rd.copyWithout(n.Content[i], cut))
	}
	if f, ok := rd.res.Origins[n]; ok {
		delete(rd.res.Origins, n)
		rd.res.Origins[&c] = f
	}
	if s, ok := rd.res.Subst[n]; ok {
		delete(rd.res.Subst, n)
		rd.res.Subst[&c] = s
	}
	return &c
}

// forget removes the Origins and Subst entries of the tree below n.
func (rd *renderer) forget(n *yaml.Node) {
	delete(rd.res.Origins, n)
	delete(rd.res.Subst, n)
	for _, c := range n.Content {
		rd.forget(c)
	}
}
