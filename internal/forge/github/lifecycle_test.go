package github

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
)

// openPR pushes branch with one commit changing cert-manager on main and
// opens a pull request for it.
func openPR(t *testing.T, e *env, branch, content string) forge.PullRequest {
	t.Helper()
	mainSHA, err := e.c.BranchSHA(e.ctx, "main")
	if err != nil {
		t.Fatal(err)
	}
	mustCommit(t, e, mainSHA, branch, files("kubernetes/apps/cert-manager/hr.yaml", content), false)
	pr, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: "update", Head: branch, Base: "main"})
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// Mergeability is computed asynchronously: a null answer is re-read after
// a short pause, a bounded number of times.
func TestClient_PullRequestMergeable(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	pr := openPR(t, e, "bosun/a", "version: 1.1.0\n")
	e.f.Seed("main", map[string]string{"kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.1\n"})
	got, err := e.c.PullRequestMergeable(e.ctx, pr.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Mergeable == nil || *got.Mergeable || got.MergeableState != "dirty" {
		t.Errorf("mergeable %v %q, want false dirty", got.Mergeable, got.MergeableState)
	}
	if diff := cmp.Diff([]time.Duration{mergeableWaits[0]}, e.clock.Sleeps()); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	// A GitHub that never finishes computing: the client gives up.
	e.f.Inject(forgetest.Fault{Method: "GET", Path: "pulls/" + strconv.Itoa(pr.Number), Status: 200, Times: 100,
		Body: `{"number":` + strconv.Itoa(pr.Number) + `,"state":"open","mergeable":null,"mergeable_state":"unknown"}`})
	e.f.Seed("main", map[string]string{"README.md": "moved\n"})
	got, err = e.c.PullRequestMergeable(e.ctx, pr.Number)
	if err != nil || got.Mergeable != nil {
		t.Errorf("never computed: mergeable %v, err %v; want nil, nil", got.Mergeable, err)
	}
	if n := len(e.clock.Sleeps()); n != 1+len(mergeableWaits) {
		t.Errorf("%d waits in all, want %d", n, 1+len(mergeableWaits))
	}
}

func TestClient_ChecksAndMerge(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	pr := openPR(t, e, "bosun/a", "version: 1.1.0\n")
	c, err := e.c.Checks(e.ctx, pr.HeadSHA)
	if err != nil || c.State != "pending" || c.Statuses != 0 || len(c.Runs) != 0 {
		t.Errorf("no checks: %+v, %v", c, err)
	}
	e.f.SetStatus(pr.HeadSHA, "lint", "pending")
	e.f.SetStatus(pr.HeadSHA, "lint", "success")
	e.f.SetCheckRun(pr.HeadSHA, "ci", "completed", "neutral")
	c, err = e.c.Checks(e.ctx, pr.HeadSHA)
	want := forge.Checks{State: "success", Statuses: 1, Runs: []forge.CheckRun{{Name: "ci", Status: "completed", Conclusion: "neutral"}}}
	if diff := cmp.Diff(want, c); diff != "" || err != nil {
		t.Errorf("Checks() (-want +got), err %v:\n%s", err, diff)
	}

	e.f.Protect("main", false, "required")
	err = e.c.MergePullRequest(e.ctx, pr.Number, pr.HeadSHA, "squash", "update")
	if !errors.Is(err, forge.ErrNotAllowed) || !strings.Contains(err.Error(), `Required status check "required" is expected.`) {
		t.Errorf("merge without a required check: %v, want 405 with GitHub's message", err)
	}
	e.f.SetCheckRun(pr.HeadSHA, "required", "completed", "success")
	if err := e.c.MergePullRequest(e.ctx, pr.Number, "0000000", "squash", "update"); !errors.Is(err, forge.ErrConflict) {
		t.Errorf("merge of a moved head: %v, want 409", err)
	}
	if err := e.c.MergePullRequest(e.ctx, pr.Number, pr.HeadSHA, "squash", "update"); err != nil {
		t.Fatalf("merge: %v", err)
	}
	main := e.f.History("main")
	if !e.f.PullRequests()[0].Merged || len(main[0].Parents) != 1 || e.f.Files("main")["kubernetes/apps/cert-manager/hr.yaml"] != "version: 1.1.0\n" {
		t.Errorf("squash merge did not land one commit on main")
	}
}

func TestClient_RequiresUpToDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	if strict, err := e.c.RequiresUpToDate(e.ctx, "main"); err != nil || strict {
		t.Errorf("unprotected: %v, %v", strict, err)
	}
	e.f.Protect("main", true)
	if strict, err := e.c.RequiresUpToDate(e.ctx, "main"); err != nil || !strict {
		t.Errorf("strict protection: %v, %v", strict, err)
	}
}

