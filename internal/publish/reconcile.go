package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/plan"
)

func (p *publisher) closeStale(ctx context.Context, pr forge.PullRequest) Outcome {
	o := Outcome{Branch: pr.Head, Title: pr.Title, Number: pr.Number, URL: pr.URL}
	md, ok := parseMeta(pr.Body)
	if !ok {
		o.Action, o.Detail = ActionUnchanged, "not made by bosun (no marker): left alone"
		return o
	}
	if k := p.heldBy(md.Keys); k != "" {
		o.Action, o.Detail = ActionHeld, "lookup failed for "+k+": left as it is"
		return o
	}
	if p.stop != nil {
		return p.notAttempted(pr.Head, pr.Title, pr.Number, pr.URL)
	}
	// The comment goes first: a pull request closed without it reads as
	// declined by a person. It is posted once, even when an earlier run
	// commented and then failed to close.
	if err := p.commentOnce(ctx, pr.Number, markSuperseded, supersededComment); err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	if err := p.f.ClosePullRequest(ctx, pr.Number, ""); err != nil {
		o.Action, o.Err = ActionFailed, wrap(err, "close pull request #%d", pr.Number)
		return o
	}
	if err := p.f.DeleteBranch(ctx, pr.Head); err != nil && !errors.Is(err, forge.ErrNotFound) {
		o.Action, o.Err = ActionFailed, wrap(err, "delete branch %s", pr.Head)
		return o
	}
	o.Action, o.Detail = ActionClosed, "no longer needed"
	return o
}

// declined returns the pull request a person closed unmerged for exactly
// this group content. Pull requests bosun closed itself (superseded) or told
// people to close (foreign commits) do not count. The branch's closed pull
// requests are looked up by its exact name (one request), only now that
// the group is about to get a new one.
func (p *publisher) declined(ctx context.Context, g plan.Group) (*forge.PullRequest, error) {
	prs, err := p.f.FindPullRequests(ctx, g.Branch, forge.StateClosed)
	if err != nil {
		return nil, wrap(err, "find closed pull requests for %s", g.Branch)
	}
	closed := slices.DeleteFunc(prs, func(pr forge.PullRequest) bool { return pr.Merged || pr.Head != g.Branch })
	slices.SortFunc(closed, func(a, b forge.PullRequest) int { return b.Number - a.Number })
	for _, pr := range closed {
		md, ok := parseMeta(pr.Body)
		if !ok || md.Hash != g.Hash {
			continue
		}
		comments, err := p.f.ListComments(ctx, pr.Number)
		if err != nil {
			return nil, wrap(err, "list comments on #%d", pr.Number)
		}
		if !hasMark(comments, markSuperseded) && !hasMark(comments, markForeign) {
			return &pr, nil
		}
	}
	return nil, nil
}

