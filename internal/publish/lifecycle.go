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

// Rebase policies (Options.RebaseWhen).
const (
	RebaseAuto       = "auto"
	RebaseBehindBase = "behind-base"
	RebaseConflicted = "conflicted"
	RebaseNever      = "never"
)

// liveHead is what a run knows of an open pull request's branch head.
type liveHead struct {
	sha, nodeID string
	// own is set when no commit on the branch is foreign.
	own bool
	// fresh is set when this run pushed the head (checks cannot have run).
	fresh bool
	// autoMerge is set when the forge's auto-merge is already enabled.
	autoMerge bool
}

// settings are a group's pull request lifecycle, merged over its updates:
// automerge only when every update's rule allows it, the first update's
// strategy and type, approval when any update needs it, the first schedule
// reason, every reviewer and assignee.
type settings struct {
	automerge            bool
	strategy, kind       string
	approval             bool
	schedule             string
	reviewers, assignees []string
}

func settingsOf(g plan.Group) settings {
	s := settings{automerge: len(g.Updates) > 0}
	for _, u := range g.Updates {
		s.automerge = s.automerge && u.Automerge
		if s.strategy == "" {
			s.strategy, s.kind = u.AutomergeStrategy, u.AutomergeType
		}
		s.approval = s.approval || u.DashboardApproval
		if s.schedule == "" {
			s.schedule = u.OutsideSchedule
		}
		s.reviewers = append(s.reviewers, u.Reviewers...)
		s.assignees = append(s.assignees, u.Assignees...)
	}
	if s.strategy == "" {
		s.strategy = "squash"
	}
	slices.Sort(s.reviewers)
	slices.Sort(s.assignees)
	s.reviewers, s.assignees = slices.Compact(s.reviewers), slices.Compact(s.assignees)
	return s
}

// waiting is the outcome of a group with no open pull request that must
// wait for a tick on the dashboard (approval) or for its schedule, or an
// empty outcome when it may be opened. A ticked group never waits.
func (p *publisher) waiting(g plan.Group) Outcome {
	if p.ticked[g.Branch] {
		return Outcome{}
	}
	s := settingsOf(g)
	switch {
	case s.approval:
		return Outcome{Branch: g.Branch, Title: g.Title, Action: ActionApproval,
			Detail: "waits for approval: tick it on the dashboard"}
	case s.schedule != "":
		return Outcome{Branch: g.Branch, Title: g.Title, Action: ActionScheduled, Detail: s.schedule}
	}
	return Outcome{}
}

// staleBase says why a current pull request must be rebuilt on the
// current base under the rebase policy, or returns "". merged is set when
// the branch holds merges of the base (its base is then unknown).
func (p *publisher) staleBase(ctx context.Context, pr forge.PullRequest, md meta, merged bool) (string, error) {
	policy := p.opts.RebaseWhen
	if policy == RebaseNever || (md.Base == p.baseSHA && !merged) {
		return "", nil
	}
	switch policy {
	case RebaseBehindBase:
		return "rebuilt on the current base: it was behind " + p.base, nil
	case RebaseConflicted:
	default:
		strict, err := p.requiresUpToDate(ctx)
		if err != nil {
			return "", err
		}
		if strict {
			return "rebuilt on the current base: " + p.base + " requires up-to-date branches", nil
		}
	}
	m, err := p.mergeable(ctx, pr.Number)
	if err != nil {
		return "", err
	}
	if m.Mergeable != nil && !*m.Mergeable {
		return "rebuilt on the current base: it had conflicts with " + p.base, nil
	}
	return "", nil
}

// requiresUpToDate reads once per run whether the base requires branches
// to be up to date before merging.
func (p *publisher) requiresUpToDate(ctx context.Context) (bool, error) {
	if p.strict == nil {
		v, err := p.f.RequiresUpToDate(ctx, p.base)
		if err != nil {
			return false, wrap(err, "read protection of %s", p.base)
		}
		p.strict = &v
	}
	return *p.strict, nil
}

// mergeable reads a pull request's mergeability once per run.
func (p *publisher) mergeable(ctx context.Context, number int) (forge.PullRequest, error) {
	if pr, ok := p.merge[number]; ok {
		return pr, nil
	}
	pr, err := p.f.PullRequestMergeable(ctx, number)
	if err != nil {
		return pr, wrap(err, "get pull request #%d", number)
	}
	p.merge[number] = pr
	return pr, nil
}

