package publish

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/bosunhq/bosun/internal/forge"
)

// DryRun wraps a forge so that reads go through and every write is printed
// to w instead of being made.
func DryRun(f Forge, w io.Writer) Forge { return &dryRun{Forge: f, w: w} }

type dryRun struct {
	Forge
	mu sync.Mutex
	w  io.Writer
}

func (d *dryRun) printf(format string, a ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintf(d.w, "would "+format+"\n", a...)
}

func (d *dryRun) CommitFiles(_ context.Context, parentSHA, branch, message string, files []forge.File, force bool) (string, error) {
	paths := make([]string, 0, len(files))
	for _, f := range files {
		paths = append(paths, f.Path)
	}
	first, _, _ := strings.Cut(message, "\n")
	d.printf("commit %d file(s) on %.7s to branch %s (force=%v): %q: %s", len(files), parentSHA, branch, force, first, strings.Join(paths, ", "))
	return "0000000000000000000000000000000000000000", nil
}

func (d *dryRun) DeleteBranch(_ context.Context, branch string) error {
	d.printf("delete branch %s", branch)
	return nil
}

func (d *dryRun) CreatePullRequest(_ context.Context, s forge.Spec) (forge.PullRequest, error) {
	d.printf("open pull request %s → %s: %q labels=%s", s.Head, s.Base, s.Title, strings.Join(s.Labels, ","))
	return forge.PullRequest{Head: s.Head, Base: s.Base, Title: s.Title, State: forge.StateOpen}, nil
}

func (d *dryRun) UpdatePullRequest(_ context.Context, number int, s forge.Spec) error {
	d.printf("update pull request #%d: %q labels=%s", number, s.Title, strings.Join(s.Labels, ","))
	return nil
}

func (d *dryRun) ClosePullRequest(_ context.Context, number int, comment string) error {
	if comment != "" {
		d.printf("close pull request #%d with a comment", number)
		return nil
	}
	d.printf("close pull request #%d", number)
	return nil
}

func (d *dryRun) Comment(_ context.Context, number int, _ string) error {
	d.printf("comment on pull request #%d", number)
	return nil
}

func (d *dryRun) MergePullRequest(_ context.Context, number int, sha, method, _ string) error {
	d.printf("merge pull request #%d at %.7s (%s)", number, sha, method)
	return nil
}

func (d *dryRun) EnableAutoMerge(_ context.Context, nodeID, method string) error {
	d.printf("enable GitHub auto-merge on %s (%s)", nodeID, method)
	return nil
}

func (d *dryRun) RequestReviewers(_ context.Context, number int, reviewers []string) error {
	d.printf("request reviews on #%d from %s", number, strings.Join(reviewers, ", "))
	return nil
}

func (d *dryRun) AddAssignees(_ context.Context, number int, logins []string) error {
	d.printf("assign #%d to %s", number, strings.Join(logins, ", "))
	return nil
}

func (d *dryRun) CreateIssue(_ context.Context, title, _ string) (forge.Issue, error) {
	d.printf("create issue %q", title)
	return forge.Issue{Title: title}, nil
}

func (d *dryRun) UpdateIssue(_ context.Context, number int, title, _ string) error {
	d.printf("update issue #%d %q", number, title)
	return nil
}
