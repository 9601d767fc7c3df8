package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/plan"
)

// Forge is what publishing needs from the forge (forge/github.Client).
type Forge interface {
	DefaultBranch(ctx context.Context) (string, error)
	BranchSHA(ctx context.Context, branch string) (string, error)
	ReadFile(ctx context.Context, ref, path string) ([]byte, error)
	CommitFiles(ctx context.Context, parentSHA, branch, message string, files []forge.File, force bool) (string, error)
	DeleteBranch(ctx context.Context, branch string) error
	ListCommits(ctx context.Context, base, head string) ([]forge.Commit, error)
	ListPullRequests(ctx context.Context, state, headPrefix string) ([]forge.PullRequest, error)
	// FindPullRequests returns the pull requests of exactly branch head in
	// state, newest first: one request, however many pull requests the
	// repository has.
	FindPullRequests(ctx context.Context, head, state string) ([]forge.PullRequest, error)
	// EachPullRequest calls each for the pull requests in state whose head
	// starts with headPrefix, newest first, until it returns false,
	// reading only as many pages as that takes.
	EachPullRequest(ctx context.Context, state, headPrefix string, each func(forge.PullRequest) bool) error
	CreatePullRequest(ctx context.Context, spec forge.Spec) (forge.PullRequest, error)
	UpdatePullRequest(ctx context.Context, number int, spec forge.Spec) error
	ClosePullRequest(ctx context.Context, number int, comment string) error
	Comment(ctx context.Context, number int, body string) error
	ListComments(ctx context.Context, number int) ([]string, error)

	// The pull request lifecycle: mergeability, checks, merging.
	PullRequestMergeable(ctx context.Context, number int) (forge.PullRequest, error)
	RequiresUpToDate(ctx context.Context, branch string) (bool, error)
	Checks(ctx context.Context, ref string) (forge.Checks, error)
	MergePullRequest(ctx context.Context, number int, sha, method, title string) error
	EnableAutoMerge(ctx context.Context, nodeID, method string) error
	RequestReviewers(ctx context.Context, number int, reviewers []string) error
	AddAssignees(ctx context.Context, number int, logins []string) error

	// The dashboard issue.
	FindIssue(ctx context.Context, creator, marker string) (forge.Issue, bool, error)
	CreateIssue(ctx context.Context, title, body string) (forge.Issue, error)
	UpdateIssue(ctx context.Context, number int, title, body string) error
}

// Action is what happened to one group or pull request.
type Action string

const (
	ActionCreated   Action = "created"   // new branch and pull request
	ActionUpdated   Action = "updated"   // branch rebuilt, pull request edited
	ActionUnchanged Action = "unchanged" // already current: no write
	ActionClosed    Action = "closed"    // no longer needed: closed, branch deleted
	ActionForeign   Action = "foreign"   // branch has commits bosun did not make: left alone
	ActionDeclined  Action = "declined"  // a person closed this exact update unmerged
	ActionLimited   Action = "limited"   // over maxOpen / maxNewPerRun: next run
	ActionHeld      Action = "held"      // a lookup failed this run: left exactly as it is
	ActionFailed    Action = "failed"    // a forge or file error
	ActionMerged    Action = "merged"    // automerged: checks passed
	ActionApproval  Action = "approval"  // waits for a tick on the dashboard
	ActionScheduled Action = "scheduled" // outside its schedule: waits
)

