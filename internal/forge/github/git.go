package github

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"path"
	"strings"
	"unicode/utf8"

	gh "github.com/google/go-github/v60/github"

	"github.com/bosunhq/bosun/internal/forge"
)

// DefaultBranch returns the repository's default branch (cached per client).
func (c *Client) DefaultBranch(ctx context.Context) (string, error) {
	c.mu.Lock()
	b := c.defaultB
	c.mu.Unlock()
	if b != "" {
		return b, nil
	}
	var repo *gh.Repository
	err := c.call(ctx, "get repository "+c.owner+"/"+c.repo, func(g *gh.Client) (r *gh.Response, err error) {
		repo, r, err = g.Repositories.Get(ctx, c.owner, c.repo)
		return r, err
	})
	if err != nil {
		return "", err
	}
	b = repo.GetDefaultBranch()
	if b == "" {
		return "", fmt.Errorf("get repository %s/%s: no default branch", c.owner, c.repo)
	}
	c.mu.Lock()
	c.defaultB = b
	c.mu.Unlock()
	return b, nil
}

// BranchSHA returns the commit a branch points at; forge.ErrNotFound when
// the branch does not exist.
func (c *Client) BranchSHA(ctx context.Context, branch string) (string, error) {
	var ref *gh.Reference
	err := c.call(ctx, "get branch "+branch, func(g *gh.Client) (r *gh.Response, err error) {
		ref, r, err = g.Git.GetRef(ctx, c.owner, c.repo, "heads/"+branch)
		return r, err
	})
	if err != nil {
		return "", err
	}
	if ref.GetObject().GetSHA() == "" {
		return "", fmt.Errorf("get branch %s: empty reference", branch)
	}
	return ref.GetObject().GetSHA(), nil
}

// GetCommit returns a git commit object. Author is the git author name
// (the Git Data API links no account).
func (c *Client) GetCommit(ctx context.Context, sha string) (forge.Commit, error) {
	var cm *gh.Commit
	err := c.call(ctx, "get commit "+sha, func(g *gh.Client) (r *gh.Response, err error) {
		cm, r, err = g.Git.GetCommit(ctx, c.owner, c.repo, sha)
		return r, err
	})
	if err != nil {
		return forge.Commit{}, err
	}
	return toCommit(cm, nil), nil
}

func toCommit(cm *gh.Commit, author *gh.User) forge.Commit {
	out := forge.Commit{
		SHA:      cm.GetSHA(),
		TreeSHA:  cm.GetTree().GetSHA(),
		Message:  cm.GetMessage(),
		Parents:  []string{},
		Author:   cm.GetAuthor().GetName(),
		Verified: cm.GetVerification().GetVerified(),
	}
	if author.GetLogin() != "" {
		out.Author = author.GetLogin()
	}
	for _, p := range cm.Parents {
		out.Parents = append(out.Parents, p.GetSHA())
	}
	return out
}

// ReadFile returns the content of p at ref (a branch, tag or commit SHA;
// empty means the default branch). Files over the contents API's 1 MB limit
// are fetched through the blob API. A missing file is forge.ErrNotFound.
func (c *Client) ReadFile(ctx context.Context, ref, p string) ([]byte, error) {
	op := fmt.Sprintf("read %s@%s", p, ref)
	if strings.Contains(p, "..") {
		return nil, fmt.Errorf("%s: path must not contain \"..\"", op)
	}
	var file *gh.RepositoryContent
	var dir []*gh.RepositoryContent
	err := c.call(ctx, op, func(g *gh.Client) (r *gh.Response, err error) {
		file, dir, r, err = g.Repositories.GetContents(ctx, c.owner, c.repo, p, &gh.RepositoryContentGetOptions{Ref: ref})
		return r, err
	})
	var fe *forge.Error
	if errors.As(err, &fe) && fe.StatusCode == 403 && strings.Contains(strings.ToLower(fe.Message+strings.Join(fe.Details, " ")), "too large") {
		// Older GitHub versions refuse files over 1 MB outright: find the
		// blob in the parent directory's listing.
		return c.readViaDir(ctx, op, ref, p)
	}
	if err != nil {
		return nil, err
	}
	if file == nil {
		if dir != nil {
			return nil, fmt.Errorf("%s: is a directory", op)
		}
		return nil, fmt.Errorf("%s: empty response", op)
	}
	if file.GetType() != "file" && file.GetType() != "symlink" {
		return nil, fmt.Errorf("%s: is a %s", op, file.GetType())
	}
	if file.GetEncoding() == "none" || (file.Content == nil && file.GetSize() > 0) {
		return c.readBlob(ctx, op, file.GetSHA())
	}
	s, err := file.GetContent()
	if err != nil {
		return nil, fmt.Errorf("%s: decode: %w", op, err)
	}
	return []byte(s), nil
}

