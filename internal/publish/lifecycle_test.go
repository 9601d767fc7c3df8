package publish

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
)

func TestForeignSince(t *testing.T) {
	t.Parallel()
	bosun := forge.Commit{SHA: "b1", Parents: []string{"m1"}, Message: "update\n\nBosun-Plan: abc\n"}
	amended := forge.Commit{SHA: "b2", Parents: []string{"m1"}, Message: bosun.Message, Author: "alice"}
	update := forge.Commit{SHA: "u1", Parents: []string{"b1", "m2"}, Author: "bob"}
	fromBranch := forge.Commit{SHA: "u2", Parents: []string{"b1", "x1"}, Author: "bob"}
	x1 := forge.Commit{SHA: "x1", Parents: []string{"m1"}, Author: "carol"}
	tests := []struct {
		name        string
		commits     []forge.Commit
		wantForeign bool
		wantMerged  bool
	}{
		{"bosun's commit", []forge.Commit{bosun}, false, false},
		{"amended, trailer kept", []forge.Commit{amended}, true, false},
		{"Update branch merge", []forge.Commit{bosun, update}, false, true},
		{"two Update branch merges", []forge.Commit{bosun, update, {SHA: "u3", Parents: []string{"u1", "m3"}}}, false, true},
		{"merge of another branch", []forge.Commit{bosun, x1, fromBranch}, true, false},
		{"commit on top", []forge.Commit{bosun, {SHA: "c1", Parents: []string{"b1"}}}, true, false},
	}
	for _, tt := range tests {
		foreign, merged := foreignSince(tt.commits, "b1")
		if (foreign != "") != tt.wantForeign || merged != tt.wantMerged {
			t.Errorf("%s: foreign %q merged %v, want foreign %v merged %v", tt.name, foreign, merged, tt.wantForeign, tt.wantMerged)
		}
	}
}

func TestNotGreen(t *testing.T) {
	t.Parallel()
	run := func(status, concl string) forge.CheckRun {
		return forge.CheckRun{Name: "ci", Status: status, Conclusion: concl}
	}
	tests := []struct {
		c     forge.Checks
		green bool
	}{
		{forge.Checks{State: "pending"}, false}, // nothing reported yet
		{forge.Checks{State: "success", Statuses: 1}, true},
		{forge.Checks{State: "pending", Runs: []forge.CheckRun{run("completed", "success"), run("completed", "skipped")}}, true},
		{forge.Checks{State: "pending", Runs: []forge.CheckRun{run("completed", "neutral")}}, true},
		{forge.Checks{State: "failure", Statuses: 1, Runs: []forge.CheckRun{run("completed", "success")}}, false},
		{forge.Checks{State: "pending", Statuses: 1, Runs: []forge.CheckRun{run("completed", "success")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("completed", "failure")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("completed", "cancelled")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("in_progress", "")}}, false},
	}
	for i, tt := range tests {
		if why := notGreen(tt.c); (why == "") != tt.green {
			t.Errorf("%d: %+v: notGreen = %q, want green %v", i, tt.c, why, tt.green)
		}
	}
}

func TestRebaseTicked(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		"x\n- [ ] <!-- bosun-rebase -->tick\n":       false,
		"x\n- [x] <!-- bosun-rebase -->tick\n":       true,
		"x\n- [X] <!-- bosun-rebase -->tick\n":       true,
		"quoted: `- [x] <!-- bosun-rebase -->` here": false,
	} {
		if got := rebaseTicked(body); got != want {
			t.Errorf("rebaseTicked(%q) = %v, want %v", body, got, want)
		}
	}
}

// The dashboard is one issue, found again by its marker; a run that cannot
// read it writes none (it could be a duplicate); a run with nothing to do
// opens none.
func TestPublish_Dashboard(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a")
	render := func(o []Outcome) string { return fmt.Sprintf("%d outcomes\n", len(o)) }
	opts := Options{Dashboard: &DashboardOptions{Title: "bosun dashboard", Render: render}}
	e.publish(nil, nil, opts)
	if n := len(e.fake.Issues()); n != 0 || e.fake.Writes() != 0 {
		t.Errorf("nothing to do: %d issues, %d writes", n, e.fake.Writes())
	}
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))
	e.publish(gs, nil, opts)
	e.fake.Inject(forgetest.Fault{Method: http.MethodGet, Path: "issues", Status: http.StatusBadGateway, Times: 20})
	out := e.publish(gs, nil, opts)
	assertSummary(t, out, "bosun/a unchanged #1")
	e.fake.Inject(forgetest.Fault{Method: http.MethodGet, Path: "issues", Status: http.StatusOK, Body: "[]", Times: 0})
	// The listing answers without it for one creator: looked for among all.
	writes := e.fake.Writes()
	e.publish(gs, nil, opts)
	is := e.fake.Issues()
	if len(is) != 1 || is[0].Title != "bosun dashboard" || !strings.Contains(is[0].Body, "1 outcomes") {
		t.Fatalf("dashboard issues: %+v", is)
	}
	if e.fake.Writes() != writes {
		t.Errorf("dashboard rewritten with nothing new: %d writes", e.fake.Writes()-writes)
	}
}

// A token that may not write issues keeps maintaining pull requests: the
// dashboard is skipped with a warning saying what to grant.
func TestPublish_DashboardForbidden(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a")
	e.fake.Inject(forgetest.Fault{Method: http.MethodPost, Path: "issues", Status: http.StatusForbidden,
		Body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue","status":"403"}`})
	var logs bytes.Buffer
	opts := Options{Dashboard: &DashboardOptions{Title: "bosun dashboard", Render: func([]Outcome) string { return "x\n" }},
		Logger: slog.New(slog.NewTextHandler(&logs, nil))}
	out := e.publish(groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor)), nil, opts)
	assertSummary(t, out, "bosun/a created #1")
	if !strings.Contains(logs.String(), "issues: write") || len(e.fake.Issues()) != 0 {
		t.Errorf("no warning naming issues: write, or a dashboard anyway:\n%s", logs.String())
	}
}
