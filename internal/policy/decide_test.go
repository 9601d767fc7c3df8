package policy

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/golden"

	"github.com/bosunhq/bosun/internal/chart"
)

const day = 24 * time.Hour

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

// rel builds a release; opts: "age=3d", "nodate", "deprecated", "notchart"
// (only known once described), "digest=sha256:…", "tag=…", "listed" (the
// listing already has details: Described).
func rel(version string, opts ...string) chart.Release {
	r := chart.Release{Version: version, Created: now.Add(-30 * day), Described: true}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "age":
			d, err := parseAge(v)
			if err != nil {
				panic(err)
			}
			r.Created = now.Add(-d)
		case "nodate":
			r.Created = time.Time{}
		case "deprecated":
			r.Deprecated = true
		case "notchart":
			r.NotChart = true
		case "digest":
			r.Digest = v
		case "tag":
			r.Tag = v
		case "undescribed":
			r.Described = false
		default:
			panic("unknown option " + o)
		}
	}
	return r
}

func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		var x int
		_, err := fmt.Sscan(n, &x)
		return time.Duration(x) * day, err
	}
	return time.ParseDuration(s)
}

// oci turns releases into an OCI listing: undescribed, no details, tag set.
func oci(rs ...chart.Release) (listing []chart.Release, described map[string]chart.Release) {
	described = map[string]chart.Release{}
	for _, r := range rs {
		if r.Tag == "" {
			r.Tag = strings.ReplaceAll(r.Version, "+", "_")
		}
		r.Described = true
		described[r.Version] = r
		listing = append(listing, chart.Release{Version: r.Version, Tag: r.Tag})
	}
	return listing, described
}

func helmRef(version string, namespaces ...string) chart.Ref {
	return chart.Ref{
		Kind: "HelmRelease", Name: "podinfo", Namespaces: namespaces, Chart: "podinfo",
		Source: chart.Source{Kind: chart.SourceHelm, URL: "https://stefanprodan.github.io/podinfo"},
		Field:  chart.FieldVersion, Version: version,
		Loc: chart.Location{File: "kubernetes/apps/default/podinfo/helmrelease.yaml", Line: 12},
	}
}

func ociRef(tag, digest string, namespaces ...string) chart.Ref {
	r := chart.Ref{
		Kind: "OCIRepository", Name: "app-template", Namespaces: namespaces, Chart: "app-template",
		Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"},
		Field:  chart.FieldTag, Version: tag, Digest: digest,
		Loc: chart.Location{File: "kubernetes/apps/media/plex/app/ocirepository.yaml", Line: 9},
	}
	if digest != "" {
		r.DigestLoc = &chart.Location{File: r.Loc.File, Line: 10}
	}
	return r
}

func withField(r chart.Ref, f chart.Field, skip chart.SkipReason) chart.Ref {
	r.Field, r.Skip = f, skip
	return r
}

func dur(d time.Duration) *time.Duration { return &d }

type decideCase struct {
	name     string
	opts     Options
	ref      chart.Ref
	releases []chart.Release
	// described is what the describer returns per version; nil = no describer.
	described map[string]chart.Release
	failOn    string // version whose description fails
}

