package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/buildinfo"
	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/github"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/publish"
	"github.com/bosunhq/bosun/internal/report"
	"github.com/bosunhq/bosun/internal/texttemplate"
)

// RunOptions are the options of `bosun run`.
type RunOptions struct {
	deps       *Deps
	Dir        string
	Repo       string
	TokenEnv   string
	BaseBranch string
	APIURL     string
	DryRun     bool
	PlanFile   string
	Output     *enumFlag
	Lookup     lookupOptions
	// Timeout bounds the whole run (lookups and GitHub calls); 0 = none.
	Timeout time.Duration
}

func newRunCmd(deps *Deps, runF func(*RunOptions) error) *cobra.Command {
	opts := &RunOptions{deps: deps, Dir: ".", Output: newEnum("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "run [DIR]",
		Short: "Open and maintain one pull request per update group on GitHub",
		Long: `run computes the plan for DIR (a checkout of the repository) and makes GitHub
match it: one branch and pull request per group, rebuilt on top of the current
base when the group changes, closed when no longer needed. A run with nothing
new makes no write call. With --dry-run it prints every write it would make.

The repository comes from --repo or GITHUB_REPOSITORY, the token from the
environment variable named by --token-env (GITHUB_TOKEN), the API from
--api-url or GITHUB_API_URL (GitHub Enterprise Server works the same).`,
		Args: cobra.MaximumNArgs(1),
		RunE: runWithArg(&opts.Dir, opts, runF, runRun),
	}
	f := cmd.Flags()
	f.StringVar(&opts.Repo, "repo", "", "repository as owner/name (default $GITHUB_REPOSITORY)")
	f.StringVar(&opts.TokenEnv, "token-env", "GITHUB_TOKEN", "name of the environment variable holding the token")
	f.StringVar(&opts.BaseBranch, "base-branch", "", "branch pull requests target (default: config, then the repository's default branch)")
	f.StringVar(&opts.APIURL, "api-url", "", "GitHub API URL (default $GITHUB_API_URL, then https://api.github.com)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "print the GitHub writes instead of making them")
	f.VarP(opts.Output, "output", "o", "output format: text or json")
	f.StringVar(&opts.PlanFile, "plan-file", "", "also write the JSON plan to this file (default in GitHub Actions: $RUNNER_TEMP/bosun-plan.json)")
	f.DurationVar(&opts.Timeout, "timeout", 0, "stop the run after this long, e.g. 30m (default 0: no limit)")
	addLookupFlags(cmd, &opts.Lookup)
	return cmd
}

func parseRepo(s string) (forge.Repo, error) {
	owner, name, ok := strings.Cut(s, "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return forge.Repo{}, usageErrorf("repository %q: want owner/name (--repo or GITHUB_REPOSITORY)", s)
	}
	return forge.Repo{Owner: owner, Name: name}, nil
}

func runRun(ctx context.Context, opts *RunOptions) error {
	deps := opts.deps
	if opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.Timeout,
			fmt.Errorf("run stopped after --timeout %s", opts.Timeout))
		defer cancel()
	}
	client, err := newRunClient(opts)
	if err != nil {
		return err
	}
	p, ev, err := deps.runPipelineEvidence(ctx, opts.Dir, opts.Lookup)
	if err != nil {
		return withTimeoutCause(ctx, err)
	}
	var f publish.Forge = client
	if opts.DryRun {
		f = publish.DryRun(client, deps.IO.Out)
	}
	pub, err := publishOptions(ctx, opts, p)
	if err != nil {
		return err
	}
	pub.Body = ev.groupBody(ctx, opts.Dir, p, deps.Now())
	outcomes, err := publish.Publish(ctx, f, p.Groups, p.FailedKeys(), pub)
	if err != nil {
		return withTimeoutCause(ctx, err)
	}
	rr := report.Run{Plan: p, DryRun: opts.DryRun, Outcomes: outcomes}
	if err := writeReport(deps.IO.Out, opts.Output, rr, report.WriteRunJSON, report.WriteRunText); err != nil {
		return err
	}
	gha := deps.githubActions()
	planPath := gha.planFile(opts.PlanFile)
	if err := writePlanFile(planPath, p); err != nil {
		return err
	}
	if gha != nil {
		if err := deps.reportToActions(gha, opts.Dir, planPath, p, &rr); err != nil {
			return err
		}
		if pub.Dashboard != nil {
			if err := writeDashboardCounts(gha.summary, outcomes, p); err != nil {
				return err
			}
		}
	}
	if p.Partial() || rr.Failed() {
		if cause := timedOut(ctx); cause != nil {
			deps.Logger.Warn("run cut short: the rest is left for the next run", "err", cause)
		}
		return errPartial
	}
	return nil
}

// timedOut is the cause --timeout gave when it ended ctx, else nil.
func timedOut(ctx context.Context) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return nil
	}
	if cause := context.Cause(ctx); cause != nil && cause != ctx.Err() {
		return cause
	}
	return nil
}

// withTimeoutCause adds why ctx ended to err when --timeout ended it.
func withTimeoutCause(ctx context.Context, err error) error {
	if cause := timedOut(ctx); cause != nil && !errors.Is(err, cause) {
		return fmt.Errorf("%w: %w", cause, err)
	}
	return err
}

