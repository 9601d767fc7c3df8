package plan

import (
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/policy"
)

// Each bucket of a reference has a branch of its own, stable across runs.
func TestBuild_BucketBranches(t *testing.T) {
	t.Parallel()
	bucketed := func(bucket, to string, typ chart.UpdateType) Update {
		u := upd("apps/a/oci.yaml", "media", "app-template", appTemplate, "3.1.0", to, typ)
		u.Bucket = bucket
		return u
	}
	gs := Build([]Update{
		bucketed(policy.BucketMajor, "5.0.0", chart.UpdateMajor),
		bucketed(policy.BucketNonMajor, "3.4.0", chart.UpdateMinor),
		bucketed("v4", "4.2.0", chart.UpdateMajor),
		bucketed(policy.BucketPatch, "3.1.5", chart.UpdatePatch),
	}, Options{})
	var branches []string
	for _, g := range gs {
		branches = append(branches, g.Branch+"="+g.Updates[0].To.Version)
	}
	want := "bosun/app-template=3.4.0 bosun/app-template-major=5.0.0 bosun/app-template-patch=3.1.5 bosun/app-template-v4=4.2.0"
	if got := strings.Join(branches, " "); got != want {
		t.Errorf("branches = %s\nwant       %s", got, want)
	}
}

// Applied together, a field with a major and a non-major update moves once,
// to the major's version; alone, each moves to its own.
func TestEdits_OneEditPerField(t *testing.T) {
	t.Parallel()
	major := upd("apps/a/oci.yaml", "media", "app-template", appTemplate, "3.1.0", "5.0.0", chart.UpdateMajor)
	minor := upd("apps/a/oci.yaml", "media", "app-template", appTemplate, "3.1.0", "3.4.0", chart.UpdateMinor)
	other := upd("apps/b/oci.yaml", "media", "app-template", appTemplate, "3.1.0", "3.4.0", chart.UpdateMinor)
	edits := Edits([]Update{minor, major, other})
	if len(edits) != 2 || edits[0].New != "5.0.0" || edits[0].File != "apps/a/oci.yaml" || edits[1].File != "apps/b/oci.yaml" {
		t.Fatalf("edits = %+v", edits)
	}
	if e := Edits([]Update{minor}); len(e) != 1 || e[0].New != "3.4.0" {
		t.Errorf("minor alone = %+v", e)
	}
}
