package forgetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

func (f *Fake) apiURL(p string) string {
	return f.URL + "/repos/" + f.owner + "/" + f.repo + "/" + p
}

func (f *Fake) htmlURL(p string) string {
	return f.URL + "/" + f.owner + "/" + f.repo + "/" + p
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func userJSON(login string) map[string]any {
	typ := "User"
	if strings.HasSuffix(login, "[bot]") {
		typ = "Bot"
	}
	return map[string]any{"login": login, "id": int64(len(login))*7919 + 1, "type": typ}
}

func (f *Fake) repoJSON() map[string]any {
	return map[string]any{
		"id":             int64(4242),
		"node_id":        "R_fake",
		"name":           f.repo,
		"full_name":      f.owner + "/" + f.repo,
		"owner":          userJSON(f.owner),
		"private":        false,
		"html_url":       f.URL + "/" + f.owner + "/" + f.repo,
		"url":            f.URL + "/repos/" + f.owner + "/" + f.repo,
		"default_branch": f.defaultBranch,
	}
}

// getRepo plays GET /repos/{owner}/{repo}
// (https://docs.github.com/rest/repos/repos#get-a-repository).
func (f *Fake) getRepo(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, f.repoJSON())
}

func (f *Fake) refJSON(name, sha string) map[string]any {
	return map[string]any{
		"ref":     "refs/" + name,
		"node_id": "REF_" + name,
		"url":     f.apiURL("git/refs/" + name),
		"object":  map[string]any{"type": "commit", "sha": sha, "url": f.apiURL("git/commits/" + sha)},
	}
}

// getRef plays GET /repos/{owner}/{repo}/git/ref/{ref}
// (https://docs.github.com/rest/git/refs#get-a-reference).
func (f *Fake) getRef(w http.ResponseWriter, ref string) {
	ref = strings.TrimPrefix(ref, "refs/")
	sha, ok := f.refs[ref]
	if !ok {
		notFound(w, docsBase+"/git/refs#get-a-reference")
		return
	}
	writeJSON(w, http.StatusOK, f.refJSON(ref, sha))
}

// matchingRefs plays GET /repos/{owner}/{repo}/git/matching-refs/{ref}
// (https://docs.github.com/rest/git/refs#list-matching-references).
func (f *Fake) matchingRefs(w http.ResponseWriter, prefix string) {
	names := make([]string, 0, len(f.refs))
	for n := range f.refs {
		if strings.HasPrefix(n, prefix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, f.refJSON(n, f.refs[n]))
	}
	writeJSON(w, http.StatusOK, out)
}

