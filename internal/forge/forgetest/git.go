package forgetest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
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
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	if req.Ref == nil || req.SHA == nil {
		unprocessable(w, "Invalid request.\n\n\"ref\", \"sha\" weren't supplied.", doc)
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
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	if req.SHA == nil {
		unprocessable(w, "Invalid request.\n\n\"sha\" wasn't supplied.", doc)
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
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	if req.Message == nil || req.Tree == nil {
		unprocessable(w, "Invalid request.\n\n\"message\", \"tree\" weren't supplied.", doc)
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

// resolveTree accepts a tree SHA, a commit SHA or a branch name (GitHub
// accepts any tree-ish) and returns the tree SHA.
func (f *Fake) resolveTree(ish string) (string, bool) {
	if _, ok := f.git.trees[ish]; ok {
		return ish, true
	}
	if c, ok := f.resolveCommit(ish); ok {
		return f.git.commits[c].Tree, true
	}
	return "", false
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

func (f *Fake) treeEntriesJSON(t flatTree, recursive bool) []any {
	out := []any{}
	add := func(p string, e entry) {
		m := map[string]any{"path": p, "mode": e.Mode, "type": e.Type, "sha": e.SHA}
		switch e.Type {
		case "blob":
			m["size"] = len(f.git.blobs[e.SHA])
			m["url"] = f.apiURL("git/blobs/" + e.SHA)
		case "tree":
			m["url"] = f.apiURL("git/trees/" + e.SHA)
		}
		out = append(out, m)
	}
	// Collect directories, then list everything in path order as git does.
	all := map[string]entry{}
	for p, e := range t {
		parts := strings.Split(p, "/")
		if !recursive && len(parts) > 1 {
			dir := parts[0]
			all[dir] = entry{Mode: modeDir, Type: "tree", SHA: f.git.putTree(t.sub(dir))}
			continue
		}
		all[p] = e
		if recursive {
			for i := 1; i < len(parts); i++ {
				dir := strings.Join(parts[:i], "/")
				if _, ok := all[dir]; !ok {
					all[dir] = entry{Mode: modeDir, Type: "tree", SHA: f.git.putTree(t.sub(dir))}
				}
			}
		}
	}
	for _, p := range sortedPaths(all) {
		add(p, all[p])
	}
	return out
}

// getTree plays GET /repos/{owner}/{repo}/git/trees/{tree_sha}?recursive=1
// (https://docs.github.com/rest/git/trees#get-a-tree).
func (f *Fake) getTree(w http.ResponseWriter, r *http.Request, ish string) {
	sha, ok := f.resolveTree(ish)
	if !ok {
		notFound(w, docsBase+"/git/trees#get-a-tree")
		return
	}
	rec := r.URL.Query().Get("recursive")
	writeJSON(w, http.StatusOK, map[string]any{
		"sha":       sha,
		"url":       f.apiURL("git/trees/" + sha),
		"tree":      f.treeEntriesJSON(f.git.trees[sha], rec != "" && rec != "0" && rec != "false"),
		"truncated": false,
	})
}

// createTree plays POST /repos/{owner}/{repo}/git/trees
// (https://docs.github.com/rest/git/trees#create-a-tree): entries are
// applied in order over base_tree; an entry with "sha": null deletes its path.
func (f *Fake) createTree(w http.ResponseWriter, body []byte) {
	const doc = docsBase + "/git/trees#create-a-tree"
	var req struct {
		BaseTree *string                      `json:"base_tree"`
		Tree     []map[string]json.RawMessage `json:"tree"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	if req.Tree == nil {
		unprocessable(w, "Invalid request.\n\n\"tree\" wasn't supplied.", doc)
		return
	}
	t := flatTree{}
	if req.BaseTree != nil && *req.BaseTree != "" {
		base, ok := f.resolveTree(*req.BaseTree)
		if !ok {
			unprocessable(w, "base_tree is not a valid tree oid", doc)
			return
		}
		t = f.git.trees[base].clone()
	}
	str := func(m map[string]json.RawMessage, k string) (string, bool, bool) { // value, present, null
		raw, ok := m[k]
		if !ok {
			return "", false, false
		}
		if string(raw) == "null" {
			return "", true, true
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", true, false
		}
		return s, true, false
	}
	for _, e := range req.Tree {
		p, _, _ := str(e, "path")
		mode, _, _ := str(e, "mode")
		typ, _, _ := str(e, "type")
		sha, shaSet, shaNull := str(e, "sha")
		content, contentSet, _ := str(e, "content")
		if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "//") {
			unprocessable(w, "tree.path contains a malformed path component", doc)
			return
		}
		switch mode {
		case modeFile, modeExec, modeDir, modeSubmod, modeSymlink:
		default:
			unprocessable(w, fmt.Sprintf("tree.mode %q is invalid", mode), doc)
			return
		}
		if shaSet && !shaNull && contentSet {
			unprocessable(w, "Must supply either tree.sha or tree.content. Request will be rejected if both are present.", doc)
			return
		}
		switch {
		case shaNull:
			// Deleting a path the tree lacks fails on GitHub too. [unverified message]
			_, isFile := t[p]
			delete(t, p)
			if !t.removeDir(p) && !isFile {
				unprocessable(w, "GitRPC::BadObjectState", doc)
				return
			}
		case contentSet:
			if typ == "" {
				typ = "blob"
			}
			if typ != "blob" {
				unprocessable(w, "tree.type must be blob when tree.content is given", doc)
				return
			}
			t.removeDir(p)
			t[p] = entry{Mode: mode, Type: "blob", SHA: f.git.putBlob([]byte(content))}
		case shaSet:
			switch {
			case mode == modeSubmod || typ == "commit":
				t.removeDir(p)
				t[p] = entry{Mode: modeSubmod, Type: "commit", SHA: sha}
			case mode == modeDir || typ == "tree":
				sub, ok := f.git.trees[sha]
				if !ok {
					unprocessable(w, fmt.Sprintf("tree.sha %s is not a valid tree", sha), doc)
					return
				}
				delete(t, p)
				t.removeDir(p)
				for sp, se := range sub {
					t[p+"/"+sp] = se
				}
			default:
				if _, ok := f.git.blobs[sha]; !ok {
					unprocessable(w, fmt.Sprintf("tree.sha %s is not a valid blob", sha), doc)
					return
				}
				t.removeDir(p)
				t[p] = entry{Mode: mode, Type: "blob", SHA: sha}
			}
		default:
			unprocessable(w, "Must supply either tree.sha or tree.content.", doc)
			return
		}
	}
	// A file cannot also be a directory.
	for p := range t {
		for i := strings.IndexByte(p, '/'); i > 0; i = nextSlash(p, i) {
			if _, clash := t[p[:i]]; clash {
				unprocessable(w, "tree.path contains a malformed path component", doc)
				return
			}
		}
	}
	sha := f.git.putTree(t)
	writeJSON(w, http.StatusCreated, map[string]any{
		"sha":       sha,
		"url":       f.apiURL("git/trees/" + sha),
		"tree":      f.treeEntriesJSON(t, false),
		"truncated": false,
	})
}

func nextSlash(p string, i int) int {
	j := strings.IndexByte(p[i+1:], '/')
	if j < 0 {
		return -1
	}
	return i + 1 + j
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
	if err := json.Unmarshal(body, &req); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return
	}
	if req.Content == nil {
		unprocessable(w, "Invalid request.\n\n\"content\" wasn't supplied.", doc)
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

// getContents plays GET /repos/{owner}/{repo}/contents/{path}?ref=
// (https://docs.github.com/rest/repos/contents#get-repository-content).
// Files over 1 MB come back with empty content and encoding "none".
func (f *Fake) getContents(w http.ResponseWriter, r *http.Request, p string) {
	const doc = docsBase + "/repos/contents#get-repository-content"
	if len(f.git.commits) == 0 {
		writeError(w, http.StatusNotFound, "This repository is empty.", doc)
		return
	}
	ref := r.URL.Query().Get("ref")
	if ref == "" {
		ref = f.defaultBranch
	}
	treeSHA, ok := f.resolveTree(ref)
	if !ok {
		writeError(w, http.StatusNotFound, "No commit found for the ref "+ref, doc)
		return
	}
	t := f.git.trees[treeSHA]
	p = strings.Trim(p, "/")
	item := func(path string, e entry) map[string]any {
		name := path[strings.LastIndexByte(path, '/')+1:]
		m := map[string]any{
			"name": name, "path": path, "sha": e.SHA,
			"url":      f.apiURL("contents/" + path + "?ref=" + url.QueryEscape(ref)),
			"html_url": f.htmlURL("blob/" + ref + "/" + path),
		}
		switch e.Type {
		case "blob":
			m["type"] = "file"
			if e.Mode == modeSymlink {
				m["type"] = "symlink"
			}
			m["size"] = len(f.git.blobs[e.SHA])
			m["git_url"] = f.apiURL("git/blobs/" + e.SHA)
			m["download_url"] = f.URL + "/raw/" + f.owner + "/" + f.repo + "/" + ref + "/" + path
		case "tree":
			m["type"] = "dir"
			m["size"] = 0
			m["git_url"] = f.apiURL("git/trees/" + e.SHA)
		case "commit":
			m["type"] = "submodule"
			m["size"] = 0
		}
		return m
	}
	if e, ok := t[p]; ok && p != "" {
		m := item(p, e)
		if e.Type == "blob" {
			b := f.git.blobs[e.SHA]
			if len(b) > maxContentsSize {
				m["content"], m["encoding"] = "", "none"
			} else {
				m["content"], m["encoding"] = wrap64(b), "base64"
			}
		}
		writeJSON(w, http.StatusOK, m)
		return
	}
	dir := t
	if p != "" {
		dir = t.sub(p)
		if len(dir) == 0 {
			notFound(w, doc)
			return
		}
	}
	var list []any
	for _, e := range f.treeEntriesJSON(dir, false) {
		m := e.(map[string]any)
		rel := m["path"].(string)
		full := rel
		if p != "" {
			full = p + "/" + rel
		}
		list = append(list, item(full, entry{Mode: m["mode"].(string), Type: m["type"].(string), SHA: m["sha"].(string)}))
	}
	writeJSON(w, http.StatusOK, list)
}

// compare plays GET /repos/{owner}/{repo}/compare/{base}...{head}
// (https://docs.github.com/rest/commits/commits#compare-two-commits):
// commits reachable from head and not from base, oldest first, paginated.
func (f *Fake) compare(w http.ResponseWriter, r *http.Request, spec string) {
	const doc = docsBase + "/commits/commits#compare-two-commits"
	i := strings.Index(spec, "...")
	if i < 0 {
		notFound(w, doc)
		return
	}
	strip := func(s string) string {
		if j := strings.IndexByte(s, ':'); j >= 0 {
			return s[j+1:]
		}
		return s
	}
	base, okB := f.resolveCommit(strip(spec[:i]))
	head, okH := f.resolveCommit(strip(spec[i+3:]))
	if !okB || !okH {
		notFound(w, doc)
		return
	}
	ahead := f.git.only(head, base)
	behind := f.git.only(base, head)
	status := "identical"
	switch {
	case len(ahead) > 0 && len(behind) > 0:
		status = "diverged"
	case len(ahead) > 0:
		status = "ahead"
	case len(behind) > 0:
		status = "behind"
	}
	mb := f.git.mergeBase(base, head)
	lo, hi := f.page(w, r, len(ahead))
	commits := make([]any, 0, hi-lo)
	for _, sha := range ahead[lo:hi] {
		commits = append(commits, f.repoCommitJSON(f.git.commits[sha]))
	}
	out := map[string]any{
		"url":           f.apiURL("compare/" + spec),
		"html_url":      f.htmlURL("compare/" + spec),
		"status":        status,
		"ahead_by":      len(ahead),
		"behind_by":     len(behind),
		"total_commits": len(ahead),
		"base_commit":   f.repoCommitJSON(f.git.commits[base]),
		"commits":       commits,
		"files":         f.diffFiles(mb, head),
	}
	if mb != "" {
		out["merge_base_commit"] = f.repoCommitJSON(f.git.commits[mb])
	}
	writeJSON(w, http.StatusOK, out)
}

// repoCommitJSON is the "commit" shape of the commits and compare APIs,
// with the linked GitHub accounts.
func (f *Fake) repoCommitJSON(c *commitObj) map[string]any {
	m := map[string]any{
		"sha":      c.SHA,
		"node_id":  "C_" + c.SHA[:12],
		"commit":   f.commitJSON(c),
		"url":      f.apiURL("commits/" + c.SHA),
		"html_url": f.htmlURL("commit/" + c.SHA),
		"parents":  f.commitJSON(c)["parents"],
		"author":   nil,
	}
	if c.Login != "" {
		m["author"] = userJSON(c.Login)
		m["committer"] = userJSON(c.Login)
	}
	return m
}

func (f *Fake) diffFiles(from, to string) []any {
	var a, b flatTree
	if c, ok := f.git.commits[from]; ok {
		a = f.git.trees[c.Tree]
	}
	if c, ok := f.git.commits[to]; ok {
		b = f.git.trees[c.Tree]
	}
	paths := map[string]bool{}
	for p := range a {
		paths[p] = true
	}
	for p := range b {
		paths[p] = true
	}
	names := make([]string, 0, len(paths))
	for p := range paths {
		names = append(names, p)
	}
	sort.Strings(names)
	out := []any{}
	for _, p := range names {
		ea, inA := a[p]
		eb, inB := b[p]
		switch {
		case inA && !inB:
			out = append(out, map[string]any{"filename": p, "status": "removed", "sha": ea.SHA})
		case !inA && inB:
			out = append(out, map[string]any{"filename": p, "status": "added", "sha": eb.SHA})
		case ea != eb:
			out = append(out, map[string]any{"filename": p, "status": "modified", "sha": eb.SHA})
		}
	}
	return out
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}
