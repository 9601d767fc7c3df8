package ocirepo_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	helmchart "helm.sh/helm/v3/pkg/chart"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// With ManifestOnly, Describe reads one manifest per release and no config
// blob: the digest, the date from the manifest's annotation and the chart
// check, but none of the chart metadata.
func TestSource_Describe_manifestOnly(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	digest := r.PushChartMeta(t, "charts/full", &helmchart.Metadata{
		APIVersion: "v2", Name: "full", Version: "2.1.0", AppVersion: "v9.9", Deprecated: true,
		Annotations: map[string]string{"artifacthub.io/changes": "- kind: fixed\n  description: a bug\n"},
	}, t0)
	img := r.PushImage(t, "charts/full", "3.0.0")

	s := newSource(r, ocirepo.Options{ManifestOnly: true})
	tests := []struct {
		in, want chart.Release
	}{
		{
			in:   chart.Release{Version: "2.1.0", Tag: "2.1.0"},
			want: chart.Release{Version: "2.1.0", Tag: "2.1.0", Created: t0, Digest: digest, Described: true},
		},
		{
			in:   chart.Release{Version: "3.0.0", Tag: "3.0.0"},
			want: chart.Release{Version: "3.0.0", Tag: "3.0.0", Digest: img, NotChart: true, Described: true},
		},
	}
	for _, tt := range tests {
		got, err := s.Describe(context.Background(), src(r, "charts/full"), "full", tt.in)
		if err != nil {
			t.Fatalf("Describe %s: %v", tt.in.Version, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Describe(%s) mismatch (-want +got):\n%s", tt.in.Version, diff)
		}
	}
	// One manifest per release (the first GET is the challenge before the
	// token), no blob.
	want := ocitest.Counts{Token: 1, ManifestGet: 1 + 2, Unauthorized: 1}
	if diff := cmp.Diff(want, r.Counts("charts/full")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}
