package flux

import (
	"path"
	"slices"
	"strings"
)

// resolveKSPath maps a Flux Kustomization spec.path to a repository directory.
func (s *scanner) resolveKSPath(p, ksFile string) (string, bool) {
	if p == "" || strings.Contains(p, "${") {
		return "", p == ""
	}
	clean := path.Clean(strings.TrimLeft(p, "/"))
	if clean == "." {
		return "", true
	}
	if strings.HasPrefix(clean, "../") || clean == ".." {
		return "", false
	}
	if s.dirs[clean] {
		return clean, true
	}
	var cands, near []string
	suffix := "/" + clean
	for d := range s.dirs {
		if strings.HasSuffix(d, suffix) {
			cands = append(cands, d)
			prefix := strings.TrimSuffix(d, suffix)
			if strings.HasPrefix(ksFile, prefix+"/") {
				near = append(near, d)
			}
		}
	}
	switch {
	case len(near) == 1:
		return near[0], true
	case len(cands) == 1:
		return cands[0], true
	}
	// Last resort for moved or archived trees: the directory next to the
	// KS file named by the longest tail of the path ("./apps/x/app" from
	// "old/x/ks.yaml" → "old/x/app").
	segs := strings.Split(clean, "/")
	for i := 1; i < len(segs); i++ {
		if d, ok := join(dirOf(ksFile), strings.Join(segs[i:], "/")); ok && d != "" && s.dirs[d] {
			return d, true
		}
	}
	return "", false
}

func (s *scanner) resolveFluxKS() {
	for _, ks := range s.ks {
		if !ks.dirOK {
			continue
		}
		out := map[string]bool{}
		seen := map[*kust]bool{}
		s.build(ks.dir, seen, out, true)
		for _, c := range ks.comps {
			if t, ok := join(ks.dir, c); ok && !isRemote(c) {
				s.build(t, seen, out, true)
			}
		}
		for p := range out {
			s.owners[p] = append(s.owners[p], ks)
		}
	}
	// Files no KS build reaches (e.g. a directory commented out of a
	// kustomization.yaml) fall back to the KS whose spec.path holds them,
	// deepest first.
	for _, p := range s.paths {
		if len(s.owners[p]) > 0 {
			continue
		}
		var best []*fluxKS
		bestLen := -1
		for _, ks := range s.ks {
			if !ks.dirOK || ks.dir != "" && !(strings.HasPrefix(p, ks.dir) && len(p) > len(ks.dir) && p[len(ks.dir)] == '/') {
				continue
			}
			switch {
			case len(ks.dir) > bestLen:
				best, bestLen = []*fluxKS{ks}, len(ks.dir)
			case len(ks.dir) == bestLen:
				best = append(best, ks)
			}
		}
		if best != nil {
			s.owners[p] = best
		}
	}
	for _, ks := range s.ks {
		ks.owners = s.owners[ks.obj.file()]
	}
	for _, ks := range s.ks {
		s.ksDepth(ks)
		s.ksRoots(ks)
	}
}

func (s *scanner) ksDepth(ks *fluxKS) int {
	switch ks.state {
	case 2:
		return ks.depth
	case 1:
		return 0 // cycle
	}
	ks.state = 1
	d := 0
	for _, o := range ks.owners {
		if o != ks {
			d = max(d, s.ksDepth(o)+1)
		}
	}
	ks.depth, ks.state = d, 2
	return d
}

func (s *scanner) ksRoots(ks *fluxKS) []string {
	if ks.roots != nil {
		return ks.roots
	}
	ks.roots = []string{} // cycle guard
	var roots []string
	for _, o := range ks.owners {
		if o != ks {
			roots = append(roots, s.ksRoots(o)...)
		}
	}
	if len(roots) == 0 {
		roots = []string{clusterKey(ks.obj.file())}
	}
	ks.roots = sortedSet(roots)
	return ks.roots
}

// clusterKey returns the "<...>/clusters/<name>" directory holding p, or "".
func clusterKey(p string) string {
	segs := strings.Split(p, "/")
	for i := 0; i+2 < len(segs); i++ {
		if segs[i] == "clusters" {
			return strings.Join(segs[:i+2], "/")
		}
	}
	return ""
}

func sortedSet(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func (s *scanner) fileClusters(p string) []string {
	owners := s.owners[p]
	if len(owners) == 0 {
		return []string{clusterKey(p)}
	}
	var out []string
	for _, ks := range owners {
		out = append(out, s.ksRoots(ks)...)
	}
	return sortedSet(out)
}

// scope is the namespace/name of the deepest Flux Kustomization applying p.
func (s *scanner) scope(p string) string {
	if owners := s.owners[p]; len(owners) > 0 {
		return owners[0].key
	}
	return ""
}
