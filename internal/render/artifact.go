package render

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// artifactDir maps the path of a Kustomization whose source is an
// ExternalArtifact back to the repository: the flux-operator
// ArtifactGenerator producing the artifact copies "@alias/<from>" to
// "@artifact/<to>"; when alias is the cluster's own source, the artifact
// path under <to> is the repository path under <from>. ok is false when no
// generator of the repository produces the artifact from this source.
func (rd *renderer) artifactDir(c *clusterState, src source, p string) (dir string, ok bool) {
	want := repoPath(p)
	for _, g := range rd.generators() {
		if g.Namespace() != src.namespace && g.Namespace() != "" {
			continue
		}
		aliases := map[string]source{}
		if list := kustomize.Get(g.Node, "spec", "sources"); list != nil {
			for _, s := range list.Content {
				ns := kustomize.GetString(s, "namespace")
				if ns == "" {
					ns = g.Namespace()
				}
				aliases[kustomize.GetString(s, "alias")] = source{kind: kustomize.GetString(s, "kind"), namespace: ns, name: kustomize.GetString(s, "name")}
			}
		}
		list := kustomize.Get(g.Node, "spec", "artifacts")
		if list == nil {
			continue
		}
		for _, a := range list.Content {
			if kustomize.GetString(a, "name") != src.name {
				continue
			}
			if d, ok := mapCopies(a, aliases, c.source, want); ok {
				return join(c.base, d), true
			}
		}
	}
	return "", false
}

// mapCopies finds the copy rule whose destination covers want and returns
// the source path it comes from.
func mapCopies(artifact *yaml.Node, aliases map[string]source, repo source, want string) (string, bool) {
	copies := kustomize.Get(artifact, "copy")
	if copies == nil {
		return "", false
	}
	for _, cp := range copies.Content {
		from, to := kustomize.GetString(cp, "from"), kustomize.GetString(cp, "to")
		alias, fromPath, ok := strings.Cut(strings.TrimPrefix(from, "@"), "/")
		if !ok || aliases[alias] != repo {
			continue
		}
		toPath := repoPath(strings.TrimPrefix(strings.TrimPrefix(to, "@artifact"), "/"))
		fromPath = repoPath(strings.TrimSuffix(fromPath, "**"))
		if want == toPath {
			return fromPath, true
		}
		if rest, ok := strings.CutPrefix(want, toPath+"/"); ok || toPath == "." {
			if toPath == "." {
				rest = want
			}
			return join(fromPath, rest), true
		}
	}
	return "", false
}

// generators returns the repository's ArtifactGenerators (cached).
func (rd *renderer) generators() []*kustomize.Resource {
	if rd.gens == nil {
		rd.gens = []*kustomize.Resource{}
		for _, p := range rd.t.paths {
			for _, r := range rd.t.written(p, func(k string) bool { return k == "ArtifactGenerator" }) {
				if r.Kind() == "ArtifactGenerator" {
					rd.gens = append(rd.gens, r)
				}
			}
		}
	}
	return rd.gens
}
