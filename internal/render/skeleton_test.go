package render

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// skeletonTree loads files with the Deployments, Namespaces and HelmRelease
// values cut (manifest.Options.Unread), as a scan does.
func skeletonTree(t *testing.T, files map[string]string) *Tree {
	t.Helper()
	return cutTree(t, files, func(_, _, kind string) (bool, [][]string) {
		switch kind {
		case "Deployment", "Namespace":
			return true, nil
		case "HelmRelease":
			return false, [][]string{{"spec", "values"}}
		}
		return false, nil
	})
}

func skeletons(t *Tree) []string {
	var out []string
	for _, p := range t.paths {
		for _, d := range t.files[p].Docs {
			if d.Skeleton {
				out = append(out, fmt.Sprintf("%s#%d", p, d.Index))
			}
		}
	}
	return out
}

func describeAll(t *testing.T, res *Result) string {
	t.Helper()
	var out []string
	for _, o := range res.Objects {
		b, err := yaml.Marshal(o.Node)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprintf("%s %s %s\n%s", o.Cluster, o.Kustomization, key(o.Resource), b))
	}
	return strings.Join(out, "\n") + fmt.Sprint(res.Problems)
}

// skeletonCase is a cluster whose apps kustomization has transformations
// in transforms, over a Deployment, a HelmRelease and a Namespace.
func skeletonCase(transforms string) map[string]string {
	return map[string]string{
		"clusters/main/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"apps/kustomization.yaml": "namespace: web\nresources: [namespace.yaml, deploy.yaml, hr.yaml]\n" + transforms,
		"apps/namespace.yaml":     "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n",
		"apps/deploy.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 1
  template: {metadata: {labels: {version: 2.0.0}}}
`,
		"apps/hr.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web}
spec:
  chart: {spec: {chart: web, version: 1.0.0}}
  values: {replicas: 1}
`,
	}
}

// Rendering from skeletons gives what rendering the files in full gives:
// a transformation that may depend on what a skeleton left out (a JSON
// 6902 patch operation on a path at, above or below it, which fails on a
// missing path and stops the patches after it; a replacement reading or
// writing there) makes the renderer restore the file of the skeleton it
// selects and render again, and the others run on the skeletons.
func TestRenderKept_Skeletons(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name, transforms string
		// restored: the rendering needed one file in full (and restored
		// only that one).
		restored bool
	}{
		{"json6902 patch of a skeleton", `patches:
  - target: {kind: Deployment}
    patch: '[{op: replace, path: /spec/replicas, value: 3}]'
  - target: {kind: HelmRelease}
    patch: '[{op: replace, path: /spec/chart/spec/version, value: 1.1.0}]'
`, true},
		{"json6902 patch of a HelmRelease without its values", `patches:
  - target: {kind: HelmRelease}
    patch: '[{op: test, path: /spec/values/replicas, value: 1}, {op: replace, path: /spec/chart/spec/version, value: 1.1.0}]'
`, true},
		{"json6902 patch outside what skeletons left out", `patches:
  - target: {kind: Deployment}
    patch: '[{op: replace, path: /metadata/labels/app, value: api}]'
  - target: {kind: HelmRelease}
    patch: '[{op: test, path: /spec/chart/spec/version, value: 1.0.0}, {op: replace, path: /spec/chart/spec/version, value: 1.1.0}]'
`, false},
		{"replacement from a skeleton's spec", `replacements:
  - source: {kind: Deployment, name: web, fieldPath: spec.template.metadata.labels.version}
    targets:
      - select: {kind: HelmRelease}
        fieldPaths: [spec.chart.spec.version]
`, true},
		{"replacement from a skeleton's metadata", `replacements:
  - source: {kind: Namespace, fieldPath: metadata.name}
    targets:
      - select: {kind: HelmRelease}
        fieldPaths: [metadata.annotations.ns]
        options: {create: true}
`, false},
		{"strategic-merge patch of a skeleton", `patches:
  - target: {kind: Deployment}
    patch: '{apiVersion: apps/v1, kind: Deployment, metadata: {name: _}, spec: {replicas: 3}}'
  - patch: '{apiVersion: helm.toolkit.fluxcd.io/v2, kind: HelmRelease, metadata: {name: web}, spec: {values: {replicas: 2}, chart: {spec: {version: 1.1.0}}}}'
`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			files := skeletonCase(c.transforms)
			want := describeAll(t, RenderKept(context.Background(), tree(t, files), notSkeletal, []string{"spec", "values"}))
			st := skeletonTree(t, files)
			if len(skeletons(st)) != 3 {
				t.Fatalf("skeletons before rendering: %v", skeletons(st))
			}
			got := describeAll(t, RenderKept(context.Background(), st, notSkeletal, []string{"spec", "values"}))
			if got != want {
				t.Errorf("rendered from skeletons:\n%s\nwant\n%s", got, want)
			}
			if restored := len(skeletons(st)) == 2; restored != c.restored {
				t.Errorf("files restored: %v, want %v (skeletons left: %v)", restored, c.restored, skeletons(st))
			}
			if !strings.Contains(want, "1.1.0") && !strings.Contains(want, "version: 2.0.0") && !strings.Contains(want, "ns: web") {
				t.Errorf("the transformations did nothing:\n%s", want)
			}
		})
	}
}

// notSkeletal keeps the rendered objects of the kinds skeletonTree keeps
// in full: a skeleton is rendered, but not kept.
func notSkeletal(r *kustomize.Resource) bool {
	return r.Kind() != "Deployment" && r.Kind() != "Namespace"
}

// A skeleton file that changed on disk since it was read cannot be
// restored: the rendering says so, on what it has.
func TestRenderKept_SkeletonFileChanged(t *testing.T) {
	t.Parallel()
	files := skeletonCase(`patches:
  - target: {kind: Deployment}
    patch: '[{op: replace, path: /spec/replicas, value: 3}]'
`)
	dir := t.TempDir()
	fstree.Write(t, dir, files)
	repo, err := manifest.Load(context.Background(), dir, manifest.Options{NoGit: true,
		Unread: func(_, _, kind string) (bool, [][]string) { return kind == "Deployment", nil }})
	if err != nil {
		t.Fatal(err)
	}
	fstree.Write(t, dir, map[string]string{"apps/deploy.yaml": strings.Replace(files["apps/deploy.yaml"], "replicas: 1", "replicas: 2", 1)})
	res := RenderKept(context.Background(), NewTree(repo.Files, nil), notSkeletal)
	if !strings.Contains(fmt.Sprint(res.Problems), "apps/deploy.yaml: cannot read the file in full again") {
		t.Errorf("problems: %v", res.Problems)
	}
}
