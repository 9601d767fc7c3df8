package forgetest

import (
	"net/http"
	"strconv"
	"strings"
)

// searchTokens splits a search query on spaces, keeping "quoted values" whole.
func searchTokens(q string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range q {
		switch {
		case r == '"':
			quoted = !quoted
		case (r == ' ' || r == '+') && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
				cur.Reset()
			}
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}

// searchIssues plays GET /search/issues?q= for pull requests of this
// repository (https://docs.github.com/rest/search/search#search-issues-and-pull-requests).
// Supported qualifiers: repo:, is:pr|issue|open|closed|merged|unmerged,
// state:, head:, base:, label:, author:, in: (ignored); other words must all
// appear in the title or body. Results are newest first.
func (f *Fake) searchIssues(w http.ResponseWriter, r *http.Request) {
	const doc = docsBase + "/search/search#search-issues-and-pull-requests"
	q := r.URL.Query().Get("q")
	if q == "" {
		validationFailed(w, doc, errDetail{Resource: "Search", Field: "q", Code: "missing"})
		return
	}
	if len(q) > 256 {
		validationFailed(w, doc, errDetail{Resource: "Search", Field: "q", Code: "invalid",
			Message: "The search is longer than 256 characters."})
		return
	}
	match := func(p *pull) bool {
		for _, tok := range searchTokens(q) {
			k, v, qualified := strings.Cut(tok, ":")
			if !qualified {
				text := strings.ToLower(p.Title + " " + p.Body)
				if !strings.Contains(text, strings.ToLower(tok)) {
					return false
				}
				continue
			}
			ok := true
			switch strings.ToLower(k) {
			case "repo":
				ok = strings.EqualFold(v, f.owner+"/"+f.repo)
			case "is", "state":
				switch v {
				case "pr", "pull-request":
				case "issue":
					ok = false
				case "open", "closed":
					ok = p.State == v
				case "merged":
					ok = p.Merged
				case "unmerged":
					ok = !p.Merged
				}
			case "head":
				ok = p.Head == v
			case "base":
				ok = p.Base == v
			case "label":
				ok = false
				for _, l := range p.Labels {
					ok = ok || strings.EqualFold(l, v)
				}
			case "author":
				ok = strings.EqualFold(p.User, v)
			case "in", "sort":
			default:
				text := strings.ToLower(p.Title + " " + p.Body)
				ok = strings.Contains(text, strings.ToLower(tok))
			}
			if !ok {
				return false
			}
		}
		return true
	}
	var sel []*pull
	for i := len(f.pulls) - 1; i >= 0; i-- {
		if match(f.pulls[i]) {
			sel = append(sel, f.pulls[i])
		}
	}
	lo, hi := f.page(w, r, len(sel))
	items := make([]any, 0, hi-lo)
	for _, p := range sel[lo:hi] {
		n := strconv.Itoa(p.Number)
		items = append(items, map[string]any{
			"id": int64(100000 + p.Number), "number": p.Number, "title": p.Title, "body": p.Body,
			"state": p.State, "labels": f.issueLabelsJSON(p), "user": userJSON(p.User),
			"html_url": f.htmlURL("pull/" + n), "url": f.apiURL("issues/" + n),
			"created_at": ts(p.CreatedAt), "updated_at": ts(p.UpdatedAt), "closed_at": tsOrNil(p.ClosedAt),
			"pull_request": map[string]any{
				"url": f.apiURL("pulls/" + n), "html_url": f.htmlURL("pull/" + n), "merged_at": tsOrNil(p.MergedAt),
			},
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"total_count": len(sel), "incomplete_results": false, "items": items})
}

// rateLimitStatus plays GET /rate_limit
// (https://docs.github.com/rest/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user).
func (f *Fake) rateLimitStatus(w http.ResponseWriter) {
	core := map[string]any{
		"limit": f.rateLimit, "remaining": f.rateRemaining, "reset": f.rateReset.Unix(),
		"used": f.rateLimit - f.rateRemaining, "resource": "core",
	}
	writeJSON(w, http.StatusOK, map[string]any{"resources": map[string]any{"core": core}, "rate": core})
}
