package forgetest

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/forge"
)

// The helpers below act on the fake's state directly, as the repository's
// humans would through the web UI or a git push; none of them counts as a
// request. They fail the test (via Fatalf) on impossible requests, so call
// them from the test goroutine.

func (f *Fake) commitFiles(parent string, files map[string]string, del []string) string {
	t := flatTree{}
	if parent != "" {
		t = f.git.trees[f.git.commits[parent].Tree].clone()
	}
	for p, c := range files {
		mode := modeFile
		if old, ok := t[p]; ok && old.Type == "blob" {
			mode = old.Mode
		}
		t[p] = entry{Mode: mode, Type: "blob", SHA: f.git.putBlob([]byte(c))}
	}
	for _, p := range del {
		delete(t, p)
		t.removeDir(p)
	}
	return f.git.putTree(t)
}

func (f *Fake) humanCommit(branch, tree, message, login string, parents []string) string {
	sha := f.git.putCommit(commitObj{
		Tree: tree, Parents: parents, Message: message,
		AuthorName: login, AuthorEmail: login + "@users.noreply.github.com", Login: login,
		Date: f.clock.Now(),
	})
	f.refs["heads/"+branch] = sha
	return sha
}

// Seed commits files on branch as the repository owner, on top of the
// branch's current commit when it exists, and returns the commit SHA.
func (f *Fake) Seed(branch string, files map[string]string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	parent := f.refs["heads/"+branch]
	var parents []string
	if parent != "" {
		parents = []string{parent}
	}
	msg := "seed"
	if parent == "" {
		msg = "initial commit"
	}
	return f.humanCommit(branch, f.commitFiles(parent, files, nil), msg, f.owner, parents)
}

// PushForeignCommit pushes a commit that the bot did not make onto an
// existing branch: files are written over the branch's tree, authored by
// login ("someone" when empty). It returns the commit SHA.
func (f *Fake) PushForeignCommit(branch string, files map[string]string, login string) string {
	t := f.t
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	parent, ok := f.refs["heads/"+branch]
	if !ok {
		t.Fatalf("forgetest: PushForeignCommit: no branch %q", branch)
		return ""
	}
	if login == "" {
		login = "someone"
	}
	return f.humanCommit(branch, f.commitFiles(parent, files, nil), "fixup by "+login, login, []string{parent})
}

// Files returns the files on branch, or nil when the branch does not exist.
func (f *Fake) Files(branch string) map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	sha, ok := f.refs["heads/"+branch]
	if !ok {
		return nil
	}
	return f.git.files(f.git.commits[sha].Tree)
}

// Branches returns every branch and the commit it points at.
func (f *Fake) Branches() map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]string{}
	for ref, sha := range f.refs {
		if b, ok := strings.CutPrefix(ref, "heads/"); ok {
			out[b] = sha
		}
	}
	return out
}

func (f *Fake) toCommit(c *commitObj) forge.Commit {
	author := c.Login
	if author == "" {
		author = c.AuthorName
	}
	return forge.Commit{
		SHA: c.SHA, TreeSHA: c.Tree, Message: c.Message,
		Parents: append([]string{}, c.Parents...), Author: author, Verified: c.Verified,
	}
}

// Commit returns a commit by SHA.
func (f *Fake) Commit(sha string) (forge.Commit, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c, ok := f.git.commits[sha]
	if !ok {
		return forge.Commit{}, false
	}
	return f.toCommit(c), true
}

// History returns the first-parent history of branch, newest first.
func (f *Fake) History(branch string) []forge.Commit {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []forge.Commit
	for sha := f.refs["heads/"+branch]; sha != ""; {
		c := f.git.commits[sha]
		out = append(out, f.toCommit(c))
		sha = ""
		if len(c.Parents) > 0 {
			sha = c.Parents[0]
		}
	}
	return out
}

func (f *Fake) toPull(p *pull) forge.PullRequest {
	return forge.PullRequest{
		Number: p.Number, URL: f.htmlURL(fmt.Sprintf("pull/%d", p.Number)), State: p.State, Merged: p.Merged,
		Title: p.Title, Body: p.Body, Head: p.Head, Base: p.Base, HeadSHA: f.headSHA(p),
		Labels: append([]string(nil), p.Labels...), User: p.User, Draft: p.Draft,
		NodeID: "PR_" + strconv.Itoa(p.Number), AutoMerge: p.AutoMerge != "",
	}
}

// PullRequests returns every pull request, by number.
func (f *Fake) PullRequests() []forge.PullRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]forge.PullRequest, 0, len(f.pulls))
	for _, p := range f.pulls {
		if p.IsIssue {
			continue
		}
		out = append(out, f.toPull(p))
	}
	return out
}

// Label is a repository label.
type Label struct {
	Name, Color, Description string
}

