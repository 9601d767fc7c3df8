package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

func (f *Fake) findLabel(name string) *label {
	for _, l := range f.labels {
		if strings.EqualFold(l.Name, name) {
			return l
		}
	}
	return nil
}

func (f *Fake) labelJSON(l *label) map[string]any {
	return map[string]any{
		"id": l.ID, "node_id": fmt.Sprintf("LA_%d", l.ID), "name": l.Name, "color": l.Color,
		"description": l.Description, "default": false,
		"url": f.apiURL("labels/" + l.Name),
	}
}

func (f *Fake) issueLabelsJSON(p *pull) []any {
	out := []any{}
	for _, n := range p.Labels {
		if l := f.findLabel(n); l != nil {
			out = append(out, f.labelJSON(l))
		}
	}
	return out
}

// listIssueLabels plays GET /repos/{owner}/{repo}/issues/{issue_number}/labels
// (https://docs.github.com/rest/issues/labels#list-labels-for-an-issue).
func (f *Fake) listIssueLabels(w http.ResponseWriter, r *http.Request, p *pull, _ string) {
	all := f.issueLabelsJSON(p)
	lo, hi := f.page(w, r, len(all))
	writeJSON(w, http.StatusOK, all[lo:hi])
}

// addIssueLabels plays POST /repos/{owner}/{repo}/issues/{issue_number}/labels
// (https://docs.github.com/rest/issues/labels#add-labels-to-an-issue). The
// body is a JSON array of names or {"labels": [...]}; unknown names are
// created with color ededed.
func (f *Fake) addIssueLabels(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	body := bodyOf(r)
	var names []string
	if err := json.Unmarshal(body, &names); err != nil {
		var obj struct {
			Labels []string `json:"labels"`
		}
		if !decodeJSON(w, body, &obj, doc) {
			return
		}
		names = obj.Labels
	}
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			validationFailed(w, doc, errDetail{Resource: "Label", Field: "name", Code: "invalid"})
			return
		}
	}
	for _, n := range names {
		l := f.findLabel(n)
		if l == nil {
			f.nextID++
			l = &label{ID: f.nextID, Name: n, Color: "ededed"}
			f.labels = append(f.labels, l)
		}
		has := false
		for _, x := range p.Labels {
			if strings.EqualFold(x, l.Name) {
				has = true
			}
		}
		if !has {
			p.Labels = append(p.Labels, l.Name)
		}
	}
	p.UpdatedAt = f.clock.Now()
	writeJSON(w, http.StatusOK, f.issueLabelsJSON(p))
}

// removeIssueLabel plays DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}
// (https://docs.github.com/rest/issues/labels#remove-a-label-from-an-issue).
func (f *Fake) removeIssueLabel(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	for i, x := range p.Labels {
		if strings.EqualFold(x, r.PathValue("name")) {
			p.Labels = append(p.Labels[:i:i], p.Labels[i+1:]...)
			p.UpdatedAt = f.clock.Now()
			writeJSON(w, http.StatusOK, f.issueLabelsJSON(p))
			return
		}
	}
	writeError(w, http.StatusNotFound, "Label does not exist", doc)
}

// listLabels plays GET /repos/{owner}/{repo}/labels
// (https://docs.github.com/rest/issues/labels#list-labels-for-a-repository).
func (f *Fake) listLabels(w http.ResponseWriter, r *http.Request) {
	lo, hi := f.page(w, r, len(f.labels))
	out := make([]any, 0, hi-lo)
	for _, l := range f.labels[lo:hi] {
		out = append(out, f.labelJSON(l))
	}
	writeJSON(w, http.StatusOK, out)
}

// getLabel plays GET /repos/{owner}/{repo}/labels/{name}
// (https://docs.github.com/rest/issues/labels#get-a-label).
func (f *Fake) getLabel(w http.ResponseWriter, name string) {
	l := f.findLabel(name)
	if l == nil {
		notFound(w, docsBase+"/issues/labels#get-a-label")
		return
	}
	writeJSON(w, http.StatusOK, f.labelJSON(l))
}

// createLabel plays POST /repos/{owner}/{repo}/labels
// (https://docs.github.com/rest/issues/labels#create-a-label).
func (f *Fake) createLabel(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/issues/labels#create-a-label"
	var req struct {
		Name        *string `json:"name"`
		Color       *string `json:"color"`
		Description *string `json:"description"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Name == nil || strings.TrimSpace(*req.Name) == "" {
		validationFailed(w, doc, errDetail{Resource: "Label", Field: "name", Code: "missing_field"})
		return
	}
	color := "ededed"
	if req.Color != nil {
		color = strings.TrimPrefix(*req.Color, "#")
		if !hexColor.MatchString(color) {
			validationFailed(w, doc, errDetail{Resource: "Label", Field: "color", Code: "invalid"})
			return
		}
	}
	if f.findLabel(*req.Name) != nil {
		validationFailed(w, doc, errDetail{Resource: "Label", Field: "name", Code: "already_exists"})
		return
	}
	f.nextID++
	l := &label{ID: f.nextID, Name: *req.Name, Color: strings.ToLower(color)}
	assign(&l.Description, req.Description)
	f.labels = append(f.labels, l)
	writeJSON(w, http.StatusCreated, f.labelJSON(l))
}

func (f *Fake) commentJSON(num int, c *comment) map[string]any {
	n := strconv.Itoa(num)
	return map[string]any{
		"id": c.ID, "node_id": fmt.Sprintf("IC_%d", c.ID), "body": c.Body, "user": userJSON(c.User),
		"created_at": ts(c.CreatedAt), "updated_at": ts(c.CreatedAt),
		"url":       f.apiURL(fmt.Sprintf("issues/comments/%d", c.ID)),
		"html_url":  f.htmlURL(fmt.Sprintf("pull/%s#issuecomment-%d", n, c.ID)),
		"issue_url": f.apiURL("issues/" + n),
	}
}

// listComments plays GET /repos/{owner}/{repo}/issues/{issue_number}/comments
// (https://docs.github.com/rest/issues/comments#list-issue-comments), oldest first.
func (f *Fake) listComments(w http.ResponseWriter, r *http.Request, p *pull, _ string) {
	cs := f.comments[p.Number]
	lo, hi := f.page(w, r, len(cs))
	out := make([]any, 0, hi-lo)
	for _, c := range cs[lo:hi] {
		out = append(out, f.commentJSON(p.Number, c))
	}
	writeJSON(w, http.StatusOK, out)
}

// createComment plays POST /repos/{owner}/{repo}/issues/{issue_number}/comments
// (https://docs.github.com/rest/issues/comments#create-an-issue-comment).
func (f *Fake) createComment(w http.ResponseWriter, r *http.Request, p *pull, doc string) {
	body := bodyOf(r)
	var req struct {
		Body *string `json:"body"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Body == nil || *req.Body == "" {
		validationFailed(w, doc, errDetail{Resource: "IssueComment", Field: "body", Code: "missing_field"})
		return
	}
	if len(*req.Body) > maxBodyLength {
		validationFailed(w, doc, errDetail{Resource: "IssueComment", Field: "body", Code: "custom",
			Message: fmt.Sprintf("body is too long (maximum is %d characters)", maxBodyLength)})
		return
	}
	f.nextID++
	c := &comment{ID: f.nextID, Body: *req.Body, User: f.bot, CreatedAt: f.clock.Now()}
	f.comments[p.Number] = append(f.comments[p.Number], c)
	writeJSON(w, http.StatusCreated, f.commentJSON(p.Number, c))
}