func (c *Client) readViaDir(ctx context.Context, op, ref, p string) ([]byte, error) {
	var dir []*gh.RepositoryContent
	parent := path.Dir(p)
	if parent == "." {
		parent = ""
	}
	err := c.call(ctx, op, func(g *gh.Client) (r *gh.Response, err error) {
		_, dir, r, err = g.Repositories.GetContents(ctx, c.owner, c.repo, parent, &gh.RepositoryContentGetOptions{Ref: ref})
		return r, err
	})
	if err != nil {
		return nil, err
	}
	for _, e := range dir {
		if e.GetPath() == p {
			return c.readBlob(ctx, op, e.GetSHA())
		}
	}
	return nil, fmt.Errorf("%s: %w", op, &forge.Error{Kind: forge.ErrNotFound, Message: "not in directory listing"})
}

func (c *Client) readBlob(ctx context.Context, op, sha string) ([]byte, error) {
	if sha == "" {
		return nil, fmt.Errorf("%s: no blob SHA", op)
	}
	var blob *gh.Blob
	err := c.call(ctx, op+": get blob "+sha, func(g *gh.Client) (r *gh.Response, err error) {
		blob, r, err = g.Git.GetBlob(ctx, c.owner, c.repo, sha)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	switch blob.GetEncoding() {
	case "base64":
		b, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(blob.GetContent(), "\n", ""))
		if err != nil {
			return nil, fmt.Errorf("%s: decode blob: %w", op, err)
		}
		return b, nil
	case "utf-8", "":
		return []byte(blob.GetContent()), nil
	default:
		return nil, fmt.Errorf("%s: unknown blob encoding %q", op, blob.GetEncoding())
	}
}

// gitBlobSHA is git's object name for content, as GitHub reports it.
func gitBlobSHA(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// CommitFiles commits files on top of parentSHA and points branch at the
// new commit, creating the branch or moving it (a fast-forward only, unless
// force). It returns the commit SHA.
//
// It uses the Git Data API: the parent's tree is read (to keep file modes
// and drop deletions of absent paths), a tree is posted over base_tree, and
// the commit is created with no author or committer so that a commit made
// with an Actions token shows as verified. When nothing changes, no commit
// is made and the branch is pointed at parentSHA.
func (c *Client) CommitFiles(ctx context.Context, parentSHA, branch, message string, files []forge.File, force bool) (string, error) {
	op := "commit to " + branch
	if parentSHA == "" || branch == "" {
		return "", fmt.Errorf("%s: parent SHA and branch are required", op)
	}
	parent, err := c.GetCommit(ctx, parentSHA)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	existing, err := c.treeEntries(ctx, parent.TreeSHA)
	if err != nil {
		return "", fmt.Errorf("%s: %w", op, err)
	}
	entries, err := c.treeChanges(ctx, op, existing, files)
	if err != nil {
		return "", err
	}
	sha := parentSHA
	if len(entries) > 0 {
		var tree *gh.Tree
		err = c.call(ctx, op+": create tree", func(g *gh.Client) (r *gh.Response, err error) {
			tree, r, err = g.Git.CreateTree(ctx, c.owner, c.repo, parent.TreeSHA, entries)
			return r, err
		})
		if err != nil {
			return "", err
		}
		var cm *gh.Commit
		err = c.call(ctx, op+": create commit", func(g *gh.Client) (r *gh.Response, err error) {
			cm, r, err = g.Git.CreateCommit(ctx, c.owner, c.repo, &gh.Commit{
				Message: gh.String(message),
				Tree:    &gh.Tree{SHA: tree.SHA},
				Parents: []*gh.Commit{{SHA: gh.String(parentSHA)}},
			}, nil)
			return r, err
		})
		if err != nil {
			return "", err
		}
		sha = cm.GetSHA()
	}
	if err := c.setBranch(ctx, op, branch, sha, force); err != nil {
		return "", err
	}
	c.log.Debug("committed", "branch", branch, "sha", sha, "files", len(files))
	return sha, nil
}

type treeEntry struct{ mode, typ, sha string }

// treeEntries lists a tree recursively; nil when GitHub truncated it (the
// modes are then unknown and every change is sent).
func (c *Client) treeEntries(ctx context.Context, treeSHA string) (map[string]treeEntry, error) {
	var tree *gh.Tree
	err := c.call(ctx, "get tree "+treeSHA, func(g *gh.Client) (r *gh.Response, err error) {
		tree, r, err = g.Git.GetTree(ctx, c.owner, c.repo, treeSHA, true)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	if tree.GetTruncated() {
		c.log.Warn("tree listing truncated, file modes unknown", "tree", treeSHA)
		return nil, nil
	}
	out := make(map[string]treeEntry, len(tree.Entries))
	for _, e := range tree.Entries {
		out[e.GetPath()] = treeEntry{mode: e.GetMode(), typ: e.GetType(), sha: e.GetSHA()}
	}
	return out, nil
}

// treeChanges turns files into tree entries, skipping no-op writes and
// deletions of paths the tree lacks (known only when existing is non-nil).
func (c *Client) treeChanges(ctx context.Context, op string, existing map[string]treeEntry, files []forge.File) ([]*gh.TreeEntry, error) {
	var entries []*gh.TreeEntry
	seen := map[string]bool{}
	for i := len(files) - 1; i >= 0; i-- { // the last change to a path wins
		f := files[i]
		p := strings.Trim(f.Path, "/")
		if p == "" || strings.Contains(p, "//") || path.Clean(p) != p || strings.HasPrefix(p, "../") {
			return nil, fmt.Errorf("%s: invalid path %q", op, f.Path)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		old, known := existing[p]
		if f.Deleted() {
			if existing != nil && !known {
				continue
			}
			if known && old.typ == "tree" {
				entries = append(entries, &gh.TreeEntry{Path: gh.String(p), Mode: gh.String("040000"), Type: gh.String("tree")})
				continue
			}
			entries = append(entries, &gh.TreeEntry{Path: gh.String(p), Mode: gh.String("100644"), Type: gh.String("blob")})
			continue
		}
		mode := "100644"
		if known && (old.mode == "100755" || old.mode == "100644") {
			mode = old.mode
		}
		if known && old.mode == mode && old.sha == gitBlobSHA(f.Content) {
			continue // unchanged
		}
		e := &gh.TreeEntry{Path: gh.String(p), Mode: gh.String(mode), Type: gh.String("blob")}
		if utf8.Valid(f.Content) && !bytes.ContainsRune(f.Content, 0) {
			e.Content = gh.String(string(f.Content))
		} else {
			sha, err := c.createBlob(ctx, op, f.Content)
			if err != nil {
				return nil, err
			}
			e.SHA = gh.String(sha)
		}
		entries = append(entries, e)
	}
	// Restore the caller's order (reversed above) for a readable request.
	for i, j := 0, len(entries)-1; i < j; i, j = i+1, j-1 {
		entries[i], entries[j] = entries[j], entries[i]
	}
	return entries, nil
}

func (c *Client) createBlob(ctx context.Context, op string, content []byte) (string, error) {
	var blob *gh.Blob
	err := c.call(ctx, op+": create blob", func(g *gh.Client) (r *gh.Response, err error) {
		blob, r, err = g.Git.CreateBlob(ctx, c.owner, c.repo, &gh.Blob{
			Content:  gh.String(base64.StdEncoding.EncodeToString(content)),
			Encoding: gh.String("base64"),
		})
		return r, err
	})
	if err != nil {
		return "", err
	}
	return blob.GetSHA(), nil
}

// setBranch creates refs/heads/branch at sha, or updates it when it exists.
func (c *Client) setBranch(ctx context.Context, op, branch, sha string, force bool) error {
	ref := &gh.Reference{Ref: gh.String("refs/heads/" + branch), Object: &gh.GitObject{SHA: gh.String(sha)}}
	err := c.call(ctx, op+": create ref", func(g *gh.Client) (r *gh.Response, err error) {
		_, r, err = g.Git.CreateRef(ctx, c.owner, c.repo, ref)
		return r, err
	})
	if err == nil {
		return nil
	}
	if !errors.Is(err, forge.ErrValidation) {
		return err
	}
	if !errors.Is(err, forge.ErrAlreadyExists) {
		// A bare "Reference update failed" is also seen for existing refs:
		// update only if the branch is really there.
		if _, gerr := c.BranchSHA(ctx, branch); gerr != nil {
			return err
		}
	}
	return c.call(ctx, op+": update ref", func(g *gh.Client) (r *gh.Response, err error) {
		_, r, err = g.Git.UpdateRef(ctx, c.owner, c.repo, ref, force)
		return r, err
	})
}

// DeleteBranch deletes a branch; forge.ErrNotFound when it does not exist.
func (c *Client) DeleteBranch(ctx context.Context, branch string) error {
	err := c.call(ctx, "delete branch "+branch, func(g *gh.Client) (*gh.Response, error) {
		return g.Git.DeleteRef(ctx, c.owner, c.repo, "heads/"+branch)
	})
	var fe *forge.Error
	if errors.As(err, &fe) && fe.StatusCode == 422 && strings.Contains(fe.Message, "does not exist") {
		return fmt.Errorf("delete branch %s: %w", branch, &forge.Error{Kind: forge.ErrNotFound, StatusCode: 422, Message: fe.Message})
	}
	return err
}

// ListCommits returns the commits reachable from head but not from base,
// oldest first, through the compare API. Author is the linked GitHub login
// when there is one ("bosun[bot]", "someone"), else the git author name.
func (c *Client) ListCommits(ctx context.Context, base, head string) ([]forge.Commit, error) {
	op := fmt.Sprintf("compare %s...%s", base, head)
	var out []forge.Commit
	opts := &gh.ListOptions{PerPage: 100}
	err := eachPage(ctx, c, op, &opts.Page, 0, func(g *gh.Client) ([]*gh.RepositoryCommit, *gh.Response, error) {
		cmp, r, err := g.Repositories.CompareCommits(ctx, c.owner, c.repo, base, head, opts)
		if err != nil {
			return nil, r, err
		}
		return cmp.Commits, r, nil
	}, func(rc *gh.RepositoryCommit) bool {
		if cm := rc.GetCommit(); cm != nil {
			cm.SHA = rc.SHA
			if len(cm.Parents) == 0 {
				cm.Parents = rc.Parents
			}
			out = append(out, toCommit(cm, rc.GetAuthor()))
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// escapeLabel escapes a label name for a URL path segment ("type/major").
func escapeLabel(name string) string { return url.PathEscape(name) }
