package flux

import (
	"cmp"
	"slices"

	"github.com/bosunhq/bosun/internal/chart"
)

// refs builds every Ref: the version holders first (OCIRepository,
// HelmChart), so that a HelmRelease's chartRef can be recorded on them,
// then HelmReleases, then kustomize helmCharts entries.
func (s *scanner) refs() []chart.Ref {
	links := s.newLinkIndex()
	var refs []chart.Ref
	var from []written // the object each Ref was written as
	add := func(o *object, rs ...chart.Ref) {
		refs = append(refs, rs...)
		for range rs {
			from = append(from, written{origKey{o.file(), o.doc.root.Line, o.doc.root.Column}, str(at(o.doc.root, "metadata", "name")), o})
		}
	}
	held := map[*object][]int{} // OCIRepository/HelmChart → indexes of its Refs
	for _, o := range s.objects {
		switch o.kind {
		case "OCIRepository":
			add(o, s.ociRef(o))
			held[o] = append(held[o], len(refs)-1)
		case "HelmChart":
			for _, r := range s.helmChartRefs(o, links) {
				add(o, r)
				held[o] = append(held[o], len(refs)-1)
			}
		}
	}
	for _, o := range s.objects {
		if o.kind != "HelmRelease" {
			continue
		}
		if at(o.node, "spec", "chartRef") != nil {
			if r, ok := s.chartRef(o, links, held, refs); ok {
				add(o, r)
			}
			continue
		}
		if at(o.node, "spec", "chart") != nil {
			add(o, s.chartSpecRefs(o, links)...)
		}
	}
	for _, k := range s.kusts {
		refs = append(refs, s.helmChartsRefs(k)...)
	}
	merged, groups := mergeRendered(refs, from)
	s.refObjects = map[refID][]*object{}
	for j, g := range groups {
		k := refKey(merged[j])
		for _, i := range g {
			if i < len(from) {
				s.refObjects[k] = append(s.refObjects[k], from[i].obj)
			}
			s.refUsers[k] = append(s.refUsers[k], s.users[i]...)
		}
	}
	sortRefs(merged)
	return merged
}

// sortRefs orders refs by file, offset, name, kind and source, and each
// one's UsedBy by namespace and name, without duplicates.
func sortRefs(refs []chart.Ref) {
	for i := range refs {
		slices.SortFunc(refs[i].UsedBy, func(a, b chart.ObjectKey) int {
			return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
		})
		refs[i].UsedBy = slices.Compact(refs[i].UsedBy)
	}
	slices.SortStableFunc(refs, func(a, b chart.Ref) int {
		return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Start, b.Loc.Start),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Source.URL, b.Source.URL))
	})
}

func (s *scanner) base(o *object, kind, name string) chart.Ref {
	r := chart.Ref{Kind: kind, Name: name, Namespaces: nonNil(o.namespaces), Scope: s.scope(o.file())}
	if o.placement != nil {
		r.Clusters = []chart.Placement{*o.placement}
	}
	return r
}

// objSkip is the skip every Ref of an object starts with: sops when its
// document is SOPS-encrypted, no-namespace when Flux fails to apply it.
func objSkip(o *object) skip {
	sk := docSkip(o.doc)
	if o.noNS != "" {
		sk.add(rankNoNamespace, chart.SkipNoNamespace, o.noNS)
	}
	return sk
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *scanner) sources() []SourceObject {
	var out []SourceObject
	for _, o := range s.objects {
		if o.kind != "HelmRepository" && o.kind != "OCIRepository" {
			continue
		}
		name, _ := s.text(o, at(o.node, "metadata", "name"))
		url, _ := s.text(o, at(o.node, "spec", "url"))
		typ := "oci"
		if o.kind == "HelmRepository" {
			typ = str(at(o.node, "spec", "type"))
			if typ == "" {
				typ = "default"
			}
		}
		out = append(out, SourceObject{
			Kind: o.kind, Namespaces: nonNil(o.namespaces), Name: name, URL: url, Type: typ,
			File: o.file(), Line: o.node.Line, Scope: s.scope(o.file()),
		})
	}
	slices.SortStableFunc(out, func(a, b SourceObject) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Name, b.Name))
	})
	// One entry per object as written and name: rendered copies merge.
	var merged []SourceObject
	for _, o := range out {
		if n := len(merged); n > 0 && merged[n-1].File == o.File && merged[n-1].Line == o.Line && merged[n-1].Name == o.Name && merged[n-1].URL == o.URL {
			merged[n-1].Namespaces = sortedSet(append(merged[n-1].Namespaces, o.Namespaces...))
			continue
		}
		merged = append(merged, o)
	}
	return merged
}
