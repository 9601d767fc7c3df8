package flux

import (
	"testing"

	"github.com/bosunhq/bosun/internal/manifest"
)

// FuzzExtractRendered feeds a kustomization and an app file under a root
// Flux Kustomization: rendering and extraction never panic, and every
// location lies in its file.
func FuzzExtractRendered(f *testing.F) {
	f.Add([]byte("namespace: web\nresources: [app.yaml]\npatches:\n  - patch: |\n      kind: HelmRelease\n      metadata: {name: web}\n      spec: {chart: {spec: {version: 2.0.0}}}\n"),
		[]byte(baseHR))
	f.Add([]byte("resources: [app.yaml]\nreplacements:\n  - source: {kind: HelmRepository, fieldPath: metadata.name}\n    targets: [{select: {kind: HelmRelease}, fieldPaths: [metadata.namespace], options: {create: true}}]\n"),
		[]byte("apiVersion: fluxcd.controlplane.io/v1\nkind: ResourceSet\nmetadata: {name: rs, namespace: x}\nspec:\n  inputs: [{v: 1.0.0}]\n  resourcesTemplate: |\n    apiVersion: source.toolkit.fluxcd.io/v1\n    kind: OCIRepository\n    metadata: {name: a}\n    spec: {url: oci://r/a, ref: {tag: << inputs.v >>}}\n"))
	f.Fuzz(func(t *testing.T, kust, app []byte) {
		files := map[string][]byte{
			"clusters/main/ks.yaml":        []byte(rootKS),
			"apps/prod/kustomization.yaml": kust,
			"apps/prod/app.yaml":           app,
		}
		repo := &manifest.Repo{}
		for _, p := range []string{"apps/prod/app.yaml", "apps/prod/kustomization.yaml", "clusters/main/ks.yaml"} {
			mf, _ := manifest.Parse(p, files[p])
			repo.Files = append(repo.Files, mf)
		}
		res := Extract(repo, nil)
		for _, r := range res.Refs {
			if r.Loc.Start < 0 || r.Loc.End < r.Loc.Start || r.Loc.End > len(files[r.Loc.File]) {
				t.Fatalf("%s: bytes %d-%d outside the file", r.Loc, r.Loc.Start, r.Loc.End)
			}
		}
	})
}