func TestClient_UpdateBranchMergeCommit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	pr := openPR(t, e, "bosun/a", "version: 1.1.0\n")
	base := e.f.Seed("main", map[string]string{"README.md": "moved\n"})
	sha := e.f.UpdateBranch(pr.Number, "alice")
	commits, err := e.c.ListCommits(e.ctx, "main", "bosun/a")
	if err != nil {
		t.Fatal(err)
	}
	if len(commits) != 2 || commits[1].SHA != sha || !cmp.Equal(commits[1].Parents, []string{pr.HeadSHA, base}) {
		t.Errorf("Update branch commits: %+v", commits)
	}
}

func TestClient_AutoMergeAndIssues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	pr := openPR(t, e, "bosun/a", "version: 1.1.0\n")
	err := e.c.EnableAutoMerge(e.ctx, pr.NodeID, "squash")
	if !errors.Is(err, forge.ErrNotAllowed) || !strings.Contains(err.Error(), "Auto merge is not allowed") {
		t.Errorf("auto-merge not allowed: %v", err)
	}
	e.f.AllowAutoMerge()
	if err := e.c.EnableAutoMerge(e.ctx, pr.NodeID, "squash"); err != nil || e.f.AutoMergeMethod(pr.Number) != "squash" {
		t.Errorf("auto-merge: %v, method %q", err, e.f.AutoMergeMethod(pr.Number))
	}
	if got, _ := e.c.GetPullRequest(e.ctx, pr.Number); !got.AutoMerge {
		t.Errorf("pull request does not report auto-merge")
	}

	if _, found, err := e.c.FindIssue(e.ctx, "bosun[bot]", "<!-- m -->"); found || err != nil {
		t.Errorf("FindIssue() before any: %v, %v", found, err)
	}
	is, err := e.c.CreateIssue(e.ctx, "dash", "body <!-- m -->")
	if err != nil || is.Number != pr.Number+1 {
		t.Fatalf("CreateIssue() = #%d, %v (numbers are shared with pull requests)", is.Number, err)
	}
	if err := e.c.UpdateIssue(e.ctx, is.Number, "dash", "new <!-- m -->"); err != nil {
		t.Fatal(err)
	}
	got, found, err := e.c.FindIssue(e.ctx, "bosun[bot]", "<!-- m -->")
	if !found || err != nil || got.Number != is.Number || got.Body != "new <!-- m -->" {
		t.Errorf("FindIssue() = %+v, %v, %v", got, found, err)
	}
	if _, found, _ := e.c.FindIssue(e.ctx, "someone", "<!-- m -->"); found {
		t.Errorf("FindIssue() ignores the creator")
	}
	if err := e.c.RequestReviewers(e.ctx, pr.Number, []string{"alice", "octo/platform"}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.AddAssignees(e.ctx, pr.Number, []string{"bob"}); err != nil {
		t.Fatal(err)
	}
	users, teams, assignees := e.f.Reviewers(pr.Number)
	if !cmp.Equal(users, []string{"alice"}) || !cmp.Equal(teams, []string{"platform"}) || !cmp.Equal(assignees, []string{"bob"}) {
		t.Errorf("reviewers %v teams %v assignees %v", users, teams, assignees)
	}
}
