package policy

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/glob"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
	"github.com/bosunhq/bosun/internal/versioning"
)

func TestCompile_Errors(t *testing.T) {
	t.Parallel()
	_, err := Compile(Options{
		Defaults: Settings{UpdateTypes: []chart.UpdateType{"mayor"}},
		Rules: []Rule{
			{Name: "bad", Match: Match{Namespaces: []string{"[a"}, UpdateTypes: []chart.UpdateType{"tiny"}}, Settings: Settings{AllowedVersions: []string{">= foo"}}},
			{Settings: Settings{RangeStrategy: "stretch", ReleaseAgeUnknown: "maybe", GroupBy: "chart", MinimumReleaseAge: dur(-time.Hour)}},
		},
	})
	if err == nil {
		t.Fatal("Compile succeeded, want errors")
	}
	for _, want := range []string{
		`defaults: updateTypes: unknown update type "mayor"`,
		`rule 1 "bad": match: bad pattern "[a"`,
		`rule 1 "bad": match: unknown update type "tiny"`,
		`rule 1 "bad": allowedVersions: parse constraint ">= foo"`,
		`rule 2: minimumReleaseAge: negative`,
		`rule 2: releaseAgeUnknown: unknown value "maybe"`,
		`rule 2: rangeStrategy: unknown value "stretch"`,
		`rule 2: groupBy: unknown value "chart"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Compile error lacks %q:\n%v", want, err)
		}
	}
}

func TestRules_For(t *testing.T) {
	t.Parallel()
	r := mustCompile(t, Options{
		Defaults: Settings{UpdateTypes: AllUpdateTypes, Labels: []string{"helm"}},
		Rules: []Rule{
			{Match: Match{Namespaces: []string{"kube-system"}}, Settings: Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch}, Prerelease: ptr(false), Labels: []string{"infra"}}},
			{Match: Match{Namespaces: []string{"dev-*"}}, Settings: Settings{Prerelease: ptr(true), MinimumReleaseAge: dur(time.Hour), RangeStrategy: RangeWiden}},
			{Match: Match{Paths: []string{"apps/**"}, Kinds: []string{"Helm*"}}, Settings: Settings{Group: "apps"}},
			{Match: Match{UpdateTypes: []chart.UpdateType{chart.UpdateMajor}}, Settings: Settings{Ignore: ptr(true)}},
			{Match: Match{Sources: []string{"oci://ghcr.io/**"}}, Settings: Settings{AllowedVersions: []string{"<9.0.0"}}},
		},
	})
	ref := func(file string, ns ...string) chart.Ref {
		return chart.Ref{Kind: "HelmRelease", Chart: "x", Namespaces: ns, Loc: chart.Location{File: file},
			Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/a/b/x"}}
	}
	tests := []struct {
		name string
		ref  chart.Ref
		want Settings
	}{
		{"kube-system", ref("infra/x.yaml", "kube-system"), Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch}, Prerelease: ptr(false), Labels: []string{"infra"}, AllowedVersions: []string{"<9.0.0"}}},
		{"dev glob and path", ref("apps/dev/x.yaml", "dev-bob"), Settings{UpdateTypes: AllUpdateTypes, Prerelease: ptr(true), MinimumReleaseAge: dur(time.Hour), RangeStrategy: RangeWiden, Group: "apps", Labels: []string{"helm"}, AllowedVersions: []string{"<9.0.0"}}},
		{"most restrictive across namespaces", ref("apps/x.yaml", "dev-bob", "kube-system"), Settings{
			UpdateTypes: []chart.UpdateType{chart.UpdatePatch}, Prerelease: ptr(false), MinimumReleaseAge: dur(time.Hour),
			RangeStrategy: RangeKeep, Group: "apps", Labels: []string{"helm", "infra"}, AllowedVersions: []string{"<9.0.0"}, SeparateMajor: nil,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, r.For(tt.ref)); diff != "" {
				t.Errorf("For() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMatchPath(t *testing.T) {
	t.Parallel()
	tabletest.Run2(t, "glob.Match", glob.Match, map[[2]string]bool{
		{".archive/**", ".archive/a/b.yaml"}:                                                  true,
		{".archive/**", ".archive"}:                                                           true,
		{".archive/**", "kubernetes/.archive/a.yaml"}:                                         false,
		{"**/.archive/**", "kubernetes/.archive/a.yaml"}:                                      true,
		{"**/x.yaml", "x.yaml"}:                                                               true,
		{"kubernetes/apps/media/**", "kubernetes/apps/media/plex/app/helmrelease.yaml"}:       true,
		{"kubernetes/apps/*/helmrelease.yaml", "kubernetes/apps/media/plex/helmrelease.yaml"}: false,
		{"kubernetes/**/helmrelease.yaml", "kubernetes/apps/media/plex/helmrelease.yaml"}:     true,
		{"oci://ghcr.io/**", "oci://ghcr.io/bjw-s-labs/helm/app-template"}:                    true,
		{"oci://ghcr.io/*", "oci://ghcr.io/bjw-s-labs/helm/app-template"}:                     false,
		{"https://charts.*.io", "https://charts.jetstack.io"}:                                 true,
		{"[a", "[a"}: false,
	})
	if !glob.MatchName("dev-*", "dev-alice") || glob.MatchName("dev-*", "prod") || glob.MatchName("[", "[") {
		t.Error("MatchName mismatch")
	}
}

func TestWidenReplaceRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		constraint, version string
		widen, replace      string
	}{
		{">=1.0.0 <2.0.0", "2.1.0", ">=1.0.0 <3.0.0", "^2.1.0"},
		{">=1.0.0, <=1.5.0", "1.7.0", ">=1.0.0, <=1.7.0", "^1.7.0"},
		{"1.x", "2.1.0", "1.x || ^2.1.0", "2.x"},
		{"1.2.x", "1.3.4", "1.2.x || ^1.3.4", "1.3.x"},
		{"1.2", "1.3.4", "1.2 || ^1.3.4", "1.3"},
		{"^1.2.0", "2.0.0", "^1.2.0 || ^2.0.0", "^2.0.0"},
		{"~1.2.0", "1.3.0", "~1.2.0 || ^1.3.0", "~1.3.0"},
		{"~> 1.2.0", "1.3.0", "~> 1.2.0 || ^1.3.0", "~>1.3.0"},
		{"=1.2.0", "1.3.0", "=1.2.0 || ^1.3.0", "=1.3.0"},
		{"^0.2.3", "0.4.1", "^0.2.3 || ^0.4.1", "^0.4.1"},
		{"^1.0.0 || ^2.0.0", "3.0.0", "^1.0.0 || ^2.0.0 || ^3.0.0", "^3.0.0"},
		{"^1.0.0, <1.5.0", "1.6.0", "^1.0.0, <2.0.0", "^1.6.0"},
		{"^1.0.0, <1.5.0", "2.1.0", "^1.0.0, <1.5.0 || ^2.1.0", "^2.1.0"},
		{"v1.x", "v2.0.0", "v1.x || ^v2.0.0", "v2.x"},
		{"^1.0.0", "2.0.0-rc.1", "^1.0.0 || ^2.0.0-rc.1", "^2.0.0-rc.1"},
	}
	for _, tt := range tests {
		t.Run(tt.constraint+" "+tt.version, func(t *testing.T) {
			t.Parallel()
			v, err := versioning.Parse(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			w, err := WidenRange(tt.constraint, v)
			if err != nil || w != tt.widen {
				t.Errorf("WidenRange(%q, %s) = %q, %v; want %q", tt.constraint, tt.version, w, err, tt.widen)
			}
			r, err := ReplaceRange(tt.constraint, v)
			if err != nil || r != tt.replace {
				t.Errorf("ReplaceRange(%q, %s) = %q, %v; want %q", tt.constraint, tt.version, r, err, tt.replace)
			}
		})
	}
}

func TestFormatAge(t *testing.T) {
	t.Parallel()
	for d, want := range map[time.Duration]string{
		3 * day: "3d", 14 * day: "2w", 36 * time.Hour: "1d12h", 12 * time.Hour: "12h", 30 * time.Minute: "30m", 5 * time.Second: "5s",
	} {
		if got := FormatAge(d); got != want {
			t.Errorf("FormatAge(%v) = %q, want %q", d, got, want)
		}
	}
}
