package render

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// manyFiles is a cluster whose apps kustomization (with transforms) lists
// n Deployments and n Services, each in a file of its own
// (apps/deploy-NN.yaml, apps/svc-NN.yaml).
func manyFiles(n int, transforms string) map[string]string {
	files := map[string]string{
		"clusters/main/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  sourceRef: {kind: GitRepository, name: flux-system}
`,
	}
	kust := "namespace: web\nresources:\n"
	for i := range n {
		d, s := fmt.Sprintf("deploy-%02d.yaml", i), fmt.Sprintf("svc-%02d.yaml", i)
		kust += "  - " + d + "\n  - " + s + "\n"
		files["apps/"+d] = fmt.Sprintf("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web-%02d}\nspec:\n  replicas: 1\n", i)
		files["apps/"+s] = fmt.Sprintf("apiVersion: v1\nkind: Service\nmetadata: {name: web-%02d}\nspec:\n  ports: [{port: 80}]\n", i)
	}
	files["apps/kustomization.yaml"] = kust + transforms
	return files
}

// loadCut loads files with the Deployments and Services cut to skeletons,
// as a scan does.
func loadCut(tb testing.TB, files map[string]string) *Tree {
	tb.Helper()
	return cutTree(tb, files, func(_, _, kind string) (bool, [][]string) { return kind == "Deployment" || kind == "Service", nil })
}

// cutTree loads files with what unread names cut (manifest.Options.Unread).
func cutTree(tb testing.TB, files map[string]string, unread func(path, apiVersion, kind string) (bool, [][]string)) *Tree {
	tb.Helper()
	dir := tb.TempDir()
	fstree.Write(tb, dir, files)
	repo, err := manifest.Load(context.Background(), dir, manifest.Options{NoGit: true, Unread: unread})
	if err != nil {
		tb.Fatal(err)
	}
	return NewTree(repo.Files, nil)
}

// skeletonFiles are the files of t that hold a skeleton document.
func skeletonFiles(t *Tree) []string {
	var out []string
	for _, p := range t.paths {
		if t.files[p].HasSkeletons() {
			out = append(out, p)
		}
	}
	return out
}

// A JSON 6902 patch selecting one skeleton restores only that object's
// file: the rest of the repository stays cut, and the rendering is that
// of the files in full.
func TestRenderKept_RestoresOnlyTheFilesSelected(t *testing.T) {
	t.Parallel()
	files := manyFiles(20, `patches:
  - target: {kind: Deployment, name: web-07}
    patch: '[{op: replace, path: /spec/replicas, value: 3}]'
`)
	keep := func(r *kustomize.Resource) bool { return r.Name() == "web-07" && r.Kind() == "Deployment" }
	want := describeAll(t, RenderKept(context.Background(), tree(t, files), keep))
	st := loadCut(t, files)
	if n := len(skeletonFiles(st)); n != 40 {
		t.Fatalf("%d files with skeletons before rendering, want 40", n)
	}
	got := describeAll(t, RenderKept(context.Background(), st, keep))
	if got != want {
		t.Errorf("rendered from skeletons:\n%s\nwant\n%s", got, want)
	}
	if left := skeletonFiles(st); len(left) != 39 || slices.Contains(left, "apps/deploy-07.yaml") {
		t.Errorf("files with skeletons left: %v, want all but apps/deploy-07.yaml", left)
	}
	if f, _ := st.File("apps/deploy-07.yaml"); f.Docs[0].Skeleton {
		t.Errorf("apps/deploy-07.yaml was not restored")
	}
}

// A restored object can make a transformation select another skeleton:
// here the replacement renames web-01 after web-00's replicas, which only
// the file in full has, and the patch above then selects web-01 by its
// new name. The renderer restores both files, one after the other, and
// no other.
func TestRenderKept_RestoresWhatRestoredObjectsSelect(t *testing.T) {
	t.Parallel()
	files := manyFiles(5, `replacements:
  - source: {kind: Deployment, name: web-00, fieldPath: spec.replicas}
    targets:
      - select: {kind: Deployment, name: web-01}
        fieldPaths: [metadata.annotations.replicas]
        options: {create: true}
`)
	files["clusters/main/apps.yaml"] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./top
  sourceRef: {kind: GitRepository, name: flux-system}
`
	files["top/kustomization.yaml"] = `resources: [../apps]
patches:
  - target: {kind: Deployment, annotationSelector: replicas=1}
    patch: '[{op: replace, path: /spec/replicas, value: 4}]'
`
	keep := func(r *kustomize.Resource) bool { return r.Kind() == "Deployment" && r.Name() <= "web-01" }
	want := describeAll(t, RenderKept(context.Background(), tree(t, files), keep))
	if !strings.Contains(want, "replicas: 4") {
		t.Fatalf("the patch selected nothing:\n%s", want)
	}
	st := loadCut(t, files)
	got := describeAll(t, RenderKept(context.Background(), st, keep))
	if got != want {
		t.Errorf("rendered from skeletons:\n%s\nwant\n%s", got, want)
	}
	for _, p := range []string{"apps/deploy-00.yaml", "apps/deploy-01.yaml"} {
		if slices.Contains(skeletonFiles(st), p) {
			t.Errorf("%s was not restored", p)
		}
	}
	if n := len(skeletonFiles(st)); n != 8 {
		t.Errorf("files with skeletons left: %v, want all but two", skeletonFiles(st))
	}
}

// BenchmarkRenderKept_OnePatch renders a repository of 200 Deployments and
// 200 Services cut to skeletons, one of which a JSON 6902 patch selects.
func BenchmarkRenderKept_OnePatch(b *testing.B) {
	files := manyFiles(200, `patches:
  - target: {kind: Deployment, name: web-07}
    patch: '[{op: replace, path: /spec/replicas, value: 3}]'
`)
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		st := loadCut(b, files)
		b.StartTimer()
		RenderKept(context.Background(), st, nil)
	}
}
