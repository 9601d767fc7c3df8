package policy

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
)

func bucketRef(ns ...string) chart.Ref {
	return chart.Ref{Chart: "app", Version: "1.2.3", Field: chart.FieldVersion, Namespaces: ns,
		Source: chart.Source{URL: "https://charts.example.com"}}
}

// summary prints "bucket type version" per decision.
func summary(ds []Decision) string {
	var b []string
	for _, d := range ds {
		to := "-"
		if d.To != nil {
			to = d.To.Version
		}
		b = append(b, d.Bucket+" "+string(d.Type)+" "+to+" "+string(d.Status))
	}
	return strings.Join(b, "; ")
}

func TestDecideBuckets(t *testing.T) {
	t.Parallel()
	releases := []chart.Release{
		rel("1.2.3"), rel("1.2.4"), rel("1.3.0"), rel("1.3.1"),
		rel("2.0.0"), rel("2.1.0"), rel("3.0.0"), rel("3.0.1-rc.1"),
	}
	yes, no := true, false
	cases := []struct {
		name string
		s    Settings
		want string
	}{
		{"default: non-major and major", Settings{},
			"major major 3.0.0 update; non-major minor 1.3.1 update"},
		{"separateMajor off: newest only", Settings{SeparateMajor: &no},
			" major 3.0.0 update"},
		{"minor and patch", Settings{SeparateMinorPatch: &yes},
			"major major 3.0.0 update; minor minor 1.3.1 update; patch patch 1.2.4 update"},
		{"one per major", Settings{SeparateMultipleMajor: &yes},
			"v3 major 3.0.0 update; v2 major 2.1.0 update; non-major minor 1.3.1 update"},
		{"majors not allowed", Settings{UpdateTypes: []chart.UpdateType{chart.UpdateMinor, chart.UpdatePatch}},
			"non-major minor 1.3.1 update"},
		{"nothing allowed", Settings{UpdateTypes: []chart.UpdateType{}},
			"  - up-to-date"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustCompile(t, Options{Defaults: tc.s})
			ds, err := r.DecideBuckets(context.Background(), bucketRef(), releases, nil, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(ds); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// A held major does not hide the non-major update, and the non-major
// bucket's age rule is its own.
func TestDecideBuckets_PolicyPerBucket(t *testing.T) {
	t.Parallel()
	week := 7 * day
	r := mustCompile(t, Options{Rules: []Rule{{
		Match:    Match{UpdateTypes: []chart.UpdateType{chart.UpdateMajor}},
		Settings: Settings{MinimumReleaseAge: &week},
	}}})
	releases := []chart.Release{rel("1.2.3"), rel("1.4.0", "age=1d"), rel("2.0.0", "age=1d")}
	ds, err := r.DecideBuckets(context.Background(), bucketRef(), releases, nil, now)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := summary(ds), "non-major minor 1.4.0 update"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if !strings.Contains(ds[0].Reason, "2.0.0 held") {
		t.Errorf("reason does not say the major is held: %s", ds[0].Reason)
	}
}

func TestDecide_Lifecycle(t *testing.T) {
	t.Parallel()
	yes := true
	r := mustCompile(t, Options{
		Defaults: Settings{Lifecycle: Lifecycle{Reviewers: []string{"alice"}}},
		Rules: []Rule{
			{Match: Match{UpdateTypes: []chart.UpdateType{chart.UpdatePatch, chart.UpdateMinor}},
				Settings: Settings{Lifecycle: Lifecycle{Automerge: &yes}}},
			{Match: Match{UpdateTypes: []chart.UpdateType{chart.UpdateMajor}},
				Settings: Settings{Lifecycle: Lifecycle{DashboardApproval: &yes, Assignees: []string{"bob"}}}},
		},
	})
	ds, err := r.DecideBuckets(context.Background(), bucketRef(), []chart.Release{rel("1.2.3"), rel("1.2.9"), rel("2.0.0")}, nil, now)
	if err != nil || len(ds) != 2 {
		t.Fatalf("DecideBuckets = %s, %v", summary(ds), err)
	}
	major, patch := ds[0], ds[1]
	if major.Automerge || !major.DashboardApproval || strings.Join(major.Assignees, ",") != "bob" {
		t.Errorf("major lifecycle = automerge %v, approval %v, assignees %v", major.Automerge, major.DashboardApproval, major.Assignees)
	}
	if !patch.Automerge || patch.AutomergeStrategy != MergeSquash || patch.AutomergeType != AutomergePR || patch.DashboardApproval {
		t.Errorf("patch lifecycle = automerge %v %q %q, approval %v", patch.Automerge, patch.AutomergeStrategy, patch.AutomergeType, patch.DashboardApproval)
	}
	if strings.Join(patch.Reviewers, ",") != "alice" {
		t.Errorf("reviewers = %v", patch.Reviewers)
	}
}

// Automerge in a multi-namespace reference needs every namespace to agree.
func TestDecide_AutomergeRestrictive(t *testing.T) {
	t.Parallel()
	yes := true
	r := mustCompile(t, Options{Rules: []Rule{{Match: Match{Namespaces: []string{"media"}}, Settings: Settings{Lifecycle: Lifecycle{Automerge: &yes}}}}})
	rels := []chart.Release{rel("1.2.3"), rel("1.2.4")}
	one, _ := r.DecideBuckets(context.Background(), bucketRef("media"), rels, nil, now)
	two, _ := r.DecideBuckets(context.Background(), bucketRef("media", "kube-system"), rels, nil, now)
	if !one[0].Automerge || two[0].Automerge {
		t.Errorf("automerge: media only %v, media+kube-system %v (want true, false)", one[0].Automerge, two[0].Automerge)
	}
	if !strings.Contains(two[0].Restrictive, "automerge from namespace kube-system") {
		t.Errorf("restrictive note = %q", two[0].Restrictive)
	}
}

func TestDecide_Schedule(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	r := mustCompile(t, Options{
		Timezone: berlin,
		Defaults: Settings{Lifecycle: Lifecycle{Schedule: []string{"* 22-23,0-5 * * *"}}},
	})
	rels := []chart.Release{rel("1.2.3"), rel("1.2.4")}
	for _, tc := range []struct {
		utc     time.Time
		waiting bool
	}{
		{time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), true},   // 14:00 in Berlin
		{time.Date(2026, 6, 1, 20, 30, 0, 0, time.UTC), false}, // 22:30 in Berlin
		{time.Date(2026, 6, 1, 3, 59, 0, 0, time.UTC), false},  // 05:59 in Berlin
		{time.Date(2026, 6, 1, 4, 0, 0, 0, time.UTC), true},    // 06:00 in Berlin
	} {
		ds, err := r.DecideBuckets(context.Background(), bucketRef(), rels, nil, tc.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := ds[0].OutsideSchedule != ""; got != tc.waiting {
			t.Errorf("%s: waiting = %v (%q), want %v", tc.utc, got, ds[0].OutsideSchedule, tc.waiting)
		}
	}
}

func TestCompile_LifecycleErrors(t *testing.T) {
	t.Parallel()
	_, err := Compile(Options{Defaults: Settings{Lifecycle: Lifecycle{
		Schedule: []string{"before 6am", "0 22 * * *"}, AutomergeStrategy: "fast", AutomergeType: "bot",
	}}})
	if err == nil {
		t.Fatal("Compile accepted an invalid lifecycle")
	}
	for _, want := range []string{`schedule "before 6am"`, `schedule "0 22 * * *": the minutes field must be *`, `automergeStrategy: unknown value "fast"`, `automergeType: unknown value "bot"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}