// newRunClient builds the GitHub client of `bosun run` from its flags and
// environment.
func newRunClient(opts *RunOptions) (*github.Client, error) {
	deps := opts.deps
	repoName := opts.Repo
	if repoName == "" {
		repoName = deps.Getenv("GITHUB_REPOSITORY")
	}
	repo, err := parseRepo(repoName)
	if err != nil {
		return nil, err
	}
	token := deps.Getenv(opts.TokenEnv)
	if token == "" && !opts.DryRun {
		return nil, usageErrorf("no token: set %s (a token with contents: write and pull-requests: write)", opts.TokenEnv)
	}
	apiURL := opts.APIURL
	if apiURL == "" {
		apiURL = deps.Getenv("GITHUB_API_URL")
	}
	client, err := github.New(github.Options{
		BaseURL: apiURL, Token: token, Repo: repo, Logger: deps.Logger, UserAgent: buildinfo.UserAgent(),
	})
	if err != nil {
		return nil, &usageError{fmt.Errorf("github client: %w", err)}
	}
	return client, nil
}

// publishOptions maps the configuration and flags onto publish's options;
// pull request bodies are rendered by report.
func publishOptions(ctx context.Context, opts *RunOptions, p *pipeline.Result) (publish.Options, error) {
	deps := opts.deps
	title, err := titleFunc(p.Config.PullRequests.TitleTemplate)
	if err != nil {
		return publish.Options{}, &usageError{err}
	}
	base := opts.BaseBranch
	if base == "" {
		base = p.Config.PullRequests.BaseBranch
	}
	now := deps.Now()
	pub := publish.Options{
		Base:         base,
		BranchPrefix: p.Config.PullRequests.BranchPrefix,
		Labels:       p.Config.PullRequests.Labels,
		Title:        title,
		Local:        localContent(ctx, opts.Dir),
		PathPrefix:   gitPrefixOf(opts.Dir),
		Body: func(g plan.Group) string {
			var b strings.Builder
			report.WriteGroupMarkdown(&b, g, now)
			return b.String()
		},
		RebaseWhen: p.Config.PullRequests.RebaseWhen,
		Logger:     deps.Logger,
	}
	if d := p.Config.Dashboard; d.Enabled == nil || *d.Enabled {
		pub.Dashboard = &publish.DashboardOptions{
			Title:  d.Title,
			Render: func(outcomes []publish.Outcome) string { return report.DashboardMarkdown(outcomes, p) },
		}
	}
	if v := p.Config.PullRequests.MaxOpen; v != nil {
		pub.MaxOpen = *v
	}
	if v := p.Config.PullRequests.MaxNewPerRun; v != nil {
		pub.MaxNew = *v
	}
	return pub, nil
}

// writeDashboardCounts adds the dashboard's counts to the job summary.
func writeDashboardCounts(summary string, outcomes []publish.Outcome, p *pipeline.Result) error {
	var b strings.Builder
	if err := report.WriteDashboardCounts(&b, report.CountDashboard(outcomes, p)); err != nil {
		return err
	}
	return appendFile(summary, b.String())
}

// titleFunc compiles the configured title template; nil keeps the plan's title.
func titleFunc(tmpl string) (func(plan.Group) (string, error), error) {
	if tmpl == "" {
		return nil, nil
	}
	t, err := texttemplate.New("title").Option("missingkey=error").Parse(tmpl)
	if err != nil {
		return nil, fmt.Errorf("pullRequests.titleTemplate: %w", err)
	}
	return func(g plan.Group) (string, error) {
		var b strings.Builder
		u := g.Updates[0]
		data := map[string]any{
			"Group": g.Name, "Branch": g.Branch, "Type": string(g.Type), "Default": g.Title,
			"Chart": u.Ref.Chart, "From": u.Ref.Version, "To": u.To.Version, "Major": g.Type == "major", "Updates": len(g.Updates),
		}
		if err := t.Execute(&b, data); err != nil {
			return "", err
		}
		return strings.TrimSpace(b.String()), nil
	}, nil
}

// localContent returns a reader of the local checkout that answers only
// when the checkout's HEAD is the base commit and the file is unmodified, so
// pull requests are built from exactly what is on the base branch.
func localContent(ctx context.Context, dir string) func(baseSHA, path string) ([]byte, bool) {
	head, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "HEAD").Output()
	if err != nil {
		return nil
	}
	top, err := exec.CommandContext(ctx, "git", "-C", dir, "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return nil
	}
	status, err := exec.CommandContext(ctx, "git", "-C", dir, "status", "--porcelain", "-z", "--untracked-files=no").Output()
	if err != nil {
		return nil
	}
	headSHA := strings.TrimSpace(string(head))
	root := strings.TrimSpace(string(top))
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	if real, err := filepath.EvalSymlinks(absDir); err == nil {
		absDir = real
	}
	dirty := map[string]bool{}
	for _, e := range strings.Split(string(status), "\x00") {
		if len(e) > 3 {
			dirty[e[3:]] = true
		}
	}
	return func(baseSHA, path string) ([]byte, bool) {
		if baseSHA != headSHA {
			return nil, false
		}
		abs := filepath.Join(absDir, filepath.FromSlash(path))
		rel, err := filepath.Rel(root, abs)
		if err != nil || dirty[filepath.ToSlash(rel)] {
			return nil, false
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return nil, false
		}
		return data, true
	}
}

// gitPrefixOf is dir's path inside its git work tree ("" at the top or outside git).
func gitPrefixOf(dir string) string {
	out, err := exec.Command("git", "-C", dir, "rev-parse", "--show-prefix").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(strings.TrimSpace(string(out)), "/")
}
