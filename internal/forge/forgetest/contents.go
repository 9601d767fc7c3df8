package forgetest

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
)

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