func decideCases() []decideCase {
	kubePatch := Rule{Name: "infra", Match: Match{Namespaces: []string{"kube-system", "flux-system"}}, Settings: Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch, chart.UpdateDigest}}}
	std := []chart.Release{rel("1.2.3"), rel("1.2.4"), rel("1.3.0"), rel("2.0.0")}
	pinnedOCI, pinnedDesc := oci(rel("1.2.3", "digest=sha256:bbbbbbbbbbbbbbbbbbbbbbbb"))
	pinnedOCI2, pinnedDesc2 := oci(rel("1.2.3", "digest=sha256:bbbbbbbbbbbbbbbbbbbbbbbb"), rel("1.3.0", "digest=sha256:cccccccccccccccccccccccc", "age=2d"))
	vOCI, vDesc := oci(rel("v1.2.3"), rel("v1.3.0"))
	plainOCI, plainDesc := oci(rel("1.2.3"), rel("1.3.0"))
	buildOCI, buildDesc := oci(rel("1.2.3"), rel("1.3.0+build.2"))
	notChartOCI, notChartDesc := oci(rel("1.2.3"), rel("1.2.4"), rel("1.3.0", "notchart"))
	youngOCI, youngDesc := oci(rel("1.2.3"), rel("1.3.0", "age=1d"))
	underscoreOCI, underscoreDesc := oci(rel("1.2.3+build.1", "tag=1.2.3_build.1"), rel("1.2.4+build.1", "tag=1.2.4_build.1"))
	return []decideCase{
		{name: "OCI tag written with _ for + (Helm layer)", ref: ociRef("1.2.3_build.1", "", "default"), releases: underscoreOCI, described: underscoreDesc},
		{name: "patch only for kube-system", opts: Options{Rules: []Rule{kubePatch}}, ref: helmRef("1.2.3", "kube-system"), releases: std},
		{name: "same rules, other namespace takes the major", opts: Options{Rules: []Rule{kubePatch}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "unresolved namespace never matches a namespaces rule", opts: Options{Rules: []Rule{kubePatch}}, ref: helmRef("1.2.3"), releases: std},
		{name: "ignore", opts: Options{Rules: []Rule{{Match: Match{Charts: []string{"pod*"}}, Settings: Settings{Ignore: ptr(true)}}}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "pin", opts: Options{Rules: []Rule{{Name: "hold podinfo", Match: Match{Charts: []string{"podinfo"}}, Settings: Settings{Pin: ptr(true)}}}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "allowedVersions", opts: Options{Rules: []Rule{{Match: Match{Charts: []string{"podinfo"}}, Settings: Settings{AllowedVersions: []string{"<2.0.0"}}}}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "prerelease not allowed by default", ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.2.4"), rel("1.3.0-rc.1")}},
		{name: "prerelease allowed when current is one", ref: helmRef("2.0.0-rc.1", "default"), releases: []chart.Release{rel("1.9.0"), rel("2.0.0-rc.1"), rel("2.0.0-rc.2")}},
		{name: "prerelease opt-in for dev-*", opts: Options{Rules: []Rule{{Match: Match{Namespaces: []string{"dev-*"}}, Settings: Settings{Prerelease: ptr(true)}}}}, ref: helmRef("1.2.3", "dev-alice"), releases: []chart.Release{rel("1.2.3"), rel("1.2.4"), rel("1.3.0-rc.1")}},
		{name: "prerelease opt-out while on a prerelease", opts: Options{Defaults: Settings{Prerelease: ptr(false)}}, ref: helmRef("2.0.0-rc.1", "default"), releases: []chart.Release{rel("2.0.0-rc.1"), rel("2.0.0-rc.2"), rel("2.0.0")}},
		{name: "minimumReleaseAge falls back to an older release", opts: Options{Defaults: Settings{MinimumReleaseAge: dur(3 * day)}}, ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.2.5", "age=5d"), rel("1.3.0", "age=1d")}},
		{name: "minimumReleaseAge holds everything", opts: Options{Defaults: Settings{MinimumReleaseAge: dur(3 * day)}}, ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.2.5", "age=2d"), rel("3.0.0", "age=1d")}},
		{name: "minimumReleaseAge without date holds by default", opts: Options{Defaults: Settings{MinimumReleaseAge: dur(3 * day)}}, ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.3.0", "nodate")}},
		{name: "minimumReleaseAge without date allowed", opts: Options{Defaults: Settings{MinimumReleaseAge: dur(3 * day), ReleaseAgeUnknown: AgeUnknownAllow}}, ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.3.0", "nodate")}},
		{name: "minimumReleaseAge on a described OCI candidate", opts: Options{Defaults: Settings{MinimumReleaseAge: dur(3 * day)}}, ref: ociRef("1.2.3", "", "media"), releases: youngOCI, described: youngDesc},
		{name: "deprecated newest is never chosen", ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.3.0"), rel("2.0.0", "deprecated")}},
		{name: "deprecated chart and nothing else", ref: helmRef("1.3.0", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.3.0"), rel("2.0.0", "deprecated")}},
		{name: "digest update of a re-pushed tag", ref: ociRef("1.2.3", "sha256:aaaaaaaaaaaaaaaaaaaaaaaa", "media"), releases: pinnedOCI, described: pinnedDesc},
		{name: "digest unchanged", ref: ociRef("1.2.3", "sha256:bbbbbbbbbbbbbbbbbbbbbbbb", "media"), releases: pinnedOCI, described: pinnedDesc},
		{name: "digest update not allowed", opts: Options{Defaults: Settings{UpdateTypes: []chart.UpdateType{chart.UpdateMajor, chart.UpdateMinor, chart.UpdatePatch}}}, ref: ociRef("1.2.3", "sha256:aaaaaaaaaaaaaaaaaaaaaaaa", "media"), releases: pinnedOCI, described: pinnedDesc},
		{name: "version update of a tag+digest ref carries the digest", ref: ociRef("1.2.3", "sha256:bbbbbbbbbbbbbbbbbbbbbbbb", "media"), releases: pinnedOCI2, described: pinnedDesc2},
		{name: "v prefix kept as published", ref: ociRef("v1.2.3", "", "media"), releases: vOCI, described: vDesc},
		{name: "v prefix written, registry has none: write the registry tag", ref: ociRef("v1.2.3", "", "media"), releases: plainOCI, described: plainDesc},
		{name: "build metadata: tag with underscore", ref: ociRef("1.2.3", "", "media"), releases: buildOCI, described: buildDesc},
		{name: "build metadata: version field keeps plus", ref: withField(ociRef("1.2.3", "", "media"), chart.FieldVersion, ""), releases: buildOCI, described: buildDesc},
		{name: "range in range", ref: withField(helmRef("1.x", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.2.3"), rel("1.5.0"), rel("1.6.0-rc.1")}},
		{name: "range out of range, keep", ref: withField(helmRef("1.x", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.2.3"), rel("1.5.0"), rel("2.0.0")}},
		{name: "range widen upper bound", opts: Options{Defaults: Settings{RangeStrategy: RangeWiden}}, ref: withField(helmRef(">=1.0.0 <2.0.0", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.5.0"), rel("2.1.0")}},
		{name: "range widen x-range", opts: Options{Defaults: Settings{RangeStrategy: RangeWiden}}, ref: withField(helmRef("1.x", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.5.0"), rel("2.1.0")}},
		{name: "range replace caret", opts: Options{Defaults: Settings{RangeStrategy: RangeReplace}}, ref: withField(helmRef("^1.2.0", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.5.0"), rel("2.1.0")}},
		{name: "range replace x-range on an OCIRepository semver", opts: Options{Defaults: Settings{RangeStrategy: RangeReplace}}, ref: withField(ociRef("1.x", "", "media"), chart.FieldSemver, ""), releases: []chart.Release{rel("1.5.0", "tag=1.5.0"), rel("2.1.0", "tag=2.1.0")}},
		{name: "range replace respects updateTypes", opts: Options{Defaults: Settings{RangeStrategy: RangeReplace, UpdateTypes: []chart.UpdateType{chart.UpdateMinor, chart.UpdatePatch}}}, ref: withField(helmRef("~1.2.0", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.2.5"), rel("1.3.0"), rel("2.0.0")}},
		{name: "range nothing satisfies", ref: withField(helmRef("^3.0.0", "default"), chart.FieldVersion, chart.SkipRange), releases: []chart.Release{rel("1.5.0"), rel("2.1.0")}},
		{name: "multi-namespace takes the most restrictive", opts: Options{Rules: []Rule{kubePatch, {Match: Match{Namespaces: []string{"default"}}, Settings: Settings{MinimumReleaseAge: dur(1 * day)}}}}, ref: helmRef("1.2.3", "default", "kube-system"), releases: std},
		{name: "multi-namespace agreeing policies say nothing", ref: helmRef("1.2.3", "default", "media"), releases: std},
		{name: "later rule overrides earlier", opts: Options{Defaults: Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch}}, Rules: []Rule{
			{Match: Match{Charts: []string{"*"}}, Settings: Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch}, Group: "all"}},
			{Match: Match{Charts: []string{"podinfo"}}, Settings: Settings{UpdateTypes: []chart.UpdateType{chart.UpdateMinor, chart.UpdatePatch}, Labels: []string{"podinfo"}}},
		}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "updateTypes in match: majors wait a week", opts: Options{Rules: []Rule{{Name: "majors wait", Match: Match{UpdateTypes: []chart.UpdateType{chart.UpdateMajor}}, Settings: Settings{MinimumReleaseAge: dur(7 * day)}}}}, ref: helmRef("1.2.3", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.3.0", "age=2d"), rel("2.0.0", "age=2d")}},
		{name: "updateTypes in match: ignore majors", opts: Options{Rules: []Rule{{Match: Match{UpdateTypes: []chart.UpdateType{chart.UpdateMajor}}, Settings: Settings{Ignore: ptr(true)}}}}, ref: helmRef("1.2.3", "default"), releases: std},
		{name: "NotChart candidates are skipped", ref: ociRef("1.2.3", "", "media"), releases: notChartOCI, described: notChartDesc},
		{name: "describer error fails the decision", ref: ociRef("1.2.3", "", "media"), releases: plainOCI, described: plainDesc, failOn: "1.3.0"},
		{name: "current not found in the source", ref: helmRef("1.2.0", "default"), releases: []chart.Release{rel("1.2.3"), rel("1.2.4")}},
		{name: "up to date", ref: helmRef("2.0.0", "default"), releases: std},
		{name: "skipped ref", ref: withField(helmRef("${PODINFO_VERSION}", "default"), chart.FieldVersion, chart.SkipVariable), releases: std},
		{name: "unparseable current version fails", ref: helmRef("latest", "default"), releases: std},
		{name: "group by namespace and labels", opts: Options{Defaults: Settings{Labels: []string{"helm"}}, Rules: []Rule{{Match: Match{Paths: []string{"kubernetes/apps/**"}}, Settings: Settings{GroupBy: GroupByNamespace, SeparateMajor: ptr(false)}}}}, ref: helmRef("1.2.3", "default"), releases: std},
	}
}

func TestRules_Decide(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	for _, tc := range decideCases() {
		rules, err := Compile(tc.opts)
		if err != nil {
			t.Fatalf("%s: Compile: %v", tc.name, err)
		}
		var calls []string
		var describe Describer
		if tc.described != nil {
			describe = func(_ context.Context, r chart.Release) (chart.Release, error) {
				calls = append(calls, r.Version)
				if r.Version == tc.failOn {
					return r, errors.New("manifest unknown")
				}
				d, ok := tc.described[r.Version]
				if !ok {
					return r, errors.New("unexpected describe of " + r.Version)
				}
				return d, nil
			}
		}
		d, err := rules.Decide(context.Background(), tc.ref, tc.releases, describe, now)
		if (err != nil) != (d.Status == StatusFailed) {
			t.Errorf("%s: err = %v with status %s: an error must come with status failed and only then", tc.name, err, d.Status)
		}
		fmt.Fprintf(&out, "== %s\n", tc.name)
		fmt.Fprintf(&out, "ref:      %s %s %s=%q digest=%q ns=%v\n", tc.ref.Kind, tc.ref.Chart, tc.ref.Field, tc.ref.Version, tc.ref.Digest, tc.ref.Namespaces)
		var vs []string
		for _, r := range tc.releases {
			vs = append(vs, r.Version)
		}
		fmt.Fprintf(&out, "releases: %s\n", strings.Join(vs, " "))
		fmt.Fprintf(&out, "status:   %s", d.Status)
		if d.Type != "" {
			fmt.Fprintf(&out, " type=%s", d.Type)
		}
		if d.NewValue != "" {
			fmt.Fprintf(&out, " new=%q", d.NewValue)
		}
		if d.NewDigest != "" {
			fmt.Fprintf(&out, " digest=%s", d.NewDigest)
		}
		if d.From != nil {
			fmt.Fprintf(&out, " from=%s", d.From.Version)
		}
		if d.To != nil {
			fmt.Fprintf(&out, " to=%s", d.To.Version)
		}
		fmt.Fprintf(&out, "\ngroup:    %q by=%q separateMajor=%v labels=%v\n", d.Group, d.GroupBy, d.SeparateMajor, d.Labels)
		fmt.Fprintf(&out, "reason:   %s\n", d.Reason)
		if d.Restrictive != "" {
			fmt.Fprintf(&out, "restrict: %s\n", d.Restrictive)
		}
		if calls != nil {
			fmt.Fprintf(&out, "describe: %s\n", strings.Join(calls, ", "))
		}
		if err != nil {
			fmt.Fprintf(&out, "error:    %v\n", err)
		}
		out.WriteString("\n")
	}
	golden.Assert(t, "testdata/decide.golden", []byte(out.String()))
}

// mustCompile is Compile(o) for options that must compile.
func mustCompile(t *testing.T, o Options) *Rules {
	t.Helper()
	r, err := Compile(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
