package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
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
	// Head is the commit bosun last pointed the branch at; when the pull
	// request's head is still that commit, nobody else pushed to the branch.
	Head string `json:"head,omitempty"`
}

var metaRE = regexp.MustCompile(`<!-- bosun:meta (\{.*?\}) -->`)

// parseMeta reads the last marker of body (bosun writes it at the end; an
// earlier one would be a person quoting it).
func parseMeta(body string) (meta, bool) {
	all := metaRE.FindAllStringSubmatch(body, -1)
	if len(all) == 0 {
		return meta{}, false
	}
	var md meta
	if err := json.Unmarshal([]byte(all[len(all)-1][1]), &md); err != nil || md.Hash == "" {
		return meta{}, false
	}
	return md, true
}

var trailerRE = regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(Trailer) + ` ([0-9A-Za-z]+)\s*$`)

// trailerHash is the plan hash in a commit message bosun made, or "".
func trailerHash(message string) string {
	m := trailerRE.FindAllStringSubmatch(message, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
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
	size := 0
	for _, k := range keys {
		size += len(k) + 3
	}
	if size > maxKeysSize {
		// A huge group: short digests keep the marker within the body limit.
		for i, k := range keys {
			keys[i] = keyDigest(k)
		}
		sort.Strings(keys)
	}
	return meta{Hash: g.Hash, Keys: keys}
}

// maxKeysSize bounds the chart keys written in full in a marker.
const maxKeysSize = 8 << 10

// keyDigest is the short form of a chart key in the marker of a huge group.
func keyDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

// Publish makes the forge match the plan. failedKeys are chart keys whose
// lookup failed in this run: pull requests touching them are left alone.
// It returns one outcome per group and per stale pull request; err is set
// only when nothing could be done (the base branch or the pull requests
// could not be read).
func Publish(ctx context.Context, f Forge, groups []plan.Group, failedKeys map[string]bool, opts Options) ([]Outcome, error) {
	p := &publisher{f: f, opts: opts, failed: failedKeys}
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
	if !errors.As(err, &fe) || !errors.Is(fe, forge.ErrPermission) {
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
		p.noteErr(o.Err)
		p.logOutcome(o)
		out = append(out, o)
	}
	// 2. Create or update one pull request per group.
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
			if (p.opts.MaxNew > 0 && created >= p.opts.MaxNew) || (p.opts.MaxOpen > 0 && openCount >= p.opts.MaxOpen) {
				out = append(out, Outcome{Branch: g.Branch, Title: g.Title, Action: ActionLimited,
					Detail: fmt.Sprintf("limit reached (maxOpen %d, maxNewPerRun %d): next run", p.opts.MaxOpen, p.opts.MaxNew)})
				continue
			}
			o = p.create(ctx, g, closed[g.Branch])
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
		p.logOutcome(o)
		out = append(out, o)
	}
	log.Debug("publish done", "outcomes", len(out))
	return out, nil
}

func (p *publisher) logOutcome(o Outcome) {
	if o.Err != nil {
		p.opts.Logger.Warn("publish failed", "branch", o.Branch, "pr", o.Number, "err", o.Err)
		return
	}
	p.opts.Logger.Info("pull request "+string(o.Action), "branch", o.Branch, "pr", o.Number)
}

func (p *publisher) heldBy(keys []string) string {
	var digests map[string]string
	for _, k := range keys {
		if p.failed[k] {
			return k
		}
		if strings.HasPrefix(k, "sha256:") {
			if digests == nil {
				digests = map[string]string{}
				for f := range p.failed {
					digests[keyDigest(f)] = f
				}
			}
			if f, ok := digests[k]; ok {
				return f
			}
		}
	}
	return ""
}

func hasMark(comments []string, mark string) bool {
	return slices.ContainsFunc(comments, func(c string) bool { return strings.Contains(c, mark) })
}

const supersededComment = markSuperseded + "\nbosun closed this pull request: the update is no longer needed (the base branch already has these versions, or the policy no longer proposes them)."

