package render

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
)

// Every chart-bearing object of the corpus repositories renders with a
// namespace, from the roots Flux bootstraps.
func TestRender_Corpus(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"onedr0p__home-ops", "xunholy__k8s-gitops"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := corpus.Repo(t, name)
			repo, err := manifest.Load(context.Background(), dir, manifest.Options{})
			if err != nil {
				t.Fatal(err)
			}
			tr := NewTree(repo.Files, func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, filepath.FromSlash(p))) })
			res := Render(context.Background(), tr)
			t.Logf("roots %v, %d objects, %d problems", res.Roots, len(res.Objects), len(res.Problems))
			kinds := map[string]int{}
			noNS := 0
			for _, o := range res.Objects {
				kinds[o.Kind()]++
				if (o.Kind() == "HelmRelease" || o.Kind() == "OCIRepository") && o.Namespace() == "" {
					noNS++
				}
			}
			t.Logf("HelmRelease %d, OCIRepository %d, HelmRepository %d, Kustomization %d; without namespace %d",
				kinds["HelmRelease"], kinds["OCIRepository"], kinds["HelmRepository"], kinds["Kustomization"], noNS)
			for i, p := range res.Problems {
				if i < 15 {
					t.Logf("problem: %s", p)
				}
			}
			if noNS > 0 {
				t.Errorf("%d HelmReleases and OCIRepositories rendered without a namespace", noNS)
			}
			if name == "onedr0p__home-ops" && (len(res.Roots) != 1 || kinds["HelmRelease"] != 68 || kinds["OCIRepository"] != 68) {
				t.Errorf("onedr0p: roots %v, %d HelmReleases, %d OCIRepositories; want one root and 68 of each", res.Roots, kinds["HelmRelease"], kinds["OCIRepository"])
			}
		})
	}
}
