package evidence_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// writeTree writes files under a new directory and loads it as a
// repository; root is the repository, dir one level above it.
func writeTree(t *testing.T, files map[string]string) (string, *manifest.Repo) {
	t.Helper()
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	fstree.Write(t, dir, files)
	repo, err := manifest.Load(t.Context(), root, manifest.Options{NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	return root, repo
}

const hrHeader = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: %s\n  namespace: apps\nspec:\n"

func hr(name, spec string) string { return strings.Replace(hrHeader, "%s", name, 1) + spec }

func TestReleases_For(t *testing.T) {
	t.Parallel()
	root, repo := writeTree(t, map[string]string{
		"secret.yaml": "password: hunter2\n",
		// The generator next to the release wins over one elsewhere of the
		// same name; keys may be renamed with key=path.
		"repo/apps/web/kustomization.yaml":   "configMapGenerator:\n  - name: web-values\n    files:\n      - values.yaml=config/web.yaml\n",
		"repo/apps/web/config/web.yaml":      "image:\n  tag: \"1\"\n  pullPolicy: Always\nreplicas: 2\n",
		"repo/apps/other/kustomization.yaml": "configMapGenerator:\n  - name: web-values\n    files:\n      - values.yaml\n",
		"repo/apps/other/values.yaml":        "replicas: 99\n",
		"repo/apps/web/cm.yaml":              "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-extra\ndata:\n  extra.yaml: |\n    extra: true\n",
		"repo/apps/web/helmrelease.yaml": hr("web", `  chart:
    spec:
      chart: web
      version: 1.0.0
  install:
    crds: CreateReplace
  upgrade:
    crds: CreateReplace
  valuesFrom:
    - kind: ConfigMap
      name: web-values
    - kind: ConfigMap
      name: web-extra
      valuesKey: extra.yaml
    - kind: Secret
      name: web-secret
    - kind: ConfigMap
      name: web-values
      targetPath: image.tag
  values:
    image:
      tag: "2"
`),
		// A generator may not read outside the repository.
		"repo/apps/escape/kustomization.yaml": "configMapGenerator:\n  - name: escape-values\n    files:\n      - values.yaml=../../../secret.yaml\n",
		"repo/apps/escape/helmrelease.yaml":   hr("escape", "  valuesFrom:\n    - kind: ConfigMap\n      name: escape-values\n"),
	})
	rs := evidence.NewReleases(root, repo)

	web := rs.For(chart.Ref{Kind: "HelmRelease", Name: "web", Loc: chart.Location{File: "apps/web/helmrelease.yaml", Line: 10}})
	if web == nil {
		t.Fatal("no release for the HelmRelease's own reference")
	}
	want := map[string]any{"image": map[string]any{"tag": "2", "pullPolicy": "Always"}, "replicas": 2, "extra": true}
	if diff := cmp.Diff(want, web.Values); diff != "" {
		t.Errorf("values (-want +got):\n%s", diff)
	}
	if web.CRDs != (evidence.CRDPolicy{Install: "CreateReplace", Upgrade: "CreateReplace"}) {
		t.Errorf("CRDs = %+v", web.CRDs)
	}
	notes := strings.Join(web.Notes, "\n")
	for _, w := range []string{"Secret web-secret not read", "targetPath"} {
		if !strings.Contains(notes, w) {
			t.Errorf("notes lack %q:\n%s", w, notes)
		}
	}

	// A chart source reference finds the releases that use it.
	byUse := rs.For(chart.Ref{Kind: "OCIRepository", Name: "web", UsedBy: []chart.ObjectKey{{Kind: "HelmRelease", Namespace: "apps", Name: "web"}}})
	if byUse == nil || byUse.File != "apps/web/helmrelease.yaml" {
		t.Errorf("UsedBy lookup = %+v", byUse)
	}

	esc := rs.For(chart.Ref{Kind: "HelmRelease", Name: "escape", Loc: chart.Location{File: "apps/escape/helmrelease.yaml", Line: 7}})
	if esc == nil {
		t.Fatal("no release for escape")
	}
	if esc.Values != nil || !strings.Contains(strings.Join(esc.Notes, "\n"), "outside the repository") {
		t.Errorf("a generator file outside the repository was read: values %v, notes %q", esc.Values, esc.Notes)
	}
	if rs.For(chart.Ref{Kind: "HelmChart", Name: "nothing"}) != nil {
		t.Errorf("a reference no HelmRelease uses has a release")
	}
}

// TestReleases_ValuesThroughSymlinkedDir: a values file a generator names
// through a symlinked directory is read when the directory is in the
// repository, and not when it leads out of it (whatever it holds could
// reach a pull request's body); the note says why.
func TestReleases_ValuesThroughSymlinkedDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	gen := func(name, file string) string {
		return fmt.Sprintf("configMapGenerator:\n  - name: %s-values\n    files:\n      - values.yaml=%s\n", name, file)
	}
	fstree.Write(t, dir, map[string]string{
		"outside/values.yaml":                 "password: hunter2\n",
		"repo/shared/web.txt":                 "replicas: 3\n",
		"repo/apps/web/kustomization.yaml":    gen("web", "linked/web.txt"),
		"repo/apps/web/helmrelease.yaml":      hr("web", "  valuesFrom:\n    - kind: ConfigMap\n      name: web-values\n"),
		"repo/apps/escape/kustomization.yaml": gen("escape", "vals/values.yaml"),
		"repo/apps/escape/helmrelease.yaml":   hr("escape", "  valuesFrom:\n    - kind: ConfigMap\n      name: escape-values\n"),
	})
	for link, target := range map[string]string{
		"repo/apps/web/linked":  "../../shared",
		"repo/apps/escape/vals": filepath.Join(dir, "outside"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, filepath.FromSlash(link))); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	repo, err := manifest.Load(t.Context(), root, manifest.Options{NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	rs := evidence.NewReleases(root, repo)

	web := rs.For(chart.Ref{Kind: "HelmRelease", Name: "web", Loc: chart.Location{File: "apps/web/helmrelease.yaml", Line: 7}})
	if web == nil {
		t.Fatal("no release for web")
	}
	if diff := cmp.Diff(map[string]any{"replicas": 3}, web.Values); diff != "" || len(web.Notes) != 0 {
		t.Errorf("values through a symlinked directory in the repository (-want +got):\n%s\nnotes %q", diff, web.Notes)
	}

	esc := rs.For(chart.Ref{Kind: "HelmRelease", Name: "escape", Loc: chart.Location{File: "apps/escape/helmrelease.yaml", Line: 7}})
	if esc == nil {
		t.Fatal("no release for escape")
	}
	notes := strings.Join(esc.Notes, "\n")
	if esc.Values != nil || !strings.Contains(notes, "apps/escape/vals/values.yaml: a symbolic link leads outside the repository") || strings.Contains(notes, dir) {
		t.Errorf("values through a symlinked directory out of the repository: values %v, notes %q", esc.Values, esc.Notes)
	}
}

// TestReleases_ConfigMapNearest: a HelmRelease's valuesFrom ConfigMap is
// the one nearest to it, ConfigMap documents as generators, and one
// written explicitly in another namespace comes last: in a repository of
// two clusters, each HelmRelease reads its own cluster's values, not the
// first in path order.
func TestReleases_ConfigMapNearest(t *testing.T) {
	t.Parallel()
	cm := func(name, ns, values string) string {
		meta := "  name: " + name + "\n"
		if ns != "" {
			meta += "  namespace: " + ns + "\n"
		}
		return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n" + meta + "data:\n  values.yaml: |\n    " + values + "\n"
	}
	from := func(name string) string { return "  valuesFrom:\n    - kind: ConfigMap\n      name: " + name + "\n" }
	root, repo := writeTree(t, map[string]string{
		// The same ConfigMap, unnamespaced, in each cluster.
		"repo/clusters/a/apps/x/values-cm.yaml":   cm("x-values", "", "replicas: 1"),
		"repo/clusters/b/apps/x/values-cm.yaml":   cm("x-values", "", "replicas: 2"),
		"repo/clusters/b/apps/x/helmrelease.yaml": hr("x", from("x-values")),
		// The nearest is in another namespace, and of two as near the one
		// in the HelmRelease's namespace wins over the unnamespaced one
		// before it in path order.
		"repo/clusters/b/apps/y/values-cm.yaml":   cm("y-values", "other", "replicas: 3"),
		"repo/clusters/b/a-cm.yaml":               cm("y-values", "", "replicas: 7"),
		"repo/clusters/b/y-values.yaml":           cm("y-values", "apps", "replicas: 4"),
		"repo/clusters/b/apps/y/helmrelease.yaml": hr("y", from("y-values")),
		// Where either namespace is unset, the nearest wins.
		"repo/clusters/a/z-values.yaml":           cm("z-values", "apps", "replicas: 6"),
		"repo/clusters/b/apps/z/values-cm.yaml":   cm("z-values", "", "replicas: 5"),
		"repo/clusters/b/apps/z/helmrelease.yaml": hr("z", from("z-values")),
		// Generators carry their kustomization's namespace, over their own.
		"repo/clusters/b/apps/g/kustomization.yaml": "namespace: other\nconfigMapGenerator:\n  - name: g-values\n    files:\n      - values.yaml\n",
		"repo/clusters/b/apps/g/values.yaml":        "replicas: 8\n",
		"repo/clusters/b/apps/kustomization.yaml":   "namespace: other\nconfigMapGenerator:\n  - name: g-values\n    namespace: apps\n    files:\n      - values.yaml=g.yaml\n",
		"repo/clusters/b/apps/g.yaml":               "replicas: 10\n",
		"repo/clusters/b/kustomization.yaml":        "configMapGenerator:\n  - name: g-values\n    namespace: apps\n    files:\n      - values.yaml=g.yaml\n",
		"repo/clusters/b/g.yaml":                    "replicas: 9\n",
		"repo/clusters/b/apps/g/helmrelease.yaml":   hr("g", from("g-values")),
	})
	rs := evidence.NewReleases(root, repo)
	for name, want := range map[string]int{"x": 2, "y": 4, "z": 5, "g": 9} {
		file := "clusters/b/apps/" + name + "/helmrelease.yaml"
		r := rs.For(chart.Ref{Kind: "HelmRelease", Name: name, Loc: chart.Location{File: file, Line: 7}})
		if r == nil {
			t.Errorf("%s: no release", name)
			continue
		}
		if diff := cmp.Diff(map[string]any{"replicas": want}, r.Values); diff != "" || len(r.Notes) != 0 {
			t.Errorf("%s: values (-want +got):\n%s\nnotes %q", name, diff, r.Notes)
		}
	}
}

// TestReleases_ForHoldingDocument: a HelmRelease's own chart reference
// belongs to the document holding its line, not to the first of its file
// with its name; a chart source reference notes how many other
// HelmReleases use it.
func TestReleases_ForHoldingDocument(t *testing.T) {
	t.Parallel()
	release := func(ns, version string, replicas int) string {
		return fmt.Sprintf("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: %s\n"+
			"spec:\n  chart:\n    spec:\n      chart: web\n      version: %s\n  values:\n    replicas: %d\n", ns, version, replicas)
	}
	file := release("a", "1.0.0", 1) + "---\n" + release("b", "2.0.0", 2)
	root, repo := writeTree(t, map[string]string{
		"repo/apps/web/helmreleases.yaml": file,
		"repo/apps/api/helmrelease.yaml":  hr("api", "  chart:\n    spec:\n      chart: api\n      version: 1.0.0\n"),
	})
	rs := evidence.NewReleases(root, repo)
	lineOf := func(s string) int {
		i := strings.Index(file, s)
		if i < 0 {
			t.Fatalf("%q not in the file", s)
		}
		return strings.Count(file[:i], "\n") + 1
	}
	for version, want := range map[string]int{"1.0.0": 1, "2.0.0": 2} {
		loc := chart.Location{File: "apps/web/helmreleases.yaml", Line: lineOf("version: " + version)}
		r := rs.For(chart.Ref{Kind: "HelmRelease", Name: "web", Loc: loc})
		if r == nil {
			t.Errorf("%s: no release", version)
			continue
		}
		if diff := cmp.Diff(map[string]any{"replicas": want}, r.Values); diff != "" || len(r.Notes) != 0 {
			t.Errorf("%s: values (-want +got):\n%s\nnotes %q", version, diff, r.Notes)
		}
	}
	// The document holding the line is another HelmRelease: none.
	if r := rs.For(chart.Ref{Kind: "HelmRelease", Name: "api", Loc: chart.Location{File: "apps/web/helmreleases.yaml", Line: lineOf("version: 2.0.0")}}); r != nil {
		t.Errorf("a reference got the release of another name: %+v", r)
	}

	used := chart.Ref{Kind: "OCIRepository", Name: "web", UsedBy: []chart.ObjectKey{
		{Kind: "HelmRelease", Namespace: "a", Name: "web"}, {Kind: "HelmRelease", Namespace: "b", Name: "web"}, {Kind: "HelmRelease", Namespace: "apps", Name: "api"}}}
	r := rs.For(used)
	if r == nil {
		t.Fatal("no release for a chart source reference")
	}
	wantNote := "values checked for the HelmRelease in apps/api/helmrelease.yaml only (2 more use this chart)"
	if r.File != "apps/api/helmrelease.yaml" || !slices.Contains(r.Notes, wantNote) {
		t.Errorf("UsedBy lookup: file %s, notes %q, want note %q", r.File, r.Notes, wantNote)
	}
}
