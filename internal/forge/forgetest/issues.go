package forgetest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bosunhq/bosun/internal/forge"
)

func (f *Fake) issueJSON(p *pull) map[string]any {
	n := strconv.Itoa(p.Number)
	out := map[string]any{
		"id": int64(200000 + p.Number), "node_id": "I_" + n, "number": p.Number, "state": p.State,
		"title": p.Title, "body": p.Body, "user": userJSON(p.User), "labels": f.issueLabelsJSON(p),
		"assignees": usersJSON(p.Assignees), "created_at": ts(p.CreatedAt), "updated_at": ts(p.UpdatedAt),
		"closed_at": tsOrNil(p.ClosedAt), "url": f.apiURL("issues/" + n), "html_url": f.htmlURL("issues/" + n),
	}
	if !p.IsIssue {
		out["html_url"] = f.htmlURL("pull/" + n)
		out["pull_request"] = map[string]any{"url": f.apiURL("pulls/" + n), "html_url": f.htmlURL("pull/" + n)}
	}
	return out
}

// listIssues plays GET /repos/{owner}/{repo}/issues?state=&creator=
// (https://docs.github.com/rest/issues/issues#list-repository-issues):
// issues and pull requests, newest first.
func (f *Fake) listIssues(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	creator := q.Get("creator")
	var sel []*pull
	for i := len(f.pulls) - 1; i >= 0; i-- {
		p := f.pulls[i]
		if (state != "all" && p.State != state) || (creator != "" && !strings.EqualFold(creator, p.User)) {
			continue
		}
		sel = append(sel, p)
	}
	lo, hi := f.page(w, r, len(sel))
	out := make([]any, 0, hi-lo)
	for _, p := range sel[lo:hi] {
		out = append(out, f.issueJSON(p))
	}
	writeJSON(w, http.StatusOK, out)
}

type issueRequest struct {
	Title *string `json:"title"`
	Body  *string `json:"body"`
	State *string `json:"state"`
}

func (f *Fake) decodeIssue(w http.ResponseWriter, body []byte, doc string) (issueRequest, bool) {
	var req issueRequest
	if !decodeJSON(w, body, &req, doc) {
		return req, false
	}
	if req.Body != nil && len(*req.Body) > maxBodyLength {
		validationFailed(w, doc, errDetail{Resource: "Issue", Field: "body", Code: "custom",
			Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyLength)})
		return req, false
	}
	return req, true
}

// createIssue plays POST /repos/{owner}/{repo}/issues
// (https://docs.github.com/rest/issues/issues#create-an-issue).
func (f *Fake) createIssue(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/issues/issues#create-an-issue"
	req, ok := f.decodeIssue(w, body, doc)
	if !ok {
		return
	}
	if req.Title == nil || *req.Title == "" {
		validationFailed(w, doc, errDetail{Resource: "Issue", Field: "title", Code: "missing_field"})
		return
	}
	now := f.clock.Now()
	p := &pull{Number: len(f.pulls) + 1, State: "open", Title: *req.Title, User: f.bot, CreatedAt: now, UpdatedAt: now, IsIssue: true}
	assign(&p.Body, req.Body)
	f.pulls = append(f.pulls, p)
	writeJSON(w, http.StatusCreated, f.issueJSON(p))
}

// getIssue plays GET /repos/{owner}/{repo}/issues/{issue_number}.
func (f *Fake) getIssue(w http.ResponseWriter, _ *http.Request, p *pull, _ string) {
	writeJSON(w, http.StatusOK, f.issueJSON(p))
}

// updateIssue plays PATCH /repos/{owner}/{repo}/issues/{issue_number}
// (https://docs.github.com/rest/issues/issues#update-an-issue).
func (f *Fake) updateIssue(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	req, ok := f.decodeIssue(w, bodyOf(r), doc)
	if !ok {
		return
	}
	assign(&p.Title, req.Title)
	assign(&p.Body, req.Body)
	if req.State != nil && (*req.State == "open" || *req.State == "closed") && p.IsIssue {
		p.State = *req.State
	}
	p.UpdatedAt = f.clock.Now()
	writeJSON(w, http.StatusOK, f.issueJSON(p))
}

// Issues returns every issue (not pull request), by number.
func (f *Fake) Issues() []forge.Issue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []forge.Issue
	for _, p := range f.pulls {
		if p.IsIssue {
			out = append(out, forge.Issue{Number: p.Number, URL: f.htmlURL(fmt.Sprintf("issues/%d", p.Number)),
				State: p.State, Title: p.Title, Body: p.Body, User: p.User})
		}
	}
	return out
}

// EditBody replaces the body of issue or pull request n, as a person
// editing it (or ticking one of its checkboxes) does.
func (f *Fake) EditBody(n int, body string) {
	f.t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.pullByNumber(strconv.Itoa(n))
	if p == nil {
		f.t.Fatalf("forgetest: EditBody: no #%d", n)
		return
	}
	p.Body, p.UpdatedAt = body, f.clock.Now()
}

// OpenIssue opens an issue as person login would through the web UI (the
// API opens them as the bot), and returns its number.
func (f *Fake) OpenIssue(login, title, body string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock.Now()
	p := &pull{Number: len(f.pulls) + 1, State: "open", Title: title, Body: body, User: login,
		CreatedAt: now, UpdatedAt: now, IsIssue: true}
	f.pulls = append(f.pulls, p)
	return p.Number
}
