package flux

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v    string
		want chart.SkipReason
	}{
		{"1.2.3", ""},
		{"v1.2.3", ""},
		{"2025.02.03-rc.1", ""},
		{"1.2.3+build", ""},
		{"", chart.SkipRange},
		{"*", chart.SkipRange},
		{"1.2", chart.SkipRange}, // Flux reads it as a constraint
		{"v1", chart.SkipRange},
		{"1.2.x", chart.SkipRange},
		{">=1.0.0 <2.0.0", chart.SkipRange},
		{"^1.2.3 || ~2.0", chart.SkipRange},
		{"latest", chart.SkipInvalidVersion},
		{"1.2.3.4.5", chart.SkipInvalidVersion},
	}
	for _, tc := range tests {
		if got := classify(tc.v).reason; got != tc.want {
			t.Errorf("classify(%q) = %q, want %q", tc.v, got, tc.want)
		}
	}
	tags := []struct {
		tag  string
		helm bool
		want chart.SkipReason
	}{
		{"1.2.3_build.1", true, ""},
		{"v1.14.2", false, ""},
		{"1.2.3_build.1", false, chart.SkipInvalidVersion},
		{"latest", true, chart.SkipInvalidVersion},
		{"1.2", true, chart.SkipInvalidVersion},
	}
	for _, tc := range tags {
		if got := classifyTag(tc.tag, tc.helm).reason; got != tc.want {
			t.Errorf("classifyTag(%q, %v) = %q, want %q", tc.tag, tc.helm, got, tc.want)
		}
	}
}

// TestScan_BadInput checks that broken files are reported and the rest of
// the scan completes.
func TestScan_BadInput(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	files := map[string]string{
		"good.yaml":      "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata: {name: ok, namespace: a}\nspec:\n  url: oci://r.example/c/ok\n  ref: {tag: 1.0.0}\n",
		"malformed.yaml": "apiVersion: v1\nkind: [\n",
		"binary.yaml":    "\x00\x01\x02",
		"latin1.yaml":    "a: caf\xe9\n",
		"sops.yaml":      "a: ENC[AES256_GCM,data:x]\nsops:\n  version: 3\nb: [\n",
	}
	fstree.Write(t, root, files)
	if err := os.Symlink("loop.yaml", filepath.Join(root, "loop.yaml")); err != nil {
		t.Fatal(err)
	}
	res, err := Scan(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for _, e := range res.Errors {
		errs = append(errs, e.String())
	}
	want := []string{
		"binary.yaml: binary file",
		"latin1.yaml:1: invalid UTF-8",
		"loop.yaml: symlink cannot be resolved (broken or looping)",
		"malformed.yaml:2: did not find expected node content",
	}
	if diff := cmp.Diff(want, errs); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	if len(res.Refs) != 1 || res.Refs[0].Name != "ok" || res.Refs[0].Skip != "" {
		t.Errorf("Refs = %+v, want the one good OCIRepository", res.Refs)
	}
}
