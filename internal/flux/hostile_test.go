package flux

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// TestScan_DuplicateKey checks that a document defining version twice is
// reported as invalid, not edited at its first key.
func TestScan_DuplicateKey(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fstree.Write(t, root, map[string]string{
		"repo.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: r, namespace: ns}\nspec: {url: https://charts.example.com}\n",
		"hr.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: app, namespace: ns}
spec:
  chart:
    spec: {chart: app, sourceRef: {kind: HelmRepository, name: r}, version: 1.0.0, version: 1.1.0}
`,
	})
	res := scanDir(t, root)
	if len(res.Refs) != 0 {
		t.Errorf("Scan() refs = %+v, want none", res.Refs)
	}
	want := []FileError{{File: "hr.yaml", Line: 6, Msg: `mapping key "version" already defined at line 6`}}
	if diff := cmp.Diff(want, res.Errors); diff != "" {
		t.Errorf("Scan() errors mismatch (-want +got):\n%s", diff)
	}
}

// TestScan_SkippedSymlink checks that a YAML symlink leading out of the
// repository is on the result as skipped, with the reason.
func TestScan_SkippedSymlink(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	fstree.Write(t, outside, map[string]string{"hr.yaml": "kind: HelmRelease\n"})
	if err := os.Symlink(filepath.Join(outside, "hr.yaml"), filepath.Join(root, "hr.yaml")); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
	res := scanDir(t, root)
	want := []manifest.SkippedFile{{File: "hr.yaml", Reason: manifest.SkipSymlinkOutside}}
	if diff := cmp.Diff(want, res.Skipped); diff != "" {
		t.Errorf("Scan() skipped mismatch (-want +got):\n%s", diff)
	}
}

// TestScan_HostileIgnore checks that an exponential-time glob for a
// backtracking matcher is matched at once.
func TestScan_HostileIgnore(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	deep := strings.Repeat("a/", 39) + "x.yaml"
	fstree.Write(t, root, map[string]string{deep: "a: 1\n"})
	res := scanWith(t, root, Options{NoGit: true, Ignore: []string{strings.Repeat("**/a/", 10) + "b"}})
	if res.Files != 1 {
		t.Errorf("Scan() files = %d, want 1", res.Files)
	}
}