// assign requests the group's reviewers and assignees on a new pull
// request. The forge may refuse people who are not collaborators; that is
// reported in the outcome's detail, not as a failure.
func (p *publisher) assign(ctx context.Context, g plan.Group, number int) string {
	s := settingsOf(g)
	var notes []string
	if len(s.reviewers) > 0 {
		if err := p.f.RequestReviewers(ctx, number, s.reviewers); err != nil {
			p.noteFatal(err)
			notes = append(notes, "reviewers not requested: "+err.Error())
		}
	}
	if len(s.assignees) > 0 {
		if err := p.f.AddAssignees(ctx, number, s.assignees); err != nil {
			p.noteFatal(err)
			notes = append(notes, "assignees not added: "+err.Error())
		}
	}
	return strings.Join(notes, "; ")
}

// automerge merges an open pull request of an automerge group once it is
// green, mergeable and still bosun's own, or says in o's detail why it waits.
func (p *publisher) automerge(ctx context.Context, g plan.Group, o Outcome) Outcome {
	s := settingsOf(g)
	h, ok := p.heads[g.Branch]
	if !s.automerge || !ok || o.Number == 0 || p.stop != nil {
		return o
	}
	note := func(s string) Outcome {
		o.Automerge = s
		o.Detail = joinDetail(o.Detail, s)
		return o
	}
	wait := func(why string) Outcome { return note("automerge waits: " + why) }
	if h.autoMerge {
		return note("GitHub auto-merge is enabled")
	}
	if h.fresh {
		if s.kind == "platform" {
			err := p.f.EnableAutoMerge(ctx, h.nodeID, s.strategy)
			if err == nil {
				return note("GitHub auto-merge is enabled")
			}
			p.noteFatal(err)
			p.opts.Logger.Info("GitHub auto-merge not enabled: bosun merges on green", "pr", o.Number, "err", err)
		}
		return wait("checks have not run on the new commit yet")
	}
	if !h.own {
		return wait("the branch head is not bosun's commit")
	}
	checks, err := p.f.Checks(ctx, h.sha)
	if err != nil {
		p.noteFatal(err)
		return wait("checks not read: " + err.Error())
	}
	if why := notGreen(checks); why != "" {
		return wait(why)
	}
	m, err := p.mergeable(ctx, o.Number)
	switch {
	case err != nil:
		p.noteFatal(err)
		return wait(err.Error())
	case m.Mergeable == nil:
		return wait("GitHub is still computing whether it can be merged")
	case !*m.Mergeable:
		return wait("not mergeable (" + m.MergeableState + ")")
	case m.HeadSHA != h.sha:
		return wait("the branch moved")
	}
	if err := p.f.MergePullRequest(ctx, o.Number, h.sha, s.strategy, o.Title); err != nil {
		p.noteFatal(err)
		if errors.Is(err, forge.ErrNotAllowed) || errors.Is(err, forge.ErrConflict) {
			return wait(err.Error())
		}
		o.Action, o.Err = ActionFailed, wrap(err, "merge pull request #%d", o.Number)
		return o
	}
	if err := p.f.DeleteBranch(ctx, g.Branch); err != nil && !errors.Is(err, forge.ErrNotFound) {
		p.opts.Logger.Warn("merged branch not deleted", "branch", g.Branch, "err", err)
	}
	o.Action, o.Detail, o.Automerge = ActionMerged, "checks passed: merged ("+s.strategy+")", ""
	if p.dry {
		o.Detail = "checks passed: would be merged (" + s.strategy + ")"
	}
	return o
}

// notGreen says why checks do not allow a merge, or returns "": the
// combined status must be success (or there be no statuses) and every
// check run completed as success, neutral or skipped; with neither
// statuses nor check runs nothing has been verified yet.
func notGreen(c forge.Checks) string {
	if c.Statuses == 0 && len(c.Runs) == 0 {
		return "no checks reported yet"
	}
	if c.Statuses > 0 && c.State != "success" {
		return "commit status is " + c.State
	}
	for _, r := range c.Runs {
		if r.Status != "completed" {
			return fmt.Sprintf("check %q is %s", r.Name, r.Status)
		}
		switch r.Conclusion {
		case "success", "neutral", "skipped":
		default:
			return fmt.Sprintf("check %q concluded %s", r.Name, r.Conclusion)
		}
	}
	return ""
}

func joinDetail(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
