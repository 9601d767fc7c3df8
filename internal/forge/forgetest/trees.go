package forgetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

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
	if !decodeJSON(w, body, &req, doc) {
		return
	}
	if req.Tree == nil {
		notSupplied(w, doc, "tree")
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
