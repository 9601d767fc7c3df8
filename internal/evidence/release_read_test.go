package evidence_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

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
