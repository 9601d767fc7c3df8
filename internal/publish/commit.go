package publish

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/rewrite"
)

// commit builds the group's file contents on the current base and points
// the branch at one new commit (force: the branch is bosun's), returning
// the commit's SHA. When the branch (commits beyond the base) already is
// exactly that commit, it is reused: no write.
func (p *publisher) commit(ctx context.Context, g plan.Group, title string, commits []forge.Commit) (string, error) {
	if len(commits) == 1 {
		c := commits[0]
		if trailerHash(c.Message) == g.Hash && len(c.Parents) == 1 && c.Parents[0] == p.baseSHA {
			return c.SHA, nil
		}
	}
	edits := plan.Edits(g.Updates)
	byFile := map[string][]rewrite.Edit{}
	for _, e := range edits {
		byFile[e.File] = append(byFile[e.File], e)
	}
	paths := make([]string, 0, len(byFile))
	for f := range byFile {
		paths = append(paths, f)
	}
	sort.Strings(paths)
	files := make([]forge.File, 0, len(paths))
	for _, file := range paths {
		repoPath := path.Join(p.opts.PathPrefix, file)
		src, err := p.read(ctx, file, repoPath)
		if err != nil {
			return "", fmt.Errorf("read %s at %s: %w", repoPath, p.base, err)
		}
		out, err := rewrite.Apply(src, byFile[file])
		if err != nil {
			return "", fmt.Errorf("rewrite %s: %w", repoPath, err)
		}
		if !bytes.Equal(out, src) {
			files = append(files, forge.File{Path: repoPath, Content: out})
		}
	}
	if len(files) == 0 {
		return "", fmt.Errorf("group %s changes nothing on %s", g.Name, p.base)
	}
	sha, err := p.f.CommitFiles(ctx, p.baseSHA, g.Branch, commitMessage(g, title), files, true)
	if err != nil {
		return "", wrap(err, "commit to %s", g.Branch)
	}
	p.pushed[g.Branch] = sha
	return sha, nil
}

func (p *publisher) read(ctx context.Context, file, repoPath string) ([]byte, error) {
	if p.opts.Local != nil {
		if data, ok := p.opts.Local(p.baseSHA, file); ok {
			return data, nil
		}
	}
	return p.f.ReadFile(ctx, p.baseSHA, repoPath)
}

func commitMessage(g plan.Group, title string) string {
	var b strings.Builder
	b.WriteString(title)
	b.WriteString("\n\n")
	for _, u := range g.Updates {
		fmt.Fprintf(&b, "- %s: %s %s → %s\n", u.Ref.Loc.File, u.Ref.Chart, u.Ref.Version, u.NewValue)
	}
	fmt.Fprintf(&b, "\n%s %s\n", Trailer, g.Hash)
	return b.String()
}