// Outcome is the result for one group (or one stale pull request).
type Outcome struct {
	Branch string `json:"branch"`
	Title  string `json:"title"`
	Action Action `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	Detail string `json:"detail,omitempty"`
	// Automerge says where automerge stands for an open pull request of
	// an automerge rule (also part of Detail).
	Automerge string `json:"automerge,omitempty"`
	Err       error  `json:"-"`
}

// Options tune publishing.
type Options struct {
	// Base is the target branch; "" = the repository's default branch.
	Base string
	// BranchPrefix marks bosun's branches; default "bosun/".
	BranchPrefix string
	// MaxOpen caps open bosun pull requests, MaxNew new ones per run; 0 = no cap.
	MaxOpen, MaxNew int
	// Labels are added to every pull request.
	Labels []string
	// Title renders a group's title; nil keeps the plan's title.
	Title func(plan.Group) (string, error)
	// Local returns the content of path in the local checkout when it is
	// known to equal the base commit baseSHA, else ok=false (the file is
	// then read from the forge).
	Local func(baseSHA, path string) (data []byte, ok bool)
	// PathPrefix is the scanned directory's path inside the repository
	// ("" when bosun scanned the repository root); reference files are
	// relative to the scanned directory.
	PathPrefix string
	// Body renders the part of a pull request body a reviewer reads (the
	// marker bosun needs is appended to it); nil writes the group's title.
	Body func(plan.Group) string
	// RebaseWhen is when a current pull request is rebuilt on a newer
	// base: auto (default: when conflicted, or when behind and the base
	// requires up-to-date branches), behind-base, conflicted or never.
	RebaseWhen string
	// Dashboard keeps one dashboard issue when set.
	Dashboard *DashboardOptions
	Logger    *slog.Logger
}

// DashboardOptions configure the dashboard issue.
type DashboardOptions struct {
	Title string
	// Render writes the issue's Markdown from the run's outcomes; every
	// group waiting to be opened is a "- [ ] <!-- bosun-branch=B -->" line
	// (see BranchBox). publish adds its hidden marker.
	Render func([]Outcome) string
}

// Publish makes the forge match the plan. failedKeys are chart keys whose
// lookup failed in this run: pull requests touching them are left alone.
// It returns one outcome per group and per stale pull request; err is set
// only when nothing could be done (the base branch or the pull requests
// could not be read).
func Publish(ctx context.Context, f Forge, groups []plan.Group, failedKeys map[string]bool, opts Options) ([]Outcome, error) {
	_, dry := f.(*dryRun)
	p := &publisher{f: f, opts: opts, failed: failedKeys, dry: dry,
		ticked: map[string]bool{}, heads: map[string]liveHead{}, pushed: map[string]string{}, merge: map[int]forge.PullRequest{}}
	if p.opts.RebaseWhen == "" {
		p.opts.RebaseWhen = RebaseAuto
	}
	if p.opts.BranchPrefix == "" {
		p.opts.BranchPrefix = "bosun/"
	}
	if p.opts.Logger == nil {
		p.opts.Logger = slog.New(slog.DiscardHandler)
	}
	out, err := p.run(ctx, groups)
	if err != nil {
		return nil, withPermissionHint(err)
	}
	return out, nil
}

// withPermissionHint says which token permissions bosun needs when the forge
// refused the token outright (401) or a read (403).
func withPermissionHint(err error) error {
	var fe *forge.Error
	if !errors.As(err, &fe) || !errors.Is(fe, forge.ErrPermission) || fe.Setting != "" {
		return err
	}
	return fmt.Errorf("%w: bosun needs a token with contents: write and pull-requests: write", err)
}

type publisher struct {
	f       Forge
	opts    Options
	failed  map[string]bool
	base    string
	baseSHA string
	// dry is set when f only prints its writes (DryRun).
	dry bool
	// ticked are the branches ticked on the dashboard: opened regardless
	// of limits, schedule and approval.
	ticked map[string]bool
	// heads are the open pull requests' heads, by branch.
	heads map[string]liveHead
	// pushed are the commits this run pointed branches at.
	pushed map[string]string
	// merge caches mergeability per pull request; strict whether the
	// base requires up-to-date branches.
	merge  map[int]forge.PullRequest
	strict *bool
	// dash is the dashboard issue found (Number 0: none yet).
	dash   forge.Issue
	dashOK bool
	// stop is the error that ended the run early (a rate limit, a refused
	// permission, a cancelled context): later work is left for the next run.
	stop error
}

// noteErr records err as the reason to stop when no later call can succeed.
func (p *publisher) noteErr(err error) {
	if err == nil || p.stop != nil {
		return
	}
	if errors.Is(err, forge.ErrRateLimited) || errors.Is(err, forge.ErrPermission) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		p.stop = err
	}
}

// noteFatal records err as the reason to stop only when no later call can
// succeed whatever its permissions (a rate limit, a cancelled context):
// for optional steps (dashboard, reviewers, automerge), whose refusal
// must not keep pull requests from being maintained.
func (p *publisher) noteFatal(err error) {
	if errors.Is(err, forge.ErrRateLimited) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		p.noteErr(err)
	}
}

func (p *publisher) notAttempted(branch, title string, number int, url string) Outcome {
	// Name the cause (the forge's verdict), not the operation that met it.
	cause := p.stop
	var fe *forge.Error
	if errors.As(cause, &fe) {
		cause = fe
	}
	err := fmt.Errorf("not attempted: %w", cause)
	return Outcome{Branch: branch, Title: title, Number: number, URL: url, Action: ActionFailed, Err: err,
		Detail: err.Error()}
}

// wrap prefixes err with context unless the forge already said the same
// ("create pull request for bosun/x: …" twice reads badly).
func wrap(err error, format string, a ...any) error {
	prefix := fmt.Sprintf(format, a...)
	if strings.HasPrefix(err.Error(), prefix+":") {
		return err
	}
	return fmt.Errorf("%s: %w", prefix, err)
}

func (p *publisher) run(ctx context.Context, groups []plan.Group) ([]Outcome, error) {
	open, err := p.load(ctx)
	if err != nil {
		return nil, err
	}
	planned := map[string]bool{}
	for _, g := range groups {
		planned[g.Branch] = true
	}
	// Pull requests whose group is no longer needed are closed first, so
	// they free room under maxOpen.
	out, openCount := p.closeAllStale(ctx, open, planned)
	out = append(out, p.publishGroups(ctx, groups, open, openCount)...)
	if o, ok := p.writeDashboard(ctx, out); ok {
		out = append(out, o)
	}
	p.opts.Logger.Debug("publish done", "outcomes", len(out))
	return out, nil
}

// load reads the base branch and bosun's open pull requests: the newest
// open one per branch. Closed pull requests are not listed: a repository
// can have thousands (every pull request Renovate ever opened), and GitHub
// cannot filter its listing by a head prefix. A branch's closed ones are
// looked up by exact head when it is about to get a new pull request
// (create), and the dashboard reads them only when no open one says who
// bosun is (readDashboard).
func (p *publisher) load(ctx context.Context) (open map[string]forge.PullRequest, err error) {
	base := p.opts.Base
	if base == "" {
		b, err := p.f.DefaultBranch(ctx)
		if err != nil {
			return nil, fmt.Errorf("read default branch: %w", err)
		}
		base = b
	}
	sha, err := p.f.BranchSHA(ctx, base)
	if err != nil {
		return nil, fmt.Errorf("read base branch %s: %w", base, err)
	}
	p.base, p.baseSHA = base, sha
	prs, err := p.f.ListPullRequests(ctx, forge.StateOpen, p.opts.BranchPrefix)
	if err != nil {
		return nil, fmt.Errorf("list pull requests: %w", err)
	}
	open = map[string]forge.PullRequest{}
	for _, pr := range prs {
		if pr.State != forge.StateOpen {
			continue
		}
		if cur, ok := open[pr.Head]; !ok || pr.Number > cur.Number {
			open[pr.Head] = pr
		}
	}
	p.readDashboard(ctx, prs)
	return open, nil
}

// closeAllStale closes the open pull requests of branches not planned, in
// branch order, and returns their outcomes and how many stay open.
func (p *publisher) closeAllStale(ctx context.Context, open map[string]forge.PullRequest, planned map[string]bool) ([]Outcome, int) {
	stale := make([]string, 0)
	for head := range open {
		if !planned[head] {
			stale = append(stale, head)
		}
	}
	sort.Strings(stale)
	var out []Outcome
	openCount := len(open)
	for _, head := range stale {
		o := p.closeStale(ctx, open[head])
		if o.Action == ActionClosed {
			openCount--
		}
		p.noteErr(o.Err)
		p.logOutcome(o)
		out = append(out, o)
	}
	return out, openCount
}

// publishGroups creates or updates one pull request per group, within the
// maxOpen and maxNewPerRun limits.
func (p *publisher) publishGroups(ctx context.Context, groups []plan.Group, open map[string]forge.PullRequest, openCount int) []Outcome {
	var out []Outcome
	created := 0
	for _, g := range groups {
		pr, hasOpen := open[g.Branch]
		if p.stop != nil {
			out = append(out, p.notAttempted(g.Branch, g.Title, pr.Number, pr.URL))
			continue
		}
		var o Outcome
		if hasOpen {
			o = p.update(ctx, g, pr)
		} else {
			if w := p.waiting(g); w.Action != "" {
				p.logOutcome(w)
				out = append(out, w)
				continue
			}
			limited := (p.opts.MaxNew > 0 && created >= p.opts.MaxNew) || (p.opts.MaxOpen > 0 && openCount >= p.opts.MaxOpen)
			if limited && !p.ticked[g.Branch] {
				out = append(out, Outcome{Branch: g.Branch, Title: g.Title, Action: ActionLimited,
					Detail: fmt.Sprintf("limit reached (maxOpen %d, maxNewPerRun %d): next run", p.opts.MaxOpen, p.opts.MaxNew)})
				continue
			}
			o = p.create(ctx, g)
			switch {
			case o.Action == ActionCreated, o.Action == ActionFailed && o.Number > 0:
				// Opened (a failure after opening, labelling say, still opened it).
				created++
				openCount++
			case o.Action != ActionDeclined && o.Number > 0:
				// An open pull request the listing missed, adopted.
				openCount++
			}
		}
		p.noteErr(o.Err)
		if o.Action == ActionCreated || o.Action == ActionUpdated || o.Action == ActionUnchanged {
			o = p.automerge(ctx, g, o)
		}
		p.logOutcome(o)
		out = append(out, o)
	}
	return out
}

func (p *publisher) logOutcome(o Outcome) {
	attrs := []any{"branch", o.Branch}
	if o.Number > 0 {
		attrs = append(attrs, "pr", o.Number)
	}
	if o.Err != nil {
		p.opts.Logger.Warn("publish failed", append(attrs, "err", o.Err)...)
		return
	}
	msg := "pull request " + string(o.Action)
	if verb, ok := dryVerbs[o.Action]; ok && p.dry {
		msg = "would " + verb + " pull request"
	}
	p.opts.Logger.Info(msg, attrs...)
}

// dryVerbs name what a dry run did not do, by the outcome it reports.
var dryVerbs = map[Action]string{ActionCreated: "create", ActionUpdated: "update", ActionClosed: "close", ActionMerged: "merge"}
