package app

import (
	"context"
	"slices"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/report"
	"github.com/bosunhq/bosun/internal/rewrite"
)

// ApplyOptions are the options of `bosun apply`.
type ApplyOptions struct {
	deps   *Deps
	Dir    string
	Groups []string
	Diff   bool
	DryRun bool
	Lookup lookupOptions
}

func newApplyCmd(deps *Deps, runF func(*ApplyOptions) error) *cobra.Command {
	opts := &ApplyOptions{deps: deps, Dir: "."}
	cmd := &cobra.Command{
		Use:   "apply [DIR]",
		Short: "Carry out the plan in the working tree, changing only version bytes",
		Long: `apply computes the same plan as 'bosun plan' and rewrites the version fields
in place: only the version (and digest) bytes change; comments, quoting,
indentation, line endings and anchors are kept. Each file is checked before
writing (it must still hold the scanned value), verified after splicing, and
replaced atomically; a file that fails is left untouched and reported.`,
		Args: cobra.MaximumNArgs(1),
		RunE: runWithArg(&opts.Dir, opts, runF, runApply),
	}
	f := cmd.Flags()
	f.StringSliceVar(&opts.Groups, "group", nil, "apply only these groups (name or branch; repeatable)")
	f.BoolVar(&opts.Diff, "diff", false, "print a unified diff of every change")
	f.BoolVar(&opts.DryRun, "dry-run", false, "compute and verify the changes but write nothing")
	addLookupFlags(cmd, &opts.Lookup)
	return cmd
}

func selectGroups(groups []plan.Group, names []string) ([]plan.Group, error) {
	if len(names) == 0 {
		return groups, nil
	}
	var out []plan.Group
	for _, n := range names {
		i := slices.IndexFunc(groups, func(g plan.Group) bool { return g.Name == n || g.Branch == n })
		if i < 0 {
			return nil, usageErrorf("no group %q in the plan", n)
		}
		out = append(out, groups[i])
	}
	return out, nil
}

func runApply(ctx context.Context, opts *ApplyOptions) error {
	deps := opts.deps
	res, err := deps.runPipeline(ctx, opts.Dir, opts.Lookup)
	if err != nil {
		return err
	}
	groups, err := selectGroups(res.Groups, opts.Groups)
	if err != nil {
		return err
	}
	var updates []plan.Update
	for _, g := range groups {
		updates = append(updates, g.Updates...)
	}
	results := rewrite.Files(opts.Dir, plan.Edits(updates), rewrite.Options{DryRun: opts.DryRun, Logger: deps.Logger})
	a := report.Apply{Groups: groups, Files: results, DryRun: opts.DryRun, Diff: opts.Diff, Failed: res.Failed}
	if err := report.WriteApplyText(deps.IO.Out, a); err != nil {
		return err
	}
	if a.FilesFailed() || res.Partial() {
		return errPartial
	}
	return nil
}
