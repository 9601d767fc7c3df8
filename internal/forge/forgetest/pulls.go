package forgetest

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

type pull struct {
	Number    int
	State     string
	Merged    bool
	Title     string
	Body      string
	Head      string
	Base      string
	HeadSHA   string // frozen when closed; live from the branch while open
	Labels    []string
	User      string
	Draft     bool
	CreatedAt time.Time
	UpdatedAt time.Time
	ClosedAt  time.Time
	MergedAt  time.Time
	MergeSHA  string

	// IsIssue marks an issue: issues and pull requests share numbers.
	IsIssue bool
	// Reviewers and TeamReviewers were requested, Assignees assigned.
	Reviewers, TeamReviewers, Assignees []string
	// AutoMerge is the merge method of GitHub's auto-merge, "" when off.
	AutoMerge string
	// mergeKey is the head and base mergeability was last asked for;
	// mergeReady is set once it is computed for that pair.
	mergeKey   string
	mergeReady bool
}

type label struct {
	ID          int64
	Name        string
	Color       string
	Description string
}

type comment struct {
	ID        int64
	Body      string
	User      string
	CreatedAt time.Time
}

// maxBodyLength is GitHub's undocumented limit on issue and PR bodies.
const maxBodyLength = 65536

func (f *Fake) headSHA(p *pull) string {
	if p.State == "open" {
		if sha, ok := f.refs["heads/"+p.Head]; ok {
			return sha
		}
	}
	return p.HeadSHA
}

func tsOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return ts(t)
}

func (f *Fake) branchJSON(branch, sha string) map[string]any {
	return map[string]any{
		"label": f.owner + ":" + branch,
		"ref":   branch,
		"sha":   sha,
		"user":  userJSON(f.owner),
		"repo":  f.repoJSON(),
	}
}

func (f *Fake) pullJSON(p *pull) map[string]any {
	n := strconv.Itoa(p.Number)
	var mergeSHA any
	if p.MergeSHA != "" {
		mergeSHA = p.MergeSHA
	}
	return map[string]any{
		"id":                  int64(100000 + p.Number),
		"node_id":             "PR_" + n,
		"number":              p.Number,
		"state":               p.State,
		"locked":              false,
		"title":               p.Title,
		"body":                p.Body,
		"user":                userJSON(p.User),
		"labels":              f.issueLabelsJSON(p),
		"draft":               p.Draft,
		"merged":              p.Merged,
		"merge_commit_sha":    mergeSHA,
		"created_at":          ts(p.CreatedAt),
		"updated_at":          ts(p.UpdatedAt),
		"closed_at":           tsOrNil(p.ClosedAt),
		"merged_at":           tsOrNil(p.MergedAt),
		"url":                 f.apiURL("pulls/" + n),
		"html_url":            f.htmlURL("pull/" + n),
		"issue_url":           f.apiURL("issues/" + n),
		"comments_url":        f.apiURL("issues/" + n + "/comments"),
		"head":                f.branchJSON(p.Head, f.headSHA(p)),
		"base":                f.branchJSON(p.Base, f.refs["heads/"+p.Base]),
		"auto_merge":          f.autoMergeJSON(p),
		"requested_reviewers": usersJSON(p.Reviewers),
		"assignees":           usersJSON(p.Assignees),
	}
}

