package flux

import (
	"slices"
	"strings"
)

// effNS returns the namespaces the outermost kustomizations including k give it ("" = none).
func (s *scanner) effNS(k *kust) []string {
	switch k.state {
	case 2:
		return k.eff
	case 1:
		return []string{k.namespace}
	}
	k.state = 1
	var out []string
	if len(k.parents) == 0 || k.ksRoot {
		out = append(out, k.namespace)
	}
	for _, p := range k.parents {
		for _, e := range s.effNS(p) {
			if e == "" {
				e = k.namespace
			}
			out = append(out, e)
		}
	}
	k.eff, k.state = sortedSet(out), 2
	return k.eff
}

// kustNS returns the namespaces kustomize chains give file p ("" = a chain without one).
func (s *scanner) kustNS(p string) []string {
	ks := s.fileKusts[p]
	if len(ks) == 0 {
		return []string{""}
	}
	var out []string
	for _, k := range ks {
		out = append(out, s.effNS(k)...)
	}
	if s.fileDirect[p] {
		out = append(out, "")
	}
	return sortedSet(out)
}

// namespacesFor applies Flux's namespace precedence to an object in file p:
// the spec.targetNamespace of the Flux Kustomization applying the file wins
// (it configures kustomize's namespace transformer), then the
// namespace of the outermost kustomization.yaml including it (kustomize's
// namespace overrides existing values), then metadata.namespace.
func (s *scanner) namespacesFor(p, metaNS string, chains []string) []string {
	var target []string
	for _, ks := range s.owners[p] {
		if ks.targetNS != "" {
			target = append(target, ks.targetNS)
		}
	}
	if len(target) > 0 {
		return sortedSet(target)
	}
	var out []string
	for _, c := range chains {
		switch {
		case c != "":
			out = append(out, c)
		case metaNS != "":
			out = append(out, metaNS)
		}
	}
	return sortedSet(out)
}

func (s *scanner) resolveNamespaces() {
	for _, o := range s.objects {
		if o.parent != nil {
			continue
		}
		o.clusters = s.fileClusters(o.file())
		if o.inst != nil {
			s.renderedNamespaces(o)
			continue
		}
		o.namespaces = s.namespacesFor(o.file(), o.namespace, s.kustNS(o.file()))
	}
	for _, o := range s.objects { // nested objects, after their ResourceSet (parents come first)
		if o.parent == nil {
			continue
		}
		o.clusters = o.parent.clusters
		if o.parent.placement != nil {
			pl := *o.parent.placement
			if o.namespace != "" {
				pl.Namespace = o.namespace
			}
			o.placement = &pl
		}
		if o.namespace != "" {
			o.namespaces = []string{o.namespace}
		} else {
			o.namespaces = o.parent.namespaces
		}
	}
	for _, ks := range s.ks {
		ks.key = objectKey(ks.obj)
	}
	slices.SortFunc(s.ks, func(a, b *fluxKS) int { return strings.Compare(a.key, b.key) })
	for p, owners := range s.owners {
		slices.SortFunc(owners, func(a, b *fluxKS) int {
			if a.depth != b.depth {
				return b.depth - a.depth
			}
			return strings.Compare(a.key, b.key)
		})
		s.owners[p] = owners
	}
}
