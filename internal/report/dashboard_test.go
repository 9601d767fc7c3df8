package report

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/publish"
)

func TestDashboardMarkdown(t *testing.T) {
	t.Parallel()
	outcomes := []publish.Outcome{
		{Branch: "bosun/a", Title: "update a", Action: publish.ActionLimited, Detail: "limit reached"},
		{Branch: "bosun/b", Title: "update b", Action: publish.ActionApproval},
		{Branch: "bosun/c", Title: "update c", Action: publish.ActionUnchanged, Number: 3, URL: "u/3", Automerge: "automerge waits: no checks reported yet"},
		{Branch: "bosun/d", Title: "update d", Action: publish.ActionForeign, Number: 4, URL: "u/4", Detail: "commit abc by @alice"},
		{Branch: "bosun/e", Title: "update e", Action: publish.ActionUpdated, Number: 5, URL: "u/5", Detail: "labels restored"},
	}
	md := DashboardMarkdown(outcomes, &pipeline.Result{Skipped: []pipeline.Skipped{{Ref: chart.Ref{Kind: "HelmRelease", Name: "x", Namespaces: []string{"ns"}}, Reason: "unversioned"}}})
	for _, want := range []string{
		"## Pending approval", "- [ ] <!-- bosun-branch=bosun/b -->update b",
		"## Limited by maxOpen / maxNewPerRun", "- [ ] <!-- bosun-branch=bosun/a -->update a",
		"- [#3](u/3) update c `bosun/c`: automerge waits: no checks reported yet",
		"## Needing a person", "@\u200dalice",
		"## Skipped references", "HelmRelease ns/x",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("dashboard lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "labels restored") || strings.Contains(md, "Waiting for the schedule") {
		t.Errorf("dashboard shows a run event or an empty section:\n%s", md)
	}
	c := CountDashboard(outcomes, nil)
	if c.Approval != 1 || c.Limited != 1 || c.Open != 2 || c.NeedPerson != 1 {
		t.Errorf("counts %+v", c)
	}
}

func TestDashboardMarkdown_Trimmed(t *testing.T) {
	t.Parallel()
	var outcomes []publish.Outcome
	for i := range 3000 {
		outcomes = append(outcomes, publish.Outcome{Branch: fmt.Sprintf("bosun/chart-%04d", i), Title: strings.Repeat("t", 20), Action: publish.ActionLimited})
	}
	md := DashboardMarkdown(outcomes, nil)
	if len(md) > MaxDashboard {
		t.Errorf("dashboard is %d characters, over %d", len(md), MaxDashboard)
	}
	if !strings.Contains(md, "more not shown") || !strings.Contains(md, "bosun-branch=bosun/chart-0000 ") {
		t.Errorf("trimmed dashboard lacks its note or its first items")
	}
}

// TestDashboardMarkdown_RedactsFailedSource: the dashboard issue is public
// to everyone who reads the repository, so a failed lookup names its source
// redacted, never with the credentials the URL carries.
func TestDashboardMarkdown_RedactsFailedSource(t *testing.T) {
	t.Parallel()
	src := chart.Source{Kind: chart.SourceHelm, URL: "http://alice:s3cret@host/charts?token=abc"}
	p := &pipeline.Result{Failed: []pipeline.Failed{{Source: src, Chart: "app",
		Err: &datasource.Error{Source: src, Chart: "app", Err: errors.New("503 Service Unavailable")}}}}
	md := DashboardMarkdown(nil, p)
	if !strings.Contains(md, "## Failed lookups") || !strings.Contains(md, "host/charts") {
		t.Fatalf("dashboard lacks the failed lookup:\n%s", md)
	}
	for _, secret := range []string{"s3cret", "abc", "alice"} {
		if strings.Contains(md, secret) {
			t.Errorf("dashboard leaks %q:\n%s", secret, md)
		}
	}
}
