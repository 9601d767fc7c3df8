package flux

import "slices"

// linkKey names a source object as a sourceRef or chartRef finds it.
type linkKey struct {
	cluster, kind, namespace, name string
}

// linkIndex finds the source objects (source.toolkit.fluxcd.io kinds) a
// sourceRef or chartRef names, within the clusters of the referring object.
type linkIndex struct {
	byKey map[linkKey][]*object
	// byRender indexes rendered objects by the cluster Flux renders them
	// in, with their rendered names.
	byRender    map[linkKey][]*object
	allClusters []string
}

func (s *scanner) newLinkIndex() *linkIndex {
	x := &linkIndex{byKey: map[linkKey][]*object{}, byRender: map[linkKey][]*object{}}
	var all []string
	for _, o := range s.objects {
		all = append(all, o.clusters...)
		if o.group != "source.toolkit.fluxcd.io" {
			continue
		}
		name, _ := s.text(o, at(o.node, "metadata", "name"))
		if o.placement != nil {
			k := linkKey{o.placement.Cluster, o.kind, o.placement.Namespace, name}
			x.byRender[k] = append(x.byRender[k], o)
		}
		for _, c := range o.clusters {
			for _, ns := range orBlank(o.namespaces) {
				k := linkKey{c, o.kind, ns, name}
				x.byKey[k] = append(x.byKey[k], o)
			}
		}
	}
	x.allClusters = sortedSet(all)
	return x
}

// lookup returns the objects of kind named ns/name as seen from the object
// from; an empty ns means from's own namespaces.
func (x *linkIndex) lookup(from *object, kind, ns, name string) []*object {
	nss := []string{ns}
	if ns == "" {
		nss = orBlank(from.namespaces)
	}
	if from.placement != nil {
		// As Flux resolves it: in the cluster the object is rendered in.
		var out []*object
		for _, n := range nss {
			out = append(out, x.byRender[linkKey{from.placement.Cluster, kind, n, name}]...)
		}
		if len(out) > 0 {
			return out
		}
	}
	// Cluster "" (files outside every clusters/<name> tree) is shared:
	// it sees, and is seen from, every cluster.
	clusters := from.clusters
	if slices.Contains(clusters, "") {
		clusters = x.allClusters
	} else {
		clusters = append(slices.Clone(clusters), "")
	}
	var out []*object
	for _, c := range clusters {
		for _, n := range nss {
			for _, t := range x.byKey[linkKey{c, kind, n, name}] {
				if !slices.Contains(out, t) {
					out = append(out, t)
				}
			}
		}
	}
	return out
}

// orBlank returns nss, or one unknown namespace ("") when it is empty.
func orBlank(nss []string) []string {
	if len(nss) == 0 {
		return []string{""}
	}
	return nss
}