func (p *publisher) create(ctx context.Context, g plan.Group) Outcome {
	o := Outcome{Branch: g.Branch, Title: g.Title}
	pr, err := p.declined(ctx, g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	if pr != nil {
		o.Action, o.Number, o.URL = ActionDeclined, pr.Number, pr.URL
		o.Detail = fmt.Sprintf("#%d was closed unmerged: not proposed again until a newer version appears", pr.Number)
		return o
	}
	// A leftover branch (say, a pull request creation that failed last run)
	// is rebuilt, unless someone else committed to it.
	var commits []forge.Commit
	if _, err := p.f.BranchSHA(ctx, g.Branch); err == nil {
		commits, err = p.f.ListCommits(ctx, p.base, g.Branch)
		if err != nil {
			o.Action, o.Err = ActionFailed, wrap(err, "compare %s...%s", p.base, g.Branch)
			return o
		}
		if foreign := foreignIn(commits); foreign != "" {
			o.Action, o.Detail = ActionForeign, "branch exists with "+foreign+": not overwritten"
			return o
		}
	} else if !errors.Is(err, forge.ErrNotFound) {
		o.Action, o.Err = ActionFailed, wrap(err, "get branch %s", g.Branch)
		return o
	}
	spec, err := p.spec(g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	o.Title = spec.Title
	head, err := p.commit(ctx, g, spec.Title, commits)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	spec.Body = body(g, p.opts.Body, head, p.baseSHA)
	made, err := p.f.CreatePullRequest(ctx, spec)
	if err != nil && errors.Is(err, forge.ErrAlreadyExists) && made.Number == 0 {
		// An open pull request the listing did not show (GitHub's lists lag
		// behind writes): find it and bring it up to date.
		return p.adopt(ctx, g, spec, err)
	}
	if err != nil {
		o.Action, o.Number, o.URL = ActionFailed, made.Number, made.URL
		o.Err = wrap(err, "create pull request for %s", g.Branch)
		if made.Number == 0 && refusedBySetting(err) {
			// No pull request can be opened until someone changes the
			// setting: the branch would only be left behind.
			o.Err = p.dropBranch(ctx, g.Branch, o.Err)
		}
		return o
	}
	o.Action, o.Number, o.URL = ActionCreated, made.Number, made.URL
	p.heads[g.Branch] = liveHead{sha: head, nodeID: made.NodeID, own: true, fresh: true}
	o.Detail = p.assign(ctx, g, made.Number)
	return o
}

// refusedBySetting reports whether the forge refused err's request because of
// a forge setting rather than the token's permissions.
func refusedBySetting(err error) bool {
	var fe *forge.Error
	return errors.As(err, &fe) && errors.Is(fe, forge.ErrPermission) && fe.Setting != ""
}

// dropBranch deletes branch, which bosun pushed for a pull request the forge
// refused to open, and says so in cause.
func (p *publisher) dropBranch(ctx context.Context, branch string, cause error) error {
	if err := p.f.DeleteBranch(ctx, branch); err != nil && !errors.Is(err, forge.ErrNotFound) {
		return fmt.Errorf("%w; %w", cause, wrap(err, "delete branch %s", branch))
	}
	return fmt.Errorf("%w; branch %s deleted", cause, branch)
}

// adopt updates the open pull request of g's branch after creating one
// failed because it exists.
func (p *publisher) adopt(ctx context.Context, g plan.Group, spec forge.Spec, createErr error) Outcome {
	// update brings it current exactly as if the listing had shown it.
	o := Outcome{Branch: g.Branch, Title: spec.Title, Action: ActionFailed}
	prs, err := p.f.FindPullRequests(ctx, g.Branch, forge.StateOpen) // by exact head: one request
	if err != nil {
		o.Err = fmt.Errorf("%w; find it: %w", wrap(createErr, "create pull request for %s", g.Branch), err)
		return o
	}
	i := slices.IndexFunc(prs, func(pr forge.PullRequest) bool { return pr.Head == g.Branch })
	if i < 0 {
		o.Err = fmt.Errorf("%w (and no open pull request found)", wrap(createErr, "create pull request for %s", g.Branch))
		return o
	}
	return p.update(ctx, g, prs[i])
}

func (p *publisher) update(ctx context.Context, g plan.Group, pr forge.PullRequest) Outcome {
	o := Outcome{Branch: g.Branch, Title: g.Title, Number: pr.Number, URL: pr.URL}
	md, hasMeta := parseMeta(pr.Body)
	if hasMeta {
		if k := p.heldBy(md.Keys); k != "" {
			o.Action, o.Title, o.Detail = ActionHeld, pr.Title, "lookup failed for "+k+": left as it is"
			return o
		}
	}
	// A person who ticks the rebase box asks for a rebuild, even over
	// commits bosun did not make.
	asked := rebaseTicked(pr.Body)
	commits, merged, foreign, err := p.ownership(ctx, g, pr, md, hasMeta)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	if foreign != "" && !asked {
		return p.foreignPR(ctx, pr, o, foreign)
	}
	spec, err := p.spec(g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	o.Title = spec.Title
	reason := ""
	switch {
	case asked:
		reason = "rebuilt on the current base: the rebase box was ticked"
	case hasMeta && md.Hash == g.Hash:
		reason, err = p.staleBase(ctx, pr, md, merged)
		if err != nil {
			o.Action, o.Err = ActionFailed, err
			return o
		}
	}
	p.heads[g.Branch] = liveHead{sha: pr.HeadSHA, nodeID: pr.NodeID, autoMerge: pr.AutoMerge, own: !asked}
	if hasMeta && md.Hash == g.Hash && reason == "" {
		if labelsCurrent(pr.Labels, spec.Labels) {
			o.Action, o.Title = ActionUnchanged, pr.Title
			return o
		}
		// The content is current but an earlier run failed between opening
		// (or editing) the pull request and labelling it.
		head := md.Head
		if head == "" {
			head = pr.HeadSHA
		}
		spec.Body = body(g, p.opts.Body, head, md.Base)
		if err := p.f.UpdatePullRequest(ctx, pr.Number, spec); err != nil {
			o.Action, o.Err = ActionFailed, wrap(err, "update pull request #%d", pr.Number)
			return o
		}
		o.Action, o.Detail = ActionUpdated, "labels restored"
		return o
	}
	head, err := p.commit(ctx, g, spec.Title, commits)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	spec.Body = body(g, p.opts.Body, head, p.baseSHA)
	if err := p.f.UpdatePullRequest(ctx, pr.Number, spec); err != nil {
		o.Action, o.Err = ActionFailed, wrap(err, "update pull request #%d", pr.Number)
		return o
	}
	p.heads[g.Branch] = liveHead{sha: head, nodeID: pr.NodeID, autoMerge: pr.AutoMerge, own: true, fresh: true}
	o.Action, o.Detail = ActionUpdated, reason
	return o
}

// ownership reads the branch's commits beyond the base unless its head is
// the commit bosun recorded (then nobody else pushed), and describes the
// first foreign one. merged is set when the branch holds merges of the base.
func (p *publisher) ownership(ctx context.Context, g plan.Group, pr forge.PullRequest, md meta, hasMeta bool) (
	commits []forge.Commit, merged bool, foreign string, err error) {
	if hasMeta && md.Head != "" && md.Head == pr.HeadSHA {
		return nil, false, "", nil
	}
	commits, err = p.f.ListCommits(ctx, p.base, g.Branch)
	if err != nil {
		return nil, false, "", wrap(err, "compare %s...%s", p.base, g.Branch)
	}
	recorded := md.Head
	if pushed := p.pushed[g.Branch]; pushed != "" && pushed == pr.HeadSHA {
		// This run pushed it (a pull request the listing missed).
		recorded = pushed
	}
	if hasMeta && recorded != "" {
		foreign, merged = foreignSince(commits, recorded)
	} else {
		// A marker from before bosun recorded its commit: judge by trailer.
		foreign = foreignIn(commits)
	}
	return commits, merged, foreign, nil
}

// foreignPR leaves a pull request whose branch has someone else's commits,
// saying so once in a comment.
func (p *publisher) foreignPR(ctx context.Context, pr forge.PullRequest, o Outcome, foreign string) Outcome {
	o.Action, o.Title, o.Detail = ActionForeign, pr.Title, foreign+": no longer updated"
	if err := p.commentOnce(ctx, pr.Number, markForeign, foreignComment); err != nil {
		o.Action, o.Err = ActionFailed, err
	}
	return o
}

// commentOnce posts body on pull request n unless one of its comments
// already carries mark.
func (p *publisher) commentOnce(ctx context.Context, n int, mark, body string) error {
	comments, err := p.f.ListComments(ctx, n)
	if err != nil {
		return wrap(err, "list comments on #%d", n)
	}
	if hasMark(comments, mark) {
		return nil
	}
	if err := p.f.Comment(ctx, n, body); err != nil {
		return wrap(err, "comment on #%d", n)
	}
	return nil
}

// labelsCurrent reports whether a pull request carries the labels bosun
// sets: every wanted type/* label and no other type/* label (they say what
// the update is), and at least one of the wanted labels when there are any
// (none at all means labelling never happened). Other labels people add or
// remove are theirs.
func labelsCurrent(have, want []string) bool {
	has := map[string]bool{}
	for _, l := range have {
		has[strings.ToLower(l)] = true
	}
	wants := map[string]bool{}
	anyPresent := false
	for _, l := range want {
		l = strings.ToLower(l)
		wants[l] = true
		if has[l] {
			anyPresent = true
		} else if strings.HasPrefix(l, "type/") {
			return false
		}
	}
	for l := range has {
		if strings.HasPrefix(l, "type/") && !wants[l] {
			return false
		}
	}
	return len(want) == 0 || anyPresent
}

// foreignSince describes the first of commits (a branch beyond the base,
// oldest first) that is neither bosun's recorded commit nor a merge of the
// base into it (GitHub's "Update branch": two parents, the first the
// previous head, the second on the base branch), or returns "". merged
// reports whether there were such merges.
func foreignSince(commits []forge.Commit, recorded string) (foreign string, merged bool) {
	onBranch := map[string]bool{}
	for _, c := range commits {
		onBranch[c.SHA] = true
	}
	prev := ""
	for _, c := range commits {
		switch {
		case c.SHA == recorded && prev == "":
			prev = c.SHA
			continue
		case prev != "" && len(c.Parents) == 2 && c.Parents[0] == prev && !onBranch[c.Parents[1]]:
			prev, merged = c.SHA, true
			continue
		}
		return describeCommit(c), false
	}
	if prev == "" {
		return "the commit bosun made is gone from the branch", false
	}
	return "", merged
}

func describeCommit(c forge.Commit) string {
	short := c.SHA
	if len(short) > 7 {
		short = short[:7]
	}
	who := c.Author
	if who == "" {
		who = "someone else"
	}
	return fmt.Sprintf("commit %s by %s", short, who)
}

// foreignIn describes the first of commits (a branch beyond the base) that
// bosun did not make, or returns "".
func foreignIn(commits []forge.Commit) string {
	for _, c := range commits {
		if trailerHash(c.Message) == "" {
			return describeCommit(c)
		}
	}
	if len(commits) > 1 {
		return fmt.Sprintf("%d commits on the branch", len(commits))
	}
	return ""
}