// Labels returns the repository's labels sorted by name.
func (f *Fake) Labels() []Label {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]Label, 0, len(f.labels))
	for _, l := range f.labels {
		out = append(out, Label{Name: l.Name, Color: l.Color, Description: l.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// AddLabel creates a repository label, as a maintainer would.
func (f *Fake) AddLabel(name, color string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.findLabel(name) == nil {
		f.nextID++
		f.labels = append(f.labels, &label{ID: f.nextID, Name: name, Color: color})
	}
}

// Comments returns the bodies of the comments on pull request n, oldest first.
func (f *Fake) Comments(n int) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.comments[n] {
		out = append(out, c.Body)
	}
	return out
}

func (f *Fake) openPull(t testing.TB, op string, n int) *pull {
	t.Helper()
	if n < 1 || n > len(f.pulls) {
		t.Fatalf("forgetest: %s: no pull request #%d", op, n)
		return nil
	}
	p := f.pulls[n-1]
	if p.IsIssue {
		t.Fatalf("forgetest: %s: #%d is an issue", op, n)
		return nil
	}
	if p.State != "open" {
		t.Fatalf("forgetest: %s: pull request #%d is %s", op, n, p.State)
		return nil
	}
	return p
}

// Merge merges pull request n as a maintainer would with a merge commit:
// the head's changes since the merge base are applied over the base branch
// (the head wins any conflict), and the PR is marked merged and closed.
// It returns the merge commit SHA.
func (f *Fake) Merge(n int) string {
	t := f.t
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.openPull(t, "Merge", n)
	if p == nil {
		return ""
	}
	if _, ok := f.refs["heads/"+p.Base]; !ok {
		t.Fatalf("forgetest: Merge: base branch %q is gone", p.Base)
		return ""
	}
	return f.mergePull(p, "merge", f.owner)
}

// mergedTree applies head's changes since its merge base with base over
// base's tree (head wins), and reports whether both sides changed a path
// differently (a conflict, judged per file).
func (f *Fake) mergedTree(base, head string) (flatTree, bool) {
	mb := f.git.mergeBase(base, head)
	var mbTree flatTree
	if mb != "" {
		mbTree = f.git.trees[f.git.commits[mb].Tree]
	}
	headTree := f.git.trees[f.git.commits[head].Tree]
	baseTree := f.git.trees[f.git.commits[base].Tree]
	result := baseTree.clone()
	conflict := false
	for path, e := range headTree {
		if old, ok := mbTree[path]; !ok || old != e {
			if b, ok := baseTree[path]; ok && b != e && b != mbTree[path] {
				conflict = true
			}
			result[path] = e
		}
	}
	for path := range mbTree {
		if _, ok := headTree[path]; !ok {
			if baseTree[path] != mbTree[path] {
				conflict = true
			}
			delete(result, path)
		}
	}
	return result, conflict
}

// mergePull merges open pull request p into its base with method (merge:
// a two-parent merge commit; squash and rebase: one commit on the base, as
// GitHub makes for a single-commit pull request) and returns the new base tip.
func (f *Fake) mergePull(p *pull, method, login string) string {
	head := f.headSHA(p)
	base := f.refs["heads/"+p.Base]
	result, _ := f.mergedTree(base, head)
	msg := fmt.Sprintf("Merge pull request #%d from %s/%s\n\n%s", p.Number, f.owner, p.Head, p.Title)
	parents := []string{base, head}
	if method != "merge" {
		msg = fmt.Sprintf("%s (#%d)", p.Title, p.Number)
		parents = []string{base}
	}
	sha := f.git.putCommit(commitObj{
		Tree: f.git.putTree(result), Parents: parents, Message: msg,
		AuthorName: login, AuthorEmail: login + "@users.noreply.github.com", Login: login,
		Date: f.clock.Now(), Verified: true,
	})
	f.refs["heads/"+p.Base] = sha
	now := f.clock.Now()
	p.HeadSHA, p.State, p.Merged, p.MergeSHA = head, "closed", true, sha
	p.ClosedAt, p.MergedAt, p.UpdatedAt = now, now, now
	return sha
}

// Close closes pull request n without merging, as a person would.
func (f *Fake) Close(n int) {
	t := f.t
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.openPull(t, "Close", n)
	if p == nil {
		return
	}
	now := f.clock.Now()
	p.HeadSHA, p.State, p.ClosedAt, p.UpdatedAt = f.headSHA(p), "closed", now, now
}

// DeleteBranch deletes a branch as a person would; open pull requests from
// it are closed, as on GitHub.
func (f *Fake) DeleteBranch(branch string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	sha, ok := f.refs["heads/"+branch]
	if !ok {
		return
	}
	delete(f.refs, "heads/"+branch)
	now := f.clock.Now()
	for _, p := range f.pulls {
		if p.State == "open" && p.Head == branch {
			p.HeadSHA, p.State, p.ClosedAt, p.UpdatedAt = sha, "closed", now, now
		}
	}
}

// AmendCommit replaces the head commit of branch by an amended one, as a
// person running `git commit --amend` and force-pushing would: same
// parents and message, files written over its tree, authored by login.
// It returns the new commit's SHA.
func (f *Fake) AmendCommit(branch string, files map[string]string, login string) string {
	t := f.t
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	head, ok := f.refs["heads/"+branch]
	if !ok {
		t.Fatalf("forgetest: AmendCommit: no branch %q", branch)
		return ""
	}
	c := f.git.commits[head]
	return f.humanCommit(branch, f.commitFiles(head, files, nil), c.Message, login, append([]string(nil), c.Parents...))
}
