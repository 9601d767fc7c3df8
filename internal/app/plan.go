package app

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/report"
)

// PlanOptions are the options of `bosun plan`.
type PlanOptions struct {
	deps             *Deps
	Dir              string
	Output           *enumFlag
	DetailedExitCode bool
	PlanFile         string
	Lookup           lookupOptions
}

func newPlanCmd(deps *Deps, runF func(*PlanOptions) error) *cobra.Command {
	opts := &PlanOptions{deps: deps, Dir: ".", Output: newEnum("text", "text", "json", "markdown")}
	cmd := &cobra.Command{
		Use:   "plan [DIR]",
		Short: "Show the updates bosun would make (a dry run: writes nothing)",
		Long: `plan scans DIR, looks up every chart source once, applies the update policy
from the config file and prints the resulting groups: what would change, where,
and why; skipped references and failed lookups are listed with their reasons.
It writes nothing: apply and run carry out exactly this plan.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runPlan(cmd.Context(), opts)
		},
	}
	f := cmd.Flags()
	f.VarP(opts.Output, "output", "o", "output format: text, json or markdown")
	f.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 4 when updates are pending (0 none, 3 something failed)")
	f.StringVar(&opts.PlanFile, "plan-file", "", "also write the JSON plan to this file (default in GitHub Actions: $RUNNER_TEMP/bosun-plan.json)")
	addLookupFlags(cmd, &opts.Lookup)
	return cmd
}

func addLookupFlags(cmd *cobra.Command, lo *lookupOptions) {
	cmd.Flags().StringVar(&lo.CacheDir, "cache-dir", "", "registry response cache (default $XDG_CACHE_HOME/bosun)")
	cmd.Flags().BoolVar(&lo.NoCache, "no-cache", false, "do not read or write the response cache")
}

// planRun is one scan + lookup + policy + grouping.
type planRun struct {
	cfg    *config.Config
	scan   *flux.Result
	result *pipeline.Result
	report report.Plan
}

// failed reports whether anything could not be read or looked up.
func (p *planRun) failed() bool { return len(p.result.Failed) > 0 || len(p.scan.Errors) > 0 }

// buildPlan runs the pipeline up to the plan.
func (d *Deps) buildPlan(ctx context.Context, dir string, lo lookupOptions) (*planRun, error) {
	cfg, err := d.loadConfig(dir)
	if err != nil {
		return nil, err
	}
	rules, err := cfg.Policy()
	if err != nil {
		return nil, &usageError{fmt.Errorf("config policy: %w", err)}
	}
	res, err := flux.Scan(ctx, dir, flux.Options{Ignore: cfg.Ignore, Logger: d.Logger})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	for _, e := range res.Errors {
		d.Logger.Warn("file not scanned", "file", e.File, "err", e.Msg)
	}
	lookup := d.newLookup(cfg, lo)
	now := d.Now()
	result := pipeline.Plan(ctx, res.Refs, lookup, rules, pipeline.Options{
		Concurrency:  cfg.Lookup.Concurrency,
		Now:          now,
		BranchPrefix: cfg.PullRequests.BranchPrefix,
		Logger:       d.Logger,
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	rep := report.Plan{Result: result, Refs: len(res.Refs), Errors: scanReport(res).Errors, Now: now}
	return &planRun{cfg: cfg, scan: res, result: result, report: rep}, nil
}

func runPlan(ctx context.Context, opts *PlanOptions) error {
	deps := opts.deps
	p, err := deps.buildPlan(ctx, opts.Dir, opts.Lookup)
	if err != nil {
		return err
	}
	switch opts.Output.String() {
	case "json":
		err = report.WritePlanJSON(deps.IO.Out, p.report)
	case "markdown":
		err = report.WritePlanMarkdown(deps.IO.Out, p.report)
	default:
		err = report.WritePlanText(deps.IO.Out, p.report)
	}
	if err != nil {
		return err
	}
	gha := deps.githubActions()
	planPath := gha.planFile(opts.PlanFile)
	if err := writePlanFile(planPath, p.report); err != nil {
		return err
	}
	if gha != nil {
		if err := deps.reportToActions(gha, opts.Dir, planPath, p.report, nil); err != nil {
			return err
		}
	}
	if p.failed() {
		return errPartial
	}
	if opts.DetailedExitCode && len(p.result.Groups) > 0 {
		return errPending
	}
	return nil
}
