package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource"
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
	// Evidence adds, with -o markdown, what each update changes as its pull
	// request would show it (downloads both chart archives of each update).
	Evidence bool
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
		RunE: runWithArg(&opts.Dir, opts, runF, runPlan),
	}
	f := cmd.Flags()
	f.VarP(opts.Output, "output", "o", "output format: text, json or markdown")
	f.BoolVar(&opts.DetailedExitCode, "detailed-exitcode", false, "exit 4 when updates are pending (0 none, 3 something failed)")
	f.BoolVar(&opts.Evidence, "evidence", false, "with -o markdown: add each update's evidence (changelog, values check, CRDs…) as its pull request shows it; downloads the chart archives")
	f.StringVar(&opts.PlanFile, "plan-file", "", "also write the JSON plan to this file (default in GitHub Actions: $RUNNER_TEMP/bosun-plan.json)")
	addLookupFlags(cmd, &opts.Lookup)
	return cmd
}

func addLookupFlags(cmd *cobra.Command, lo *lookupOptions) {
	cmd.Flags().StringVar(&lo.CacheDir, "cache-dir", "", "registry response cache (default $XDG_CACHE_HOME/bosun)")
	cmd.Flags().BoolVar(&lo.NoCache, "no-cache", false, "do not read or write the response cache")
}

// runPipeline runs the whole pipeline on dir: config, scan, lookup, policy
// and grouping.
func (d *Deps) runPipeline(ctx context.Context, dir string, lo lookupOptions) (*pipeline.Result, error) {
	return d.runPipelineKeep(ctx, dir, lo, nil)
}

// runPipelineKeep is runPipeline handing the lookup it builds, with the
// loaded config, to keep (when not nil).
func (d *Deps) runPipelineKeep(ctx context.Context, dir string, lo lookupOptions, keep func(*config.Config, *lookupKit)) (*pipeline.Result, error) {
	if err := checkDir(dir); err != nil {
		return nil, err
	}
	opts := pipeline.Options{Dir: dir, ConfigPath: d.global.ConfigPath, NoGit: d.global.NoGit, Now: d.Now(), LazyDescribe: lo.Lazy}
	build := func(cfg *config.Config) *datasource.Memo {
		kit := d.newLookupKit(cfg, lo)
		if keep != nil {
			keep(cfg, kit)
		}
		return kit.lookup
	}
	newLookup := func(cfg *config.Config) pipeline.Lookup { return build(cfg) }
	if st := d.status; st != nil {
		newLookup = func(cfg *config.Config) pipeline.Lookup {
			return &lookupProgress{Lookup: build(cfg), line: st}
		}
		defer st.done()
	}
	return pipeline.Run(ctx, pipeline.Deps{NewLookup: newLookup, Logger: d.Logger}, opts)
}

func runPlan(ctx context.Context, opts *PlanOptions) error {
	deps := opts.deps
	if opts.Evidence && opts.Output.String() != "markdown" {
		return usageErrorf("--evidence needs -o markdown")
	}
	gha := deps.githubActions()
	planPath := gha.planFile(opts.PlanFile)
	lo := opts.Lookup
	// Only the text report leaves out release details (appVersion, dates,
	// changes); the JSON plan file and the Actions summary show them. An
	// OCI chart version deprecated only in its Chart.yaml (the config blob
	// the text report does not read) is then not recognized as such:
	// -o json, apply and run pass it over.
	lo.Lazy = opts.Output.String() == "text" && planPath == "" && gha == nil
	res, ev, err := deps.runPipelineEvidence(ctx, opts.Dir, lo)
	if err != nil {
		return err
	}
	switch opts.Output.String() {
	case "json":
		err = report.WritePlanJSON(deps.IO.Out, res)
	case "markdown":
		var evs report.EvidenceOf
		if opts.Evidence {
			evs = ev.evidenceOf(ctx, opts.Dir, res)
		}
		err = report.WritePlanMarkdownEvidence(deps.IO.Out, res, evs)
	default:
		err = report.WritePlanText(deps.IO.Out, res)
	}
	if err != nil {
		return err
	}
	if err := writePlanFile(planPath, res); err != nil {
		return err
	}
	if gha != nil {
		if err := deps.reportToActions(gha, opts.Dir, planPath, res, nil); err != nil {
			return err
		}
	}
	if res.Partial() {
		return errPartial
	}
	if opts.DetailedExitCode && len(res.Groups) > 0 {
		return errPending
	}
	return nil
}
