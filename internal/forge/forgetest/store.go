package forgetest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Git file modes GitHub accepts in trees.
const (
	modeFile    = "100644"
	modeExec    = "100755"
	modeDir     = "040000"
	modeSubmod  = "160000"
	modeSymlink = "120000"
)

// entry is one blob (or submodule) in a flat tree.
type entry struct {
	Mode string
	Type string // "blob" or "commit"
	SHA  string
}

// flatTree maps a full path ("a/b.yaml") to its entry. Directories are implicit.
type flatTree map[string]entry

type commitObj struct {
	SHA         string
	Tree        string
	Parents     []string
	Message     string
	AuthorName  string
	AuthorEmail string
	Login       string // GitHub account linked to the author; "" when none
	Date        time.Time
	Verified    bool
}

// store is an in-memory git object database. Blob SHAs are real git blob
// hashes; tree and commit SHAs are stable SHA-1s of their content (not git's
// exact encoding, which nothing here depends on).
type store struct {
	blobs   map[string][]byte
	trees   map[string]flatTree
	commits map[string]*commitObj
}

func newStore() *store {
	return &store{blobs: map[string][]byte{}, trees: map[string]flatTree{}, commits: map[string]*commitObj{}}
}

func blobSHA(content []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(content))
	h.Write(content)
	return hex.EncodeToString(h.Sum(nil))
}

func (s *store) putBlob(content []byte) string {
	sha := blobSHA(content)
	if _, ok := s.blobs[sha]; !ok {
		s.blobs[sha] = append([]byte(nil), content...)
	}
	return sha
}

func sortedPaths(t flatTree) []string {
	paths := make([]string, 0, len(t))
	for p := range t {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return paths
}

// putTree stores t and every subdirectory of it as trees of their own, and
// returns t's SHA.
func (s *store) putTree(t flatTree) string {
	h := sha1.New()
	h.Write([]byte("tree\x00"))
	for _, p := range sortedPaths(t) {
		e := t[p]
		fmt.Fprintf(h, "%s %s %s %s\n", e.Mode, e.Type, e.SHA, p)
	}
	sha := hex.EncodeToString(h.Sum(nil))
	if _, ok := s.trees[sha]; ok {
		return sha
	}
	cp := make(flatTree, len(t))
	for p, e := range t {
		cp[p] = e
	}
	s.trees[sha] = cp
	for dir := range t.dirs() {
		s.putTree(t.sub(dir))
	}
	return sha
}

// dirs returns the top-level directory names of t.
func (t flatTree) dirs() map[string]bool {
	d := map[string]bool{}
	for p := range t {
		if i := strings.IndexByte(p, '/'); i > 0 {
			d[p[:i]] = true
		}
	}
	return d
}

// sub returns the entries under dir, relative to it.
func (t flatTree) sub(dir string) flatTree {
	out := flatTree{}
	prefix := dir + "/"
	for p, e := range t {
		if strings.HasPrefix(p, prefix) {
			out[p[len(prefix):]] = e
		}
	}
	return out
}

func (t flatTree) clone() flatTree {
	out := make(flatTree, len(t))
	for p, e := range t {
		out[p] = e
	}
	return out
}

// removeDir deletes every entry under dir; it reports whether any existed.
func (t flatTree) removeDir(dir string) bool {
	found := false
	prefix := dir + "/"
	for p := range t {
		if strings.HasPrefix(p, prefix) {
			delete(t, p)
			found = true
		}
	}
	return found
}

func (s *store) putCommit(c commitObj) string {
	h := sha1.New()
	fmt.Fprintf(h, "commit\x00tree %s\n", c.Tree)
	for _, p := range c.Parents {
		fmt.Fprintf(h, "parent %s\n", p)
	}
	fmt.Fprintf(h, "author %s <%s> %d\nlogin %s\nverified %v\n\n%s", c.AuthorName, c.AuthorEmail, c.Date.Unix(), c.Login, c.Verified, c.Message)
	c.SHA = hex.EncodeToString(h.Sum(nil))
	if _, ok := s.commits[c.SHA]; !ok {
		cp := c
		cp.Parents = append([]string(nil), c.Parents...)
		s.commits[c.SHA] = &cp
	}
	return c.SHA
}

// ancestors returns every commit reachable from sha, sha included.
func (s *store) ancestors(sha string) map[string]bool {
	seen := map[string]bool{}
	stack := []string{sha}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		if obj, ok := s.commits[c]; ok {
			stack = append(stack, obj.Parents...)
		}
	}
	return seen
}

// isAncestor reports whether a is reachable from b (a == b counts).
func (s *store) isAncestor(a, b string) bool { return s.ancestors(b)[a] }

// only returns the commits reachable from head but not from base, parents
// before children (oldest first).
func (s *store) only(head, base string) []string {
	exclude := s.ancestors(base)
	var out []string
	done := map[string]bool{}
	var visit func(string)
	visit = func(c string) {
		if c == "" || done[c] || exclude[c] {
			return
		}
		done[c] = true
		if obj, ok := s.commits[c]; ok {
			for _, p := range obj.Parents {
				visit(p)
			}
		}
		out = append(out, c)
	}
	visit(head)
	return out
}

// mergeBase returns the newest commit reachable from both, or "".
func (s *store) mergeBase(a, b string) string {
	inA := s.ancestors(a)
	// Breadth-first from b finds the nearest common ancestor.
	queue := []string{b}
	seen := map[string]bool{}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == "" || seen[c] {
			continue
		}
		seen[c] = true
		if inA[c] {
			return c
		}
		if obj, ok := s.commits[c]; ok {
			queue = append(queue, obj.Parents...)
		}
	}
	return ""
}

// files returns the decoded files of a tree (submodules excluded).
func (s *store) files(treeSHA string) map[string]string {
	out := map[string]string{}
	for p, e := range s.trees[treeSHA] {
		if e.Type == "blob" {
			out[p] = string(s.blobs[e.SHA])
		}
	}
	return out
}