// listPulls plays GET /repos/{owner}/{repo}/pulls?state=&head=owner:branch&base=
// (https://docs.github.com/rest/pulls/pulls#list-pull-requests), newest first.
func (f *Fake) listPulls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	if state != "open" && state != "closed" && state != "all" {
		validationFailed(w, docsBase+"/pulls/pulls#list-pull-requests",
			errDetail{Resource: "Search", Field: "state", Code: "invalid"})
		return
	}
	headOwner, headBranch := "", ""
	if h := q.Get("head"); h != "" {
		// GitHub expects "user:ref-name" and silently ignores a bare branch
		// name, returning every pull request (a classic pitfall).
		if i := strings.IndexByte(h, ':'); i >= 0 {
			headOwner, headBranch = h[:i], h[i+1:]
		}
	}
	base := q.Get("base")
	var sel []*pull
	for i := len(f.pulls) - 1; i >= 0; i-- { // newest first (sort=created, direction=desc)
		p := f.pulls[i]
		if p.IsIssue {
			continue
		}
		if state != "all" && p.State != state {
			continue
		}
		if headBranch != "" && (!strings.EqualFold(headOwner, f.owner) || p.Head != headBranch) {
			continue
		}
		if base != "" && p.Base != base {
			continue
		}
		sel = append(sel, p)
	}
	if q.Get("direction") == "asc" {
		sort.Slice(sel, func(i, j int) bool { return sel[i].Number < sel[j].Number })
	}
	lo, hi := f.page(w, r, len(sel))
	out := make([]any, 0, hi-lo)
	for _, p := range sel[lo:hi] {
		out = append(out, f.pullJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

// prByNumber is pull request s (nil for an issue or an unknown number).
func (f *Fake) prByNumber(s string) *pull {
	if p := f.pullByNumber(s); p != nil && !p.IsIssue {
		return p
	}
	return nil
}

// pullByNumber is the pull request or issue numbered s.
func (f *Fake) pullByNumber(s string) *pull {
	n, ok := atoi(s)
	if !ok || n < 1 || n > len(f.pulls) {
		return nil
	}
	return f.pulls[n-1]
}

// getPull plays GET /repos/{owner}/{repo}/pulls/{pull_number}
// (https://docs.github.com/rest/pulls/pulls#get-a-pull-request).
// Mergeability is computed asynchronously: a GET after the head or base
// moved answers mergeable: null and starts the computation, which the next
// GET reports.
func (f *Fake) getPull(w http.ResponseWriter, _ *http.Request, p *pull, _ string) {
	out := f.pullJSON(p)
	out["mergeable"], out["mergeable_state"], out["rebaseable"] = nil, "unknown", nil
	if p.State == "open" {
		if p.mergeKey == f.mergeKeyOf(p) && p.mergeReady {
			ok, state := f.mergeability(p)
			out["mergeable"], out["mergeable_state"], out["rebaseable"] = ok, state, ok
		} else {
			f.startMergeability(p)
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// openPullFor returns the open pull request from head into base, if any.
func (f *Fake) openPullFor(head, base string, except int) *pull {
	for _, p := range f.pulls {
		if !p.IsIssue && p.State == "open" && p.Head == head && p.Base == base && p.Number != except {
			return p
		}
	}
	return nil
}

// createPull plays POST /repos/{owner}/{repo}/pulls
// (https://docs.github.com/rest/pulls/pulls#create-a-pull-request).
func (f *Fake) createPull(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/pulls/pulls#create-a-pull-request"
	var req struct {
		Title *string `json:"title"`
		Head  *string `json:"head"`
		Base  *string `json:"base"`
		Body  *string `json:"body"`
		Draft *bool   `json:"draft"`
		Issue *int    `json:"issue"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Head == nil || req.Base == nil || (req.Title == nil && req.Issue == nil) {
		unprocessable(w, "Invalid request.\n\n\"head\", \"base\" and \"title\" are required.", doc)
		return
	}
	if req.Body != nil && len(*req.Body) > maxBodyLength {
		validationFailed(w, doc, errDetail{Resource: "Issue", Field: "body", Code: "custom",
			Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyLength)})
		return
	}
	head := *req.Head
	if i := strings.IndexByte(head, ':'); i >= 0 {
		if !strings.EqualFold(head[:i], f.owner) {
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "head", Code: "invalid"})
			return
		}
		head = head[i+1:]
	}
	headSHA, okH := f.refs["heads/"+head]
	baseSHA, okB := f.refs["heads/"+*req.Base]
	if !okB {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "base", Code: "invalid"})
		return
	}
	if !okH {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "head", Code: "invalid"})
		return
	}
	if f.openPullFor(head, *req.Base, 0) != nil {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Code: "custom",
			Message: fmt.Sprintf("A pull request already exists for %s:%s.", f.owner, head)})
		return
	}
	if len(f.git.only(headSHA, baseSHA)) == 0 {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Code: "custom",
			Message: fmt.Sprintf("No commits between %s and %s", *req.Base, head)})
		return
	}
	now := f.clock.Now()
	p := &pull{
		Number: len(f.pulls) + 1, State: "open", Head: head, Base: *req.Base,
		HeadSHA: headSHA, User: f.bot, CreatedAt: now, UpdatedAt: now,
	}
	assign(&p.Title, req.Title)
	assign(&p.Body, req.Body)
	assign(&p.Draft, req.Draft)
	f.pulls = append(f.pulls, p)
	f.startMergeability(p)
	writeJSON(w, http.StatusCreated, f.pullJSON(p))
}

// updatePull plays PATCH /repos/{owner}/{repo}/pulls/{pull_number}
// (https://docs.github.com/rest/pulls/pulls#update-a-pull-request).
func (f *Fake) updatePull(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	body := bodyOf(r)
	var req struct {
		Title *string `json:"title"`
		Body  *string `json:"body"`
		State *string `json:"state"`
		Base  *string `json:"base"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Body != nil && len(*req.Body) > maxBodyLength {
		validationFailed(w, doc, errDetail{Resource: "Issue", Field: "body", Code: "custom",
			Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyLength)})
		return
	}
	if req.State != nil && *req.State != "open" && *req.State != "closed" {
		validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "state", Code: "invalid"})
		return
	}
	newState := p.State
	assign(&newState, req.State)
	if req.Base != nil && *req.Base != p.Base {
		if newState == "closed" {
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "base", Code: "custom",
				Message: "Cannot change the base branch of a closed pull request."})
			return
		}
		if _, ok := f.refs["heads/"+*req.Base]; !ok {
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "base", Code: "invalid"})
			return
		}
	}
	if newState == "open" && p.State == "closed" {
		switch {
		case p.Merged:
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "state", Code: "custom",
				Message: "state cannot be changed. The pull request has already been merged."})
			return
		case f.refs["heads/"+p.Head] == "":
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "state", Code: "custom",
				Message: "state cannot be changed. The " + p.Head + " branch has been deleted."})
			return
		}
		base := p.Base
		assign(&base, req.Base)
		if f.openPullFor(p.Head, base, p.Number) != nil {
			validationFailed(w, doc, errDetail{Resource: "PullRequest", Field: "state", Code: "custom",
				Message: fmt.Sprintf("A pull request already exists for %s:%s.", f.owner, p.Head)})
			return
		}
	}
	now := f.clock.Now()
	assign(&p.Title, req.Title)
	assign(&p.Body, req.Body)
	assign(&p.Base, req.Base)
	switch {
	case newState == "closed" && p.State == "open":
		p.HeadSHA = f.headSHA(p)
		p.State, p.ClosedAt = "closed", now
	case newState == "open" && p.State == "closed":
		p.State, p.ClosedAt = "open", time.Time{}
	}
	p.UpdatedAt = now
	f.startMergeability(p)
	writeJSON(w, http.StatusOK, f.pullJSON(p))
}

var hexColor = regexp.MustCompile(`^[0-9a-fA-F]{6}$`)
