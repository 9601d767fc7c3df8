package flux

import (
	"path"
	"sort"
	"strings"
)

// dirOf returns the slash directory of p, "" for the root.
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// join resolves rel against dir; ok is false when the result leaves the root.
func join(dir, rel string) (string, bool) {
	p := path.Clean(path.Join(dir, rel))
	if p == "." {
		return "", true
	}
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return "", false
	}
	return p, true
}

func isRemote(e string) bool {
	return strings.Contains(e, "://") || strings.HasPrefix(e, "github.com/") || strings.Contains(e, "?ref=")
}

// localEntries returns the repository paths of a kustomization's local
// resources and components (remote ones and paths escaping the root left out).
func localEntries(k *kust) []string {
	var out []string
	for _, e := range k.entries {
		if isRemote(e) {
			continue
		}
		if t, ok := join(k.dir, e); ok {
			out = append(out, t)
		}
	}
	return out
}

func (s *scanner) buildKustGraph() {
	for _, k := range s.kusts {
		if !isKustFileName(k.doc.file.Path) {
			continue
		}
		for _, t := range localEntries(k) {
			if s.files[t] != nil {
				s.fileKusts[t] = append(s.fileKusts[t], k)
			} else if k2 := s.kustByDir[t]; k2 != nil && k2 != k {
				k2.parents = append(k2.parents, k)
			}
		}
	}
}

// filesUnder returns the sorted files below dir ("" = all).
func (s *scanner) filesUnder(dir string) []string {
	if dir == "" {
		return s.paths
	}
	prefix := dir + "/"
	i := sort.SearchStrings(s.paths, prefix)
	j := i
	for j < len(s.paths) && strings.HasPrefix(s.paths[j], prefix) {
		j++
	}
	return s.paths[i:j]
}

// build adds to out every file `kustomize build dir` would read, as Flux does.
func (s *scanner) build(dir string, seen map[*kust]bool, out map[string]bool, fromKS bool) {
	if k := s.kustByDir[dir]; k != nil {
		if fromKS {
			k.ksRoot = true
		}
		s.visitKust(k, seen, out)
		return
	}
	for _, p := range s.filesUnder(dir) {
		var inner *kust
		for d := dirOf(p); d != dir && d != ""; d = dirOf(d) {
			if k := s.kustByDir[d]; k != nil {
				inner = k // keep going: the outermost below dir wins
			}
		}
		if inner != nil {
			inner.ksRoot = true
			s.visitKust(inner, seen, out)
			continue
		}
		out[p] = true
		s.fileDirect[p] = true
	}
}

func (s *scanner) visitKust(k *kust, seen map[*kust]bool, out map[string]bool) {
	if seen[k] {
		return
	}
	seen[k] = true
	out[k.doc.file.Path] = true
	for _, t := range localEntries(k) {
		if s.files[t] != nil {
			out[t] = true
		} else if s.dirs[t] {
			s.build(t, seen, out, false)
		}
	}
}
