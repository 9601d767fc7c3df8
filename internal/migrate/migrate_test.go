package migrate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
	"github.com/bosunhq/bosun/internal/testutil/golden"
)

func items(list []Item) []byte {
	var b strings.Builder
	for _, it := range list {
		b.WriteString(it.String() + "\n")
	}
	return []byte(b.String())
}

// TestConvert_Corpus migrates the Renovate configs of two real home-ops
// repositories; bosun's own loader must accept the result.
func TestConvert_Corpus(t *testing.T) {
	t.Parallel()
	corpus.EachRepo(t, corpus.HomeOps, func(t *testing.T, name, dir string) {
		file, err := Find(dir)
		if err != nil {
			t.Fatal(err)
		}
		files, notes, err := Load(dir, file)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Convert(files, Options{})
		if err != nil {
			t.Fatal(err)
		}
		res.Notes = append(notes, res.Notes...)
		if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
			t.Errorf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
		}
		golden.Assert(t, filepath.Join("testdata", name, "bosun.yaml"), res.Config)
		golden.Assert(t, filepath.Join("testdata", name, "unmapped.txt"), items(res.Unmapped))
		golden.Assert(t, filepath.Join("testdata", name, "notes.txt"), items(res.Notes))
		golden.Assert(t, filepath.Join("testdata", name, "kept.txt"), items(res.Kept))
	})
}

// TestConvert_EveryKey maps each Renovate key the migration knows, from a
// config that extends a local preset.
func TestConvert_EveryKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "every-key")
	file, err := Find(dir)
	if err != nil || file != ".github/renovate.json5" {
		t.Fatalf("Find = %q, %v", file, err)
	}
	files, notes, err := Load(dir, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "presets/charts.json5" {
		t.Fatalf("Load: want the preset first, got %+v", files)
	}
	res, err := Convert(files, Options{Scanned: true, OCICharts: []string{"ghcr.io/x/charts/b", "ghcr.io/x/charts/a", "ghcr.io/x/charts/a"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Notes = append(notes, res.Notes...)
	if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
		t.Errorf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
	}
	var report strings.Builder
	if err := res.WriteReport(&report, ""); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "every-key.golden"), append(append(res.Config, '\n'), report.String()...))
}

// TestConvert_Lifecycle maps automerge, schedule, timezone, dashboard,
// approval, reviewers and rebase settings; a team reviewer needs the
// organisation, a schedule entry without an exact cron equivalent leaves
// that schedule out.
func TestConvert_Lifecycle(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "lifecycle")
	files, notes, err := Load(dir, "renovate.json5")
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 0 {
		t.Errorf("the :timezone preset is mapped, not noted: %v", notes)
	}
	for _, org := range []string{"", "acme"} {
		res, err := Convert(files, Options{Org: org})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := config.Parse("bosun.yaml", res.Config)
		if err != nil {
			t.Fatalf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
		}
		if cfg.Timezone != "Europe/Berlin" || cfg.PullRequests.RebaseWhen != config.RebaseBehindBase ||
			cfg.Dashboard.Enabled == nil || *cfg.Dashboard.Enabled || cfg.Dashboard.Title != "Renovate Dashboard" {
			t.Errorf("top level: timezone %q, rebaseWhen %q, dashboard %+v", cfg.Timezone, cfg.PullRequests.RebaseWhen, cfg.Dashboard)
		}
		if r := cfg.Rules[0]; r.Schedule == nil || len(r.Schedule) != 0 {
			t.Errorf("\"at any time\" = an empty schedule that overrides the default one, got %#v", r.Schedule)
		}
		var report strings.Builder
		if err := res.WriteReport(&report, ""); err != nil {
			t.Fatal(err)
		}
		name := "lifecycle.golden"
		if org != "" {
			name = "lifecycle-org.golden"
		}
		golden.Assert(t, filepath.Join("testdata", name), append(append(res.Config, '\n'), report.String()...))
	}
}

