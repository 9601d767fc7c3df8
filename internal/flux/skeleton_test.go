package flux

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
)

// Leaving out of the parsed files what the scan never reads changes
// nothing it finds: every test repository and both corpus repositories
// scan exactly as they do from the files parsed in full.
func TestScan_UnreadChangesNothing(t *testing.T) {
	t.Parallel()
	dirs := map[string]string{}
	for _, pattern := range []string{"testdata/*", "../../testdata/repos/*/repo"} {
		matches, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range matches {
			if fi, err := os.Stat(m); err == nil && fi.IsDir() {
				dirs[m] = m
			}
		}
	}
	if len(dirs) < 20 {
		t.Fatalf("only %d test repositories found", len(dirs))
	}
	// A patch written as an object the scan leaves out sets a version:
	// the version is located in the patch file, which is read in full.
	dirs["patch written as another kind"] = writeTree(t, map[string]string{
		"clusters/prod/apps.yaml":      rootKS,
		"apps/prod/hr.yaml":            baseHR,
		"apps/prod/patch.yaml":         "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: _}\nspec:\n  chart:\n    spec:\n      version: 2.0.0\n",
		"apps/prod/kustomization.yaml": "namespace: web\nresources: [hr.yaml]\npatches:\n  - path: patch.yaml\n    target: {kind: HelmRelease}\n",
	})
	for name, dir := range dirs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkUnread(t, dir)
		})
	}
	for _, name := range benchRepos {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			checkUnread(t, corpus.Repo(t, name))
		})
	}
}

// checkUnread compares Scan of dir with the extraction from its files
// parsed in full, .archive/ included.
func checkUnread(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	opts := Options{NoGit: true, IncludeArchive: true}
	got, err := Scan(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	repo, err := manifest.Load(ctx, dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	want := extract(ctx, repo, nil, readFile(dir)).result
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scan with unread parts left out (-full +cut):\n%s", diff)
	}
	if len(want.Refs) == 0 && len(want.Errors) == 0 {
		t.Errorf("%s: nothing found, nothing compared", dir)
	}
}
