package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

type commitStatus struct {
	Context, State string
	ID             int64
}

type checkRun struct {
	Name, Status, Conclusion string
	ID                       int64
}

type protection struct {
	Strict   bool
	Contexts []string
}

// SetStatus adds a commit status (state error, failure, pending or success)
// for context on ref (a SHA or branch), as a CI service would.
func (f *Fake) SetStatus(ref, context, state string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	sha, ok := f.resolveCommit(ref)
	if !ok {
		f.t.Fatalf("forgetest: SetStatus: no commit %q", ref)
		return
	}
	f.nextID++
	f.statuses[sha] = append(f.statuses[sha], commitStatus{Context: context, State: state, ID: f.nextID})
}

// SetCheckRun adds or replaces check run name on ref (a SHA or branch):
// status queued, in_progress or completed, and a conclusion once completed.
func (f *Fake) SetCheckRun(ref, name, status, conclusion string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	sha, ok := f.resolveCommit(ref)
	if !ok {
		f.t.Fatalf("forgetest: SetCheckRun: no commit %q", ref)
		return
	}
	runs := f.checkRuns[sha][:0:0]
	for _, r := range f.checkRuns[sha] {
		if r.Name != name {
			runs = append(runs, r)
		}
	}
	f.nextID++
	f.checkRuns[sha] = append(runs, checkRun{Name: name, Status: status, Conclusion: conclusion, ID: f.nextID})
}

// Protect protects branch: required status check contexts, and strict
// ("Require branches to be up to date before merging").
func (f *Fake) Protect(branch string, strict bool, contexts ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.protection[branch] = protection{Strict: strict, Contexts: contexts}
}

// AllowAutoMerge turns on the repository setting "Allow auto-merge".
func (f *Fake) AllowAutoMerge() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.autoMergeAllowed = true
}

// combined is the latest status per context, and the combined state.
func (f *Fake) combined(sha string) ([]commitStatus, string) {
	latest := map[string]int{}
	var out []commitStatus
	for _, s := range f.statuses[sha] {
		if i, ok := latest[s.Context]; ok {
			out[i] = s
			continue
		}
		latest[s.Context] = len(out)
		out = append(out, s)
	}
	state := "success"
	if len(out) == 0 {
		state = "pending"
	}
	for _, s := range out {
		switch s.State {
		case "error", "failure":
			return out, "failure"
		case "pending":
			state = "pending"
		}
	}
	return out, state
}

// getCombinedStatus plays GET /repos/{owner}/{repo}/commits/{ref}/status
// (https://docs.github.com/rest/commits/statuses#get-the-combined-status-for-a-specific-reference).
func (f *Fake) getCombinedStatus(w http.ResponseWriter, ref string) {
	sha, ok := f.resolveCommit(ref)
	if !ok {
		unprocessable(w, "No commit found for SHA: "+ref, docsBase+"/commits/statuses")
		return
	}
	sts, state := f.combined(sha)
	list := make([]any, 0, len(sts))
	for _, s := range sts {
		list = append(list, map[string]any{"id": s.ID, "context": s.Context, "state": s.State})
	}
	writeJSON(w, http.StatusOK, map[string]any{"state": state, "sha": sha, "total_count": len(sts), "statuses": list})
}

// listCheckRuns plays GET /repos/{owner}/{repo}/commits/{ref}/check-runs
// (https://docs.github.com/rest/checks/runs#list-check-runs-for-a-git-reference).
func (f *Fake) listCheckRuns(w http.ResponseWriter, r *http.Request, ref string) {
	sha, ok := f.resolveCommit(ref)
	if !ok {
		unprocessable(w, "No commit found for SHA: "+ref, docsBase+"/checks/runs")
		return
	}
	runs := f.checkRuns[sha]
	lo, hi := f.page(w, r, len(runs))
	list := make([]any, 0, hi-lo)
	for _, c := range runs[lo:hi] {
		var concl any
		if c.Conclusion != "" {
			concl = c.Conclusion
		}
		list = append(list, map[string]any{"id": c.ID, "name": c.Name, "status": c.Status, "conclusion": concl, "head_sha": sha})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(runs), "check_runs": list})
}

// getProtection plays GET /repos/{owner}/{repo}/branches/{branch}/protection
// (https://docs.github.com/rest/branches/branch-protection#get-branch-protection).
func (f *Fake) getProtection(w http.ResponseWriter, branch string) {
	p, ok := f.protection[branch]
	if !ok {
		writeError(w, http.StatusNotFound, "Branch not protected", docsBase+"/branches/branch-protection#get-branch-protection")
		return
	}
	ctxs := append([]string{}, p.Contexts...)
	writeJSON(w, http.StatusOK, map[string]any{
		"url":                    f.apiURL("branches/" + branch + "/protection"),
		"required_status_checks": map[string]any{"strict": p.Strict, "contexts": ctxs},
	})
}

