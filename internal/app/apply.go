package app

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/plan"
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
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.Dir = args[0]
			}
			if runF != nil {
				return runF(opts)
			}
			return runApply(cmd.Context(), opts)
		},
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
	failed := writeApplySummary(deps.IO.Out, groups, results, opts.DryRun)
	if opts.Diff {
		for _, r := range results {
			if r.Err == nil && r.After != nil {
				fmt.Fprint(deps.IO.Out, rewrite.UnifiedDiff(r.File, r.Before, r.After))
			}
		}
	}
	for _, f := range res.Failed {
		fmt.Fprintf(deps.IO.Out, "lookup failed: %s %s: %v\n", f.Source.URL, f.Chart, f.Err)
	}
	if failed || res.Partial() {
		return errPartial
	}
	return nil
}

// writeApplySummary prints files changed per group and every failure; it
// reports whether any file failed.
func writeApplySummary(w io.Writer, groups []plan.Group, results []rewrite.FileResult, dryRun bool) bool {
	byFile := map[string]rewrite.FileResult{}
	failed := false
	for _, r := range results {
		byFile[r.File] = r
		if r.Err != nil {
			failed = true
		}
	}
	verb := "changed"
	if dryRun {
		verb = "would change"
	}
	for _, g := range groups {
		files := map[string]bool{}
		for _, u := range g.Updates {
			files[u.Ref.Loc.File] = true
		}
		names := make([]string, 0, len(files))
		for f := range files {
			names = append(names, f)
		}
		sort.Strings(names)
		ok := 0
		for _, f := range names {
			if r, found := byFile[f]; found && r.Err == nil {
				ok++
			}
		}
		fmt.Fprintf(w, "%s: %s %d of %d file(s)\n", g.Branch, verb, ok, len(names))
		for _, f := range names {
			if r, found := byFile[f]; found && r.Err != nil {
				fmt.Fprintf(w, "  %s: not changed: %v\n", f, r.Err)
			}
		}
	}
	bad := 0
	for _, r := range results {
		if r.Err != nil {
			bad++
		}
	}
	fmt.Fprintf(w, "%d group(s): %d file(s) %s, %d failed\n", len(groups), len(results)-bad, verb, bad)
	return failed
}