// createRef plays POST /repos/{owner}/{repo}/git/refs
// (https://docs.github.com/rest/git/refs#create-a-reference).
func (f *Fake) createRef(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/git/refs#create-a-reference"
	var req struct {
		Ref *string `json:"ref"`
		SHA *string `json:"sha"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Ref == nil || req.SHA == nil {
		notSupplied(w, doc, "ref", "sha")
		return
	}
	if !strings.HasPrefix(*req.Ref, "refs/") || strings.Count(*req.Ref, "/") < 2 {
		unprocessable(w, "Reference name must start with 'refs/' and have at least two slashes.", doc)
		return
	}
	name := strings.TrimPrefix(*req.Ref, "refs/")
	if _, ok := f.refs[name]; ok {
		unprocessable(w, "Reference already exists", doc)
		return
	}
	if _, ok := f.git.commits[*req.SHA]; !ok {
		unprocessable(w, "Object does not exist", doc)
		return
	}
	f.refs[name] = *req.SHA
	writeJSON(w, http.StatusCreated, f.refJSON(name, *req.SHA))
}

// updateRef plays PATCH /repos/{owner}/{repo}/git/refs/{ref}
// (https://docs.github.com/rest/git/refs#update-a-reference).
func (f *Fake) updateRef(w http.ResponseWriter, ref string, body []byte) {
	const doc = docsBase + "/git/refs#update-a-reference"
	var req struct {
		SHA   *string `json:"sha"`
		Force *bool   `json:"force"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.SHA == nil {
		notSupplied(w, doc, "sha")
		return
	}
	name := strings.TrimPrefix(ref, "refs/")
	old, ok := f.refs[name]
	if !ok {
		unprocessable(w, "Reference does not exist", doc)
		return
	}
	if _, ok := f.git.commits[*req.SHA]; !ok {
		unprocessable(w, "Object does not exist", doc)
		return
	}
	force := req.Force != nil && *req.Force
	if !force && !f.git.isAncestor(old, *req.SHA) {
		unprocessable(w, "Update is not a fast forward", doc)
		return
	}
	f.refs[name] = *req.SHA
	writeJSON(w, http.StatusOK, f.refJSON(name, *req.SHA))
}

// deleteRef plays DELETE /repos/{owner}/{repo}/git/refs/{ref}
// (https://docs.github.com/rest/git/refs#delete-a-reference). Deleting the
// head branch of an open pull request closes it, as on GitHub.
func (f *Fake) deleteRef(w http.ResponseWriter, ref string) {
	name := strings.TrimPrefix(ref, "refs/")
	sha, ok := f.refs[name]
	if !ok {
		unprocessable(w, "Reference does not exist", docsBase+"/git/refs#delete-a-reference")
		return
	}
	delete(f.refs, name)
	if br, ok := strings.CutPrefix(name, "heads/"); ok {
		for _, p := range f.pulls {
			if p.State == "open" && p.Head == br {
				p.HeadSHA = sha
				p.State = "closed"
				p.ClosedAt = f.clock.Now()
				p.UpdatedAt = p.ClosedAt
			}
		}
	}
	w.WriteHeader(http.StatusNoContent)
}

func (f *Fake) commitJSON(c *commitObj) map[string]any {
	parents := make([]any, 0, len(c.Parents))
	for _, p := range c.Parents {
		parents = append(parents, map[string]any{"sha": p, "url": f.apiURL("git/commits/" + p), "html_url": f.htmlURL("commit/" + p)})
	}
	person := map[string]any{"name": c.AuthorName, "email": c.AuthorEmail, "date": ts(c.Date)}
	reason := "unsigned"
	if c.Verified {
		reason = "valid"
	}
	return map[string]any{
		"sha":       c.SHA,
		"node_id":   "C_" + c.SHA[:12],
		"url":       f.apiURL("git/commits/" + c.SHA),
		"html_url":  f.htmlURL("commit/" + c.SHA),
		"author":    person,
		"committer": person,
		"message":   c.Message,
		"tree":      map[string]any{"sha": c.Tree, "url": f.apiURL("git/trees/" + c.Tree)},
		"parents":   parents,
		"verification": map[string]any{
			"verified": c.Verified, "reason": reason, "signature": nil, "payload": nil,
		},
	}
}

// getCommit plays GET /repos/{owner}/{repo}/git/commits/{sha}
// (https://docs.github.com/rest/git/commits#get-a-commit-object).
func (f *Fake) getCommit(w http.ResponseWriter, sha string) {
	c, ok := f.git.commits[sha]
	if !ok {
		notFound(w, docsBase+"/git/commits#get-a-commit-object")
		return
	}
	writeJSON(w, http.StatusOK, f.commitJSON(c))
}

// createCommit plays POST /repos/{owner}/{repo}/git/commits
// (https://docs.github.com/rest/git/commits#create-a-commit). Without an
// author the commit is the token's (the bot's) and shows as verified.
func (f *Fake) createCommit(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/git/commits#create-a-commit"
	var req struct {
		Message *string  `json:"message"`
		Tree    *string  `json:"tree"`
		Parents []string `json:"parents"`
		Author  *struct {
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"author"`
		Committer json.RawMessage `json:"committer"`
		Signature *string         `json:"signature"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Message == nil || req.Tree == nil {
		notSupplied(w, doc, "message", "tree")
		return
	}
	if _, ok := f.git.trees[*req.Tree]; !ok {
		unprocessable(w, "Tree SHA does not exist", doc)
		return
	}
	for _, p := range req.Parents {
		if _, ok := f.git.commits[p]; !ok {
			unprocessable(w, "Parent SHA does not exist or is not a commit object", doc)
			return
		}
	}
	c := commitObj{
		Tree:        *req.Tree,
		Parents:     req.Parents,
		Message:     *req.Message,
		AuthorName:  f.bot,
		AuthorEmail: "41898282+" + f.bot + "@users.noreply.github.com",
		Login:       f.bot,
		Date:        f.clock.Now(),
		Verified:    req.Signature == nil && len(req.Committer) == 0,
	}
	if req.Author != nil {
		c.AuthorName, c.AuthorEmail, c.Verified = req.Author.Name, req.Author.Email, false
		c.Login = ""
	}
	sha := f.git.putCommit(c)
	writeJSON(w, http.StatusCreated, f.commitJSON(f.git.commits[sha]))
}

// resolveCommit accepts a commit SHA, "heads/x", "refs/heads/x" or a branch name.
func (f *Fake) resolveCommit(ish string) (string, bool) {
	if _, ok := f.git.commits[ish]; ok {
		return ish, true
	}
	ish = strings.TrimPrefix(ish, "refs/")
	if sha, ok := f.refs[ish]; ok {
		return sha, true
	}
	if sha, ok := f.refs["heads/"+ish]; ok {
		return sha, true
	}
	if sha, ok := f.refs["tags/"+ish]; ok {
		return sha, true
	}
	return "", false
}

// wrap64 encodes b in base64 with a newline every 60 characters, as GitHub does.
func wrap64(b []byte) string {
	s := base64.StdEncoding.EncodeToString(b)
	var sb strings.Builder
	for len(s) > 60 {
		sb.WriteString(s[:60])
		sb.WriteByte('\n')
		s = s[60:]
	}
	sb.WriteString(s)
	sb.WriteByte('\n')
	return sb.String()
}

// getBlob plays GET /repos/{owner}/{repo}/git/blobs/{file_sha}
// (https://docs.github.com/rest/git/blobs#get-a-blob).
func (f *Fake) getBlob(w http.ResponseWriter, sha string) {
	b, ok := f.git.blobs[sha]
	if !ok {
		notFound(w, docsBase+"/git/blobs#get-a-blob")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"sha": sha, "node_id": "B_" + sha[:12], "size": len(b),
		"url": f.apiURL("git/blobs/" + sha), "content": wrap64(b), "encoding": "base64",
	})
}

// createBlob plays POST /repos/{owner}/{repo}/git/blobs
// (https://docs.github.com/rest/git/blobs#create-a-blob).
func (f *Fake) createBlob(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/git/blobs#create-a-blob"
	var req struct {
		Content  *string `json:"content"`
		Encoding string  `json:"encoding"`
	}
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Content == nil {
		notSupplied(w, doc, "content")
		return
	}
	var data []byte
	switch req.Encoding {
	case "", "utf-8":
		data = []byte(*req.Content)
	case "base64":
		d, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(*req.Content, "\n", ""))
		if err != nil {
			unprocessable(w, "Invalid request.\n\ncontent is not valid Base64.", doc)
			return
		}
		data = d
	default:
		unprocessable(w, fmt.Sprintf("encoding %q is not supported", req.Encoding), doc)
		return
	}
	sha := f.git.putBlob(data)
	writeJSON(w, http.StatusCreated, map[string]any{"sha": sha, "url": f.apiURL("git/blobs/" + sha)})
}

// maxContentsSize is the largest file the contents API returns inline.
const maxContentsSize = 1 << 20

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}
