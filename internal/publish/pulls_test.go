package publish

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/forge"
)

// closedPulls opens n pull requests from branches prefix000… through the
// API, as another bot (Renovate) does, and closes them.
func (e *env) closedPulls(prefix string, n int) {
	e.t.Helper()
	for i := range n {
		branch := fmt.Sprintf("%s%03d", prefix, i)
		e.fake.Seed(branch, map[string]string{"renovate.txt": branch + "\n"})
		pr, err := e.forge.CreatePullRequest(context.Background(), forge.Spec{
			Title: "Update " + branch, Body: "renovate", Head: branch, Base: "main"})
		if err != nil {
			e.t.Fatalf("open %s: %v", branch, err)
		}
		e.fake.Close(pr.Number)
	}
}

// pullListings counts the requests to GET /repos/{o}/{r}/pulls since the
// fake's from-th request: full listings and lookups by exact head.
func (e *env) pullListings(from int) (listings, byHead int) {
	for _, r := range e.fake.Requests()[from:] {
		if r.Method != http.MethodGet || r.Path != "/repos/octo/home-ops/pulls" {
			continue
		}
		if strings.Contains(r.Query, "head=") {
			byHead++
		} else {
			listings++
		}
	}
	return listings, byHead
}

// A repository with hundreds of closed pull requests of other bots costs a
// run one listing of the open ones, not every page of every pull request
// ever opened; each group about to be opened looks up its own closed ones.
func TestPublish_ClosedPullRequestsNotListed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha", "beta")
	e.closedPulls("renovate/dep-", 350)
	opts := Options{Dashboard: &DashboardOptions{Title: "bosun dashboard", Render: func(o []Outcome) string {
		return fmt.Sprintf("%d outcomes\n", len(o))
	}}}
	gs := groups(update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor), update("beta", "1.0.0", "1.0.1", chart.UpdatePatch))

	reqs := len(e.fake.Requests())
	assertSummary(t, e.publish(gs, nil, opts), "bosun/alpha created #351", "bosun/beta created #352")
	listings, byHead := e.pullListings(reqs)
	t.Logf("first run: %d listings, %d lookups by head", listings, byHead)
	if listings != 1 || byHead != len(gs) {
		t.Errorf("first run: %d listings and %d lookups by head of pull requests, want 1 and %d", listings, byHead, len(gs))
	}

	reqs = len(e.fake.Requests())
	assertSummary(t, e.publish(gs, nil, opts), "bosun/alpha unchanged #351", "bosun/beta unchanged #352")
	listings, byHead = e.pullListings(reqs)
	t.Logf("second run: %d listings, %d lookups by head", listings, byHead)
	if listings != 1 || byHead != 0 {
		t.Errorf("second run: %d listings and %d lookups by head of pull requests, want 1 and 0", listings, byHead)
	}
	if is := e.fake.Issues(); len(is) != 1 || !strings.Contains(is[0].Body, "2 outcomes") {
		t.Errorf("dashboard issues: %+v", is)
	}
}

// A merged pull request does not decline its update: when the same update
// is needed again (main reverted), it is proposed again.
func TestPublish_MergedProposedAgain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha")
	gs := groups(update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor))
	assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha created #1")
	e.fake.Merge(1)
	e.fake.Seed("main", map[string]string{filePath("alpha"): chartFile("alpha", "1.0.0")})
	assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha created #2")
	if got := e.fake.Files("bosun/alpha")[filePath("alpha")]; got != chartFile("alpha", "1.1.0") {
		t.Errorf("branch not rebuilt:\n%s", got)
	}
}

// With no open pull request, the dashboard is still the issue bosun's
// account opened, not a newer one a person opened quoting its marker: the
// closed pull requests say who bosun is, read only as far as bosun's newest.
func TestPublish_DashboardFoundWithoutOpenPullRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a", "b")
	e.closedPulls("renovate/dep-", 150)
	render := func(o []Outcome) string {
		var b strings.Builder
		for _, x := range o {
			fmt.Fprintf(&b, "%s %s\n", x.Branch, x.Action)
		}
		return b.String()
	}
	opts := Options{Dashboard: &DashboardOptions{Title: "bosun dashboard", Render: render}}
	assertSummary(t, e.publish(groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor)), nil, opts), "bosun/a created #151")
	e.fake.Merge(151)
	dash := e.fake.Issues()[0].Number

	// b waits for approval: a tick on the dashboard would open it.
	ub := update("b", "1.0.0", "1.1.0", chart.UpdateMinor)
	ub.DashboardApproval = true
	gs := groups(ub)
	reqs := len(e.fake.Requests())
	assertSummary(t, e.publish(gs, nil, opts), "bosun/b approval")
	listings, _ := e.pullListings(reqs)
	if listings > 2 {
		t.Errorf("%d listings of pull requests, want the open ones and one page of closed ones", listings)
	}
	if is := e.fake.Issues(); len(is) != 1 || is[0].Number != dash || is[0].Body != dashboardBody("bosun/b approval\n") {
		t.Fatalf("dashboard issues: %+v", is)
	}

	quote := "my dashboard looks like this:\n\n" + strings.Replace(BranchBox("bosun/b", "b"), "[ ]", "[x]", 1) + "\n" + dashboardMark + "\n"
	alice := e.fake.OpenIssue("alice", "bosun ticks do nothing", quote)
	assertSummary(t, e.publish(gs, nil, opts), "bosun/b approval")
	for _, is := range e.fake.Issues() {
		switch is.Number {
		case alice:
			if is.Body != quote {
				t.Errorf("alice's issue was written:\n%s", is.Body)
			}
		case dash:
			if is.Body != dashboardBody("bosun/b approval\n") {
				t.Errorf("dashboard body:\n%s", is.Body)
			}
		}
	}
	if n := len(e.fake.Issues()); n != 2 {
		t.Errorf("%d issues, want the dashboard and alice's", n)
	}
}