// TestScheduleEntry: cron passes when bosun reads it as Renovate does;
// later.js text becomes cron only where the window is exactly whole hours.
func TestScheduleEntry(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"* 22-23,0-5 * * *":           "* 22-23,0-5 * * *",
		"*  0-3 *   * 1":              "* 0-3 * * 1",
		"* * ? * 0,6":                 "* * ? * 0,6",
		"before 4am":                  "* 0-3 * * *",
		"before 1am":                  "* 0 * * *",
		"after 10pm":                  "* 22-23 * * *",
		"after 11pm":                  "* 23 * * *",
		"before 12pm":                 "* 0-11 * * *",
		"after 12pm":                  "* 12-23 * * *",
		"Before 6am on Monday":        "* 0-5 * * 1",
		"before 5:00am every weekday": "* 0-4 * * 1-5",
		"every weekend":               "* * * * 0,6",
		"on sunday":                   "* * * * 0",
		"at any time":                 "",
		// refused: not exact, or read differently
		"0 3 * * *":                 "!",
		"* * 1-7 * 1":               "!",
		"* * * * 7":                 "!",
		"* * L * *":                 "!",
		"before 12am":               "!",
		"after 12am":                "!",
		"before 13pm":               "!",
		"after 10:30pm":             "!",
		"after 10pm and before 5am": "!",
		"before 3am on the first day of the month": "!",
		"on mondays":  "!",
		"every month": "!",
		"":            "!",
	} {
		cron, anyTime, reason := scheduleEntry(in)
		got := cron
		if reason != "" {
			got = "!"
		}
		if anyTime != (in == "at any time") || got != want {
			t.Errorf("scheduleEntry(%q) = %q, %v, %q; want %q", in, cron, anyTime, reason, want)
		}
	}
}

// TestConvert_PlatformAutomerge: Renovate's platformAutomerge (on unless
// false) becomes defaults.automergeType only when a migrated rule
// automerges; an explicit value is written as it is.
func TestConvert_PlatformAutomerge(t *testing.T) {
	t.Parallel()
	for src, want := range map[string]string{
		`{packageRules: [{matchDatasources: ["helm"], automerge: true}]}`:                                                     `automergeType: "platform"`,
		`{platformAutomerge: false, packageRules: [{matchDatasources: ["helm"], automerge: true}]}`:                           `automergeType: "pr"`,
		`{packageRules: [{matchDatasources: ["helm"], automerge: true, matchCurrentVersion: "1.0"}]}`:                         ``,
		`{packageRules: [{matchManagers: ["github-actions"], automerge: true}, {matchDatasources: ["helm"], labels: ["x"]}]}`: ``,
	} {
		res := convertSrc(t, src)
		if got := strings.Contains(string(res.Config), "automergeType"); got != (want != "") || !strings.Contains(string(res.Config), want) {
			t.Errorf("%s:\n%s\nwant %q", src, res.Config, want)
		}
	}
}

// TestConvert_PeopleAsConfigTakesThem: migrate keeps exactly the reviewers
// and assignees bosun.yaml accepts (config owns the rule): a bot may be
// assigned, not asked to review.
func TestConvert_PeopleAsConfigTakesThem(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	src := `{reviewers: ["octocat", "renovate-approve[bot]", "team:sre"], assignees: ["renovate-approve[bot]", "-bad-"]}`
	if err := os.WriteFile(filepath.Join(dir, "renovate.json5"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _, err := Load(dir, "renovate.json5")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Convert(files, Options{Org: "acme"})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Parse("bosun.yaml", res.Config)
	if err != nil {
		t.Fatalf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
	}
	pr := cfg.Defaults
	if !slices.Equal(pr.Reviewers, []string{"octocat", "acme/sre"}) || !slices.Equal(pr.Assignees, []string{"renovate-approve[bot]"}) {
		t.Errorf("reviewers %q, assignees %q; want [octocat acme/sre] and [renovate-approve[bot]]", pr.Reviewers, pr.Assignees)
	}
	var report strings.Builder
	if err := res.WriteReport(&report, ""); err != nil {
		t.Fatal(err)
	}
	for _, missed := range []string{`"renovate-approve[bot]" is not a GitHub login`, `"-bad-" is not a GitHub login`} {
		if !strings.Contains(report.String(), missed) {
			t.Errorf("report does not say %s:\n%s", missed, report.String())
		}
	}
}

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
