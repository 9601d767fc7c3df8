package migrate

import (
	"slices"
	"strings"
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

// TestConvert_TimezoneAsConfigTakesIt: migrate keeps exactly the time zones
// bosun.yaml accepts (config.CheckTimezone owns the rule) and reports the
// others with config's reason.
func TestConvert_TimezoneAsConfigTakesIt(t *testing.T) {
	t.Parallel()
	for _, tz := range []string{"Local", "local", "Mars/Olympus", "UTC", "Europe/Berlin"} {
		res := convertSrc(t, `{timezone: "`+tz+`"}`)
		cfg, err := config.Parse("bosun.yaml", res.Config)
		if err != nil {
			t.Fatalf("%s: bosun's loader rejects the migrated config: %v\n%s", tz, err, res.Config)
		}
		want := config.CheckTimezone(tz)
		switch {
		case want == nil && cfg.Timezone != tz:
			t.Errorf("%s: timezone %q not migrated (unmapped %v)", tz, cfg.Timezone, res.Unmapped)
		case want != nil && (cfg.Timezone != "" || len(res.Unmapped) != 1 || res.Unmapped[0].Reason != want.Error()):
			t.Errorf("%s: timezone %q, unmapped %v; want it left out as %q", tz, cfg.Timezone, res.Unmapped, want)
		}
	}
}

// TestConvert_NumbersOutOfRange: JSON5's NaN and Infinity, and numbers
// beyond int32, are reported as not migrated instead of becoming garbage
// limits or ages.
func TestConvert_NumbersOutOfRange(t *testing.T) {
	t.Parallel()
	for _, n := range []string{"NaN", "Infinity", "-Infinity", "+Infinity", "1e10", "-1", "2.5"} {
		src := `{prConcurrentLimit: ` + n + `, prHourlyLimit: ` + n + `,
packageRules: [{matchDatasources: ["helm"], stabilityDays: ` + n + `, labels: ["x"]}]}`
		res := convertSrc(t, src)
		if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
			t.Errorf("%s: bosun's loader rejects the migrated config: %v\n%s", n, err, res.Config)
		}
		for _, key := range []string{"maxOpen", "maxNewPerRun", "minimumReleaseAge"} {
			if strings.Contains(string(res.Config), key) {
				t.Errorf("%s: migrated as %s:\n%s", n, key, res.Config)
			}
		}
		var keys []string
		for _, it := range res.Unmapped {
			keys = append(keys, it.Key)
			if !strings.Contains(it.Reason, "finite number") && !strings.Contains(it.Reason, "whole number") {
				t.Errorf("%s: %s: unclear reason %q", n, it.Key, it.Reason)
			}
		}
		if want := []string{"prConcurrentLimit", "prHourlyLimit", "packageRules[0].stabilityDays"}; !slices.Equal(keys, want) {
			t.Errorf("%s: unmapped %v, want %v", n, keys, want)
		}
		if len(res.Notes) != 0 {
			t.Errorf("%s: notes %v for values not migrated", n, res.Notes)
		}
	}
	res := convertSrc(t, `{packageRules: [{matchDatasources: ["helm"], minimumReleaseAge: "99999999999 days", labels: ["x"]}]}`)
	if len(res.Unmapped) != 1 || !strings.Contains(res.Unmapped[0].Reason, "more than 2147483647") {
		t.Errorf("a huge age: unmapped %v\n%s", res.Unmapped, res.Config)
	}
}