const foreignComment = markForeign + "\nbosun no longer updates this pull request: its branch has commits bosun did not make, and bosun never force-pushes over them. Keep maintaining it by hand, or close it and delete the branch: bosun will then open a fresh one."

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
	comments, err := p.f.ListComments(ctx, pr.Number)
	if err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("list comments of #%d: %w", pr.Number, err)
		return o
	}
	if !hasMark(comments, markSuperseded) {
		if err := p.f.Comment(ctx, pr.Number, supersededComment); err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("comment on #%d: %w", pr.Number, err)
			return o
		}
	}
	if err := p.f.ClosePullRequest(ctx, pr.Number, ""); err != nil {
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

// declined returns the pull request a person closed unmerged for exactly
// this group content. Pull requests bosun closed itself (superseded) or told
// people to close (foreign commits) do not count.
func (p *publisher) declined(ctx context.Context, g plan.Group, closed []forge.PullRequest) (*forge.PullRequest, error) {
	closed = slices.Clone(closed)
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
		if !hasMark(comments, markSuperseded) && !hasMark(comments, markForeign) {
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
	var commits []forge.Commit
	if _, err := p.f.BranchSHA(ctx, g.Branch); err == nil {
		commits, err = p.f.ListCommits(ctx, p.base, g.Branch)
		if err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("compare %s...%s: %w", p.base, g.Branch, err)
			return o
		}
		if foreign := foreignIn(commits); foreign != "" {
			o.Action, o.Detail = ActionForeign, "branch exists with "+foreign+": not overwritten"
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
	head, err := p.commit(ctx, g, spec.Title, commits)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	spec.Body = body(g, p.opts.Now, head)
	made, err := p.f.CreatePullRequest(ctx, spec)
	if err != nil && errors.Is(err, forge.ErrAlreadyExists) && made.Number == 0 {
		// An open pull request the listing did not show (GitHub's lists lag
		// behind writes): find it and bring it up to date.
		return p.adopt(ctx, g, spec, err)
	}
	if err != nil {
		o.Action, o.Number, o.URL = ActionFailed, made.Number, made.URL
		o.Err = wrap(err, "create pull request for %s", g.Branch)
		return o
	}
	o.Action, o.Number, o.URL = ActionCreated, made.Number, made.URL
	return o
}

// adopt updates the open pull request of g's branch after creating one
// failed because it exists.
func (p *publisher) adopt(ctx context.Context, g plan.Group, spec forge.Spec, createErr error) Outcome {
	// update brings it current exactly as if the listing had shown it.
	o := Outcome{Branch: g.Branch, Title: spec.Title, Action: ActionFailed}
	prs, err := p.f.ListPullRequests(ctx, forge.StateOpen, g.Branch)
	if err != nil {
		o.Err = fmt.Errorf("create pull request for %s: %w; find it: %w", g.Branch, createErr, err)
		return o
	}
	i := slices.IndexFunc(prs, func(pr forge.PullRequest) bool { return pr.Head == g.Branch })
	if i < 0 {
		o.Err = fmt.Errorf("create pull request for %s: %w (and no open pull request found)", g.Branch, createErr)
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
	// The branch is bosun's alone when its head is the commit bosun recorded;
	// otherwise look at its commits.
	var commits []forge.Commit
	if !hasMeta || md.Head == "" || md.Head != pr.HeadSHA {
		var err error
		commits, err = p.f.ListCommits(ctx, p.base, g.Branch)
		if err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("compare %s...%s: %w", p.base, g.Branch, err)
			return o
		}
		if foreign := foreignIn(commits); foreign != "" {
			return p.foreignPR(ctx, pr, o, foreign)
		}
	}
	spec, err := p.spec(g)
	if err != nil {
		o.Action, o.Err = ActionFailed, err
		return o
	}
	o.Title = spec.Title
	if hasMeta && md.Hash == g.Hash {
		if labelsCurrent(pr.Labels, spec.Labels) {
			o.Action, o.Title = ActionUnchanged, pr.Title
			return o
		}
		// The content is current but an earlier run failed between opening
		// (or editing) the pull request and labelling it.
		spec.Body = body(g, p.opts.Now, pr.HeadSHA)
		if err := p.f.UpdatePullRequest(ctx, pr.Number, spec); err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("update #%d: %w", pr.Number, err)
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
	spec.Body = body(g, p.opts.Now, head)
	if err := p.f.UpdatePullRequest(ctx, pr.Number, spec); err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("update #%d: %w", pr.Number, err)
		return o
	}
	o.Action = ActionUpdated
	return o
}

// foreignPR leaves a pull request whose branch has someone else's commits,
// saying so once in a comment.
func (p *publisher) foreignPR(ctx context.Context, pr forge.PullRequest, o Outcome, foreign string) Outcome {
	o.Action, o.Title, o.Detail = ActionForeign, pr.Title, foreign+": no longer updated"
	comments, err := p.f.ListComments(ctx, pr.Number)
	if err != nil {
		o.Action, o.Err = ActionFailed, fmt.Errorf("list comments of #%d: %w", pr.Number, err)
		return o
	}
	if !hasMark(comments, markForeign) {
		if err := p.f.Comment(ctx, pr.Number, foreignComment); err != nil {
			o.Action, o.Err = ActionFailed, fmt.Errorf("comment on #%d: %w", pr.Number, err)
		}
	}
	return o
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

// foreignIn describes the first of commits (a branch beyond the base) that
// bosun did not make, or returns "".
func foreignIn(commits []forge.Commit) string {
	for _, c := range commits {
		if trailerHash(c.Message) == "" {
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
	}
	if len(commits) > 1 {
		return fmt.Sprintf("%d commits on the branch", len(commits))
	}
	return ""
}

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
func Body(g plan.Group, now time.Time) string { return body(g, now, "") }

// body is Body with the branch's head commit recorded in the marker.
func body(g plan.Group, now time.Time, head string) string {
	var b strings.Builder
	report.WriteGroupMarkdown(&b, g, now)
	text := b.String()
	md := groupMeta(g)
	md.Head = head
	mdJSON, _ := json.Marshal(md)
	tail := "\n---\n*This pull request was opened by bosun. It is rebuilt on every run while the update is pending; close it to decline this version.*\n\n" + metaPrefix + string(mdJSON) + " -->\n"
	if len(text)+len(tail) > maxBody {
		cut := maxBody - len(tail) - 40
		if cut < 0 {
			cut = 0
		}
		text = strings.ToValidUTF8(text[:cut], "") + "\n\n*(truncated)*\n"
	}
	return text + tail
}