// contextPasses reports whether required context passed on sha: a success
// status, or a check run concluded success, neutral or skipped.
func (f *Fake) contextPasses(sha, context string) bool {
	sts, _ := f.combined(sha)
	for _, s := range sts {
		if s.Context == context && s.State == "success" {
			return true
		}
	}
	for _, c := range f.checkRuns[sha] {
		if c.Name == context && c.Status == "completed" &&
			(c.Conclusion == "success" || c.Conclusion == "neutral" || c.Conclusion == "skipped") {
			return true
		}
	}
	return false
}

// mergeKeyOf is the head and base pair mergeability is computed for.
func (f *Fake) mergeKeyOf(p *pull) string { return f.headSHA(p) + ":" + f.refs["heads/"+p.Base] }

// startMergeability starts computing p's mergeability (a GET, create or
// edit does); the next GET reports it unless the head or base moves first.
func (f *Fake) startMergeability(p *pull) {
	if k := f.mergeKeyOf(p); p.mergeKey != k || !p.mergeReady {
		p.mergeKey, p.mergeReady = k, true
	}
}

// mergeability is GitHub's verdict on merging p now: mergeable and the
// mergeable_state (dirty, behind, blocked, unstable or clean).
func (f *Fake) mergeability(p *pull) (bool, string) {
	head, base := f.headSHA(p), f.refs["heads/"+p.Base]
	if _, conflict := f.mergedTree(base, head); conflict {
		return false, "dirty"
	}
	prot, protected := f.protection[p.Base]
	if protected && prot.Strict && !f.git.isAncestor(base, head) {
		return true, "behind"
	}
	for _, c := range prot.Contexts {
		if !f.contextPasses(head, c) {
			return true, "blocked"
		}
	}
	if _, state := f.combined(head); state == "failure" {
		return true, "unstable"
	}
	for _, c := range f.checkRuns[head] {
		if c.Status == "completed" && c.Conclusion != "success" && c.Conclusion != "neutral" && c.Conclusion != "skipped" {
			return true, "unstable"
		}
	}
	return true, "clean"
}

// mergeRefusal is GitHub's 405 message for merging p now, or "".
func (f *Fake) mergeRefusal(p *pull) string {
	head, base := f.headSHA(p), f.refs["heads/"+p.Base]
	if _, conflict := f.mergedTree(base, head); conflict {
		return "Pull Request is not mergeable"
	}
	prot := f.protection[p.Base]
	for _, c := range prot.Contexts {
		if !f.contextPasses(head, c) {
			return fmt.Sprintf("Required status check %q is expected.", c)
		}
	}
	if prot.Strict && !f.git.isAncestor(base, head) {
		return "Head branch is out of date. Review and try the merge again."
	}
	return ""
}

// mergePullAPI plays PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge
// (https://docs.github.com/rest/pulls/pulls#merge-a-pull-request).
func (f *Fake) mergePullAPI(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	body := bodyOf(r)
	var req struct {
		SHA         string `json:"sha"`
		MergeMethod string `json:"merge_method"`
	}
	if len(body) > 0 {
		if !decodeJSON(w, body, &req, doc) {
			return
		}
	}
	if req.MergeMethod == "" {
		req.MergeMethod = "merge"
	}
	if req.MergeMethod != "merge" && req.MergeMethod != "squash" && req.MergeMethod != "rebase" {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "merge_method", Code: "invalid"})
		return
	}
	if p.State != "open" {
		writeError(w, http.StatusMethodNotAllowed, "Pull Request is not mergeable", doc)
		return
	}
	if req.SHA != "" && req.SHA != f.headSHA(p) {
		writeError(w, http.StatusConflict, "Head branch was modified. Review and try the merge again.", doc)
		return
	}
	if msg := f.mergeRefusal(p); msg != "" {
		writeError(w, http.StatusMethodNotAllowed, msg, doc)
		return
	}
	sha := f.mergePull(p, req.MergeMethod, f.bot)
	writeJSON(w, http.StatusOK, map[string]any{"sha": sha, "merged": true, "message": "Pull Request successfully merged"})
}

// UpdateBranch merges the base branch into pull request n's branch as a
// person clicking "Update branch" does, and returns the merge commit.
func (f *Fake) UpdateBranch(n int, login string) string {
	t := f.t
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.openPull(t, "UpdateBranch", n)
	if p == nil {
		return ""
	}
	sha, msg := f.updateBranch(p, login)
	if msg != "" {
		t.Fatalf("forgetest: UpdateBranch #%d: %s", n, msg)
	}
	return sha
}

// updateBranch makes GitHub's "Update branch" merge commit: parents the
// old head and the base tip, authored by login, committed by GitHub.
func (f *Fake) updateBranch(p *pull, login string) (string, string) {
	head, base := f.headSHA(p), f.refs["heads/"+p.Base]
	if f.git.isAncestor(base, head) {
		return "", "There are no new commits on the base branch."
	}
	tree, conflict := f.mergedTree(base, head)
	if conflict {
		return "", "merge conflict between base and head"
	}
	sha := f.git.putCommit(commitObj{
		Tree: f.git.putTree(tree), Parents: []string{head, base},
		Message:    fmt.Sprintf("Merge branch '%s' into %s", p.Base, p.Head),
		AuthorName: login, AuthorEmail: login + "@users.noreply.github.com", Login: login,
		Date: f.clock.Now(), Verified: true,
	})
	f.refs["heads/"+p.Head] = sha
	return sha, ""
}

