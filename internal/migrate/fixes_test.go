package migrate

import (
	"slices"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
)

// convertSrc migrates one Renovate config given as JSON5 text.
func convertSrc(t *testing.T, src string) *Result {
	t.Helper()
	v, err := ParseJSON5([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert([]File{{Name: "renovate.json5", Root: v}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestConvert_HelmOnlyRuleKeepsToHTTP: Renovate's helm datasource covers
// HTTP Helm repositories only, so a rule limited to it must not reach an
// OCI chart of the same name.
func TestConvert_HelmOnlyRuleKeepsToHTTP(t *testing.T) {
	t.Parallel()
	res := convertSrc(t, `{packageRules: [{matchDatasources: ["helm"], matchPackageNames: ["cert-manager"], allowedVersions: "<2.0.0"}]}`)
	cfg, err := config.Parse("bosun.yaml", res.Config)
	if err != nil {
		t.Fatalf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
	}
	rules, err := cfg.Policy()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		src  chart.Source
		want []string
	}{
		{chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"}, []string{"<2.0.0"}},
		{chart.Source{Kind: chart.SourceOCI, URL: "oci://quay.io/jetstack/charts/cert-manager"}, nil},
	} {
		got := rules.For(chart.Ref{Chart: "cert-manager", Source: tt.src}).AllowedVersions
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: allowedVersions %q, want %q\n%s", tt.src.URL, got, tt.want, res.Config)
		}
	}
}
