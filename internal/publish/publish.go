package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/report"
	"github.com/bosunhq/bosun/internal/rewrite"
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
	CreatePullRequest(ctx context.Context, spec forge.Spec) (forge.PullRequest, error)
	UpdatePullRequest(ctx context.Context, number int, spec forge.Spec) error
	ClosePullRequest(ctx context.Context, number int, comment string) error
	Comment(ctx context.Context, number int, body string) error
	ListComments(ctx context.Context, number int) ([]string, error)
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
)

// Outcome is the result for one group (or one stale pull request).
type Outcome struct {
	Branch string `json:"branch"`
	Title  string `json:"title"`
	Action Action `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	Detail string `json:"detail,omitempty"`
	Err    error  `json:"-"`
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
	Now        time.Time
	Logger     *slog.Logger
}

// Trailer marks commits bosun made.
const Trailer = "Bosun-Plan:"

const (
	metaPrefix     = "<!-- bosun:meta "
	markSuperseded = "<!-- bosun:superseded -->"
	markForeign    = "<!-- bosun:foreign -->"
	maxBody        = 60000
)

// meta is carried in a hidden comment in each pull request body.
type meta struct {
	Hash string   `json:"hash"`
	Keys []string `json:"keys"` // chart keys (chart.Ref.Key) the group covers
}

var metaRE = regexp.MustCompile(`<!-- bosun:meta (\{.*?\}) -->`)

func parseMeta(body string) (meta, bool) {
	m := metaRE.FindStringSubmatch(body)
	if m == nil {
		return meta{}, false
	}
	var md meta
	if err := json.Unmarshal([]byte(m[1]), &md); err != nil {
		return meta{}, false
	}
	return md, true
}

func groupMeta(g plan.Group) meta {
	set := map[string]bool{}
	for _, u := range g.Updates {
		set[u.Ref.Key()] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return meta{Hash: g.Hash, Keys: keys}
}

// errStop ends the run early (rate limit or permissions): the rest is next run's.
type errStop struct{ err error }

func (e errStop) Error() string { return e.err.Error() }
func (e errStop) Unwrap() error { return e.err }

// Publish makes the forge match the plan. failedKeys are chart keys whose
// lookup failed in this run: pull requests touching them are left alone.
// It returns one outcome per group and per stale pull request; err is set
// only when nothing could be done (the base branch could not be read).
func Publish(ctx context.Context, f Forge, groups []plan.Group, failedKeys map[string]bool, opts Options) ([]Outcome, error) {
	p := &publisher{f: f, opts: opts, failed: failedKeys}
	if p.opts.BranchPrefix == "" {
		p.opts.BranchPrefix = "bosun/"
	}
	if p.opts.Logger == nil {
		p.opts.Logger = slog.New(slog.DiscardHandler)
	}
	return p.run(ctx, groups)
}

type publisher struct {
	f       Forge
	opts    Options
	failed  map[string]bool
	base    string
	baseSHA string
	stop    error
}

func (p *publisher) run(ctx context.Context, groups []plan.Group) ([]Outcome, error) {
	log := p.opts.Logger
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
	prs, err := p.f.ListPullRequests(ctx, forge.StateAll, p.opts.BranchPrefix)
	if err != nil {
		return nil, fmt.Errorf("list pull requests: %w", err)
	}
	open := map[string]forge.PullRequest{}
	closed := map[string][]forge.PullRequest{}
	for _, pr := range prs {
		switch {
		case pr.State == forge.StateOpen:
			if cur, ok := open[pr.Head]; !ok || pr.Number > cur.Number {
				open[pr.Head] = pr
			}
		case !pr.Merged:
			closed[pr.Head] = append(closed[pr.Head], pr)
		}
	}
	planned := map[string]bool{}
	for _, g := range groups {
		planned[g.Branch] = true
	}

	var out []Outcome
	// 1. Close pull requests whose group is no longer needed, first, so
	//    they free room under maxOpen.
	stale := make([]string, 0)
	for head := range open {
		if !planned[head] {
			stale = append(stale, head)
		}
	}
	sort.Strings(stale)
	openCount := len(open)
	for _, head := range stale {
		pr := open[head]
		o := p.closeStale(ctx, pr)
		if o.Action == ActionClosed {
			openCount--
		}
		out = append(out, o)
	}
	// 2. Create or update one pull request per group.
	created := 0
	for _, g := range groups {
		if p.stop != nil {
			out = append(out, Outcome{Branch: g.Branch, Title: g.Title, Action: ActionFailed, Err: p.stop, Detail: "not attempted: " + p.stop.Error()})
			continue
		}
		pr, hasOpen := open[g.Branch]
		var o Outcome
		if hasOpen {
			o = p.update(ctx, g, pr)
		} else {
			if (p.opts.MaxNew > 0 && created >= p.opts.MaxNew) || (p.opts.MaxOpen > 0 && openCount >= p.opts.MaxOpen) {
				out = append(out, Outcome{Branch: g.Branch, Title: g.Title, Action: ActionLimited,
					Detail: fmt.Sprintf("limit reached (maxOpen %d, maxNewPerRun %d)", p.opts.MaxOpen, p.opts.MaxNew)})
				continue
			}
			o = p.create(ctx, g, closed[g.Branch])
			if o.Action == ActionCreated {
				created++
				openCount++
			}
		}
		if o.Err != nil {
			log.Warn("publish failed", "group", g.Name, "branch", g.Branch, "err", o.Err)
			var fe *forge.Error
			if errors.As(o.Err, &fe) && (errors.Is(fe, forge.ErrRateLimited) || errors.Is(fe, forge.ErrPermission)) {
				p.stop = o.Err
			}
		} else {
			log.Info("pull request "+string(o.Action), "group", g.Name, "branch", g.Branch, "pr", o.Number)
		}
		out = append(out, o)
	}
	return out, nil
}

func (p *publisher) heldBy(keys []string) string {
	for _, k := range keys {
		if p.failed[k] {
			return k
		}
	}
	return ""
}

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
		o.Action, o.Err = ActionFailed, p.stop
		return o
	}
	msg := markSuperseded + "\nbosun closed this pull request: the update is no longer needed (the base branch already has these versions, or the policy no longer proposes them)."
	if err := p.f.ClosePullRequest(ctx, pr.Number, msg); err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("close #%d: %w", pr.Number, err)
		return o
	}
	if err := p.f.DeleteBranch(ctx, pr.Head); err != nil && !errors.Is(err, forge.ErrNotFound) {
		o.Action, o.Err = ActionFailed, fmt.Errorf("delete branch %s: %w", pr.Head, err)
		return o
	}
	o.Action, o.Detail = ActionClosed, "no longer needed"
	return o
}

// declined returns the pull request a person closed unmerged for exactly this group content.
func (p *publisher) declined(ctx context.Context, g plan.Group, closed []forge.PullRequest) (*forge.PullRequest, error) {
	slices.SortFunc(closed, func(a, b forge.PullRequest) int { return b.Number - a.Number })
	for _, pr := range closed {
		md, ok := parseMeta(pr.Body)
		if !ok || md.Hash != g.Hash {
			continue
		}
		comments, err := p.f.ListComments(ctx, pr.Number)
		if err != nil {
			return nil, fmt.Errorf("list comments of #%d: %w", pr.Number, err)
		}
		bySelf := slices.ContainsFunc(comments, func(c string) bool { return strings.Contains(c, markSuperseded) })
		if !bySelf {
			return &pr, nil
		}
	}
	return nil, nil
}

func (p *publisher) create(ctx context.Context, g plan.Group, closed []forge.PullRequest) Outcome {
	o := Outcome{Branch: g.Branch, Title: g.Title}
	pr, err := p.declined(ctx, g, closed)
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
	if _, err := p.f.BranchSHA(ctx, g.Branch); err == nil {
		foreign, err := p.foreign(ctx, g.Branch)
		if err != nil {
			o.Action, o.Err = ActionFailed, err
			return o
		}
		if foreign != "" {
			o.Action, o.Detail = ActionForeign, foreign+": not overwritten"
			return o
		}
	} else if !errors.Is(err, forge.ErrNotFound) {
		o.Action, o.Err = ActionFailed, fmt.Errorf("read branch %s: %w", g.Branch, err)
		return o
	}
	spec, err := p.spec(g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	o.Title = spec.Title
	if err := p.commit(ctx, g, spec.Title); err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	created, err := p.f.CreatePullRequest(ctx, spec)
	if err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("create pull request for %s: %w", g.Branch, err)
		return o
	}
	o.Action, o.Number, o.URL = ActionCreated, created.Number, created.URL
	return o
}

func (p *publisher) update(ctx context.Context, g plan.Group, pr forge.PullRequest) Outcome {
	o := Outcome{Branch: g.Branch, Title: g.Title, Number: pr.Number, URL: pr.URL}
	md, ok := parseMeta(pr.Body)
	if ok {
		if k := p.heldBy(md.Keys); k != "" {
			o.Action, o.Detail = ActionHeld, "lookup failed for "+k+": left as it is"
			return o
		}
		if md.Hash == g.Hash {
			o.Action, o.Title = ActionUnchanged, pr.Title
			return o
		}
	}
	foreign, err := p.foreign(ctx, g.Branch)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	if foreign != "" {
		o.Action, o.Detail = ActionForeign, foreign+": no longer updated"
		comments, err := p.f.ListComments(ctx, pr.Number)
		if err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("list comments of #%d: %w", pr.Number, err)
			return o
		}
		if !slices.ContainsFunc(comments, func(c string) bool { return strings.Contains(c, markForeign) }) {
			msg := markForeign + "\nbosun no longer updates this pull request: its branch has commits bosun did not make, and bosun never force-pushes over them. Close this pull request (bosun will open a fresh one) or keep maintaining it by hand."
			if err := p.f.Comment(ctx, pr.Number, msg); err != nil {
				o.Action, o.Err = ActionFailed, fmt.Errorf("comment on #%d: %w", pr.Number, err)
			}
		}
		return o
	}
	spec, err := p.spec(g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	o.Title = spec.Title
	if err := p.commit(ctx, g, spec.Title); err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	if err := p.f.UpdatePullRequest(ctx, pr.Number, spec); err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("update #%d: %w", pr.Number, err)
		return o
	}
	o.Action = ActionUpdated
	return o
}

// foreign returns a description of the first commit on branch (beyond the
// base) that bosun did not make, or "".
func (p *publisher) foreign(ctx context.Context, branch string) (string, error) {
	commits, err := p.f.ListCommits(ctx, p.base, branch)
	if err != nil {
		return "", fmt.Errorf("compare %s...%s: %w", p.base, branch, err)
	}
	for _, c := range commits {
		if !strings.Contains(c.Message, "\n"+Trailer+" ") {
			short := c.SHA
			if len(short) > 7 {
				short = short[:7]
			}
			who := c.Author
			if who == "" {
				who = "someone else"
			}
			return fmt.Sprintf("commit %s by %s", short, who), nil
		}
	}
	if len(commits) > 1 {
		return fmt.Sprintf("%d commits on the branch", len(commits)), nil
	}
	return "", nil
}

// commit builds the group's file contents on the current base and points
// the branch at one new commit (force: the branch is bosun's).
func (p *publisher) commit(ctx context.Context, g plan.Group, title string) error {
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
			return fmt.Errorf("read %s at %s: %w", repoPath, p.base, err)
		}
		out, err := rewrite.Apply(src, byFile[file])
		if err != nil {
			return fmt.Errorf("rewrite %s: %w", repoPath, err)
		}
		if !bytes.Equal(out, src) {
			files = append(files, forge.File{Path: repoPath, Content: out})
		}
	}
	if len(files) == 0 {
		return fmt.Errorf("group %s changes nothing on %s", g.Name, p.base)
	}
	if _, err := p.f.CommitFiles(ctx, p.baseSHA, g.Branch, commitMessage(g, title), files, true); err != nil {
		return fmt.Errorf("commit to %s: %w", g.Branch, err)
	}
	return nil
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
		fmt.Fprintf(&b, "- %s: %s %s → %s\n", u.Ref.Loc.File, u.Ref.Chart, u.From, u.NewValue)
	}
	fmt.Fprintf(&b, "\n%s %s\n", Trailer, g.Hash)
	return b.String()
}

func (p *publisher) spec(g plan.Group) (forge.Spec, error) {
	title := g.Title
	if p.opts.Title != nil {
		t, err := p.opts.Title(g)
		if err != nil {
			return forge.Spec{}, fmt.Errorf("title template: %w", err)
		}
		title = t
	}
	labels := append(slices.Clone(g.Labels), p.opts.Labels...)
	slices.Sort(labels)
	labels = slices.Compact(labels)
	return forge.Spec{Title: title, Body: Body(g, p.opts.Now), Head: g.Branch, Base: p.base, Labels: labels}, nil
}

// Body is the pull request body of a group: the report a reviewer acts on,
// then the hidden marker that identifies the group's content.
func Body(g plan.Group, now time.Time) string {
	var b strings.Builder
	report.WriteGroupMarkdown(&b, g, now)
	body := b.String()
	md, _ := json.Marshal(groupMeta(g))
	tail := "\n---\n*This pull request was opened by bosun. It is rebuilt on every run while the update is pending; close it to decline this version.*\n\n" + metaPrefix + string(md) + " -->\n"
	if len(body)+len(tail) > maxBody {
		body = strings.ToValidUTF8(body[:maxBody-len(tail)-40], "") + "\n\n*(truncated)*\n"
	}
	return body + tail
}