// updateBranchAPI plays PUT /repos/{owner}/{repo}/pulls/{pull_number}/update-branch
// (https://docs.github.com/rest/pulls/pulls#update-a-pull-request-branch).
func (f *Fake) updateBranchAPI(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	body := bodyOf(r)
	if p.State != "open" {
		notFound(w, doc)
		return
	}
	var req struct {
		ExpectedHeadSHA string `json:"expected_head_sha"`
	}
	if len(body) > 0 {
		if !decodeJSON(w, body, &req, doc) {
			return
		}
	}
	if req.ExpectedHeadSHA != "" && req.ExpectedHeadSHA != f.headSHA(p) {
		unprocessable(w, "expected head sha didn't match current head ref", doc)
		return
	}
	if _, msg := f.updateBranch(p, f.bot); msg != "" {
		unprocessable(w, msg, doc)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"message": "Updating pull request branch.", "url": f.htmlURL("pull/" + r.PathValue("n"))})
}

func usersJSON(logins []string) []any {
	out := []any{}
	for _, l := range logins {
		out = append(out, userJSON(l))
	}
	return out
}

func (f *Fake) autoMergeJSON(p *pull) any {
	if p.AutoMerge == "" {
		return nil
	}
	return map[string]any{"enabled_by": userJSON(f.bot), "merge_method": p.AutoMerge}
}

// requestReviewers plays POST /repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers
// (https://docs.github.com/rest/pulls/review-requests#request-reviewers-for-a-pull-request).
func (f *Fake) requestReviewers(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	var req struct {
		Reviewers     []string `json:"reviewers"`
		TeamReviewers []string `json:"team_reviewers"`
	}
	if !decodeJSON(w, bodyOf(r), &req, doc) {
		return
	}
	p.Reviewers = appendNew(p.Reviewers, req.Reviewers...)
	p.TeamReviewers = appendNew(p.TeamReviewers, req.TeamReviewers...)
	writeJSON(w, http.StatusCreated, f.pullJSON(p))
}

// addAssignees plays POST /repos/{owner}/{repo}/issues/{issue_number}/assignees
// (https://docs.github.com/rest/issues/assignees#add-assignees-to-an-issue).
func (f *Fake) addAssignees(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	var req struct {
		Assignees []string `json:"assignees"`
	}
	if !decodeJSON(w, bodyOf(r), &req, doc) {
		return
	}
	p.Assignees = appendNew(p.Assignees, req.Assignees...)
	writeJSON(w, http.StatusCreated, f.issueJSON(p))
}

func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		found := false
		for _, l := range list {
			found = found || strings.EqualFold(l, a)
		}
		if !found {
			list = append(list, a)
		}
	}
	return list
}

// Reviewers returns the users and teams requested to review pull request n,
// and its assignees.
func (f *Fake) Reviewers(n int) (users, teams, assignees []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pullByNumber(strconv.Itoa(n))
	if p == nil {
		return nil, nil, nil
	}
	return append([]string(nil), p.Reviewers...), append([]string(nil), p.TeamReviewers...), append([]string(nil), p.Assignees...)
}

// AutoMergeMethod returns the method GitHub's auto-merge is enabled with on
// pull request n, "" when it is off.
func (f *Fake) AutoMergeMethod(n int) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if p := f.prByNumber(strconv.Itoa(n)); p != nil {
		return p.AutoMerge
	}
	return ""
}

// graphql plays POST /graphql for the one mutation bosun sends,
// enablePullRequestAutoMerge; GraphQL reports failures in "errors" with 200.
func (f *Fake) graphql(w http.ResponseWriter, body []byte) {
	var req struct {
		Query     string         `json:"query"`
		Variables map[string]any `json:"variables"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Query == "" {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", "https://docs.github.com/graphql")
		return
	}
	gqlErr := func(msg string) {
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"enablePullRequestAutoMerge": nil},
			"errors": []any{map[string]any{"type": "UNPROCESSABLE", "path": []string{"enablePullRequestAutoMerge"}, "message": msg}}})
	}
	if !strings.Contains(req.Query, "enablePullRequestAutoMerge") {
		gqlErr("forgetest: only enablePullRequestAutoMerge is played")
		return
	}
	id, _ := req.Variables["id"].(string)
	method, _ := req.Variables["method"].(string)
	num, _ := strings.CutPrefix(id, "PR_")
	p := f.prByNumber(num)
	switch {
	case p == nil:
		gqlErr(fmt.Sprintf("Could not resolve to a node with the global id of '%s'", id))
	case !f.autoMergeAllowed:
		gqlErr("Pull request Auto merge is not allowed for this repository")
	case p.State != "open":
		gqlErr("Pull request is closed")
	default:
		if method == "" {
			method = "MERGE"
		}
		p.AutoMerge = strings.ToLower(method)
		writeJSON(w, http.StatusOK, map[string]any{"data": map[string]any{"enablePullRequestAutoMerge": map[string]any{"clientMutationId": nil}}})
	}
}
