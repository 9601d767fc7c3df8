package report

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/rewrite"
)

// Apply is what `bosun apply` reports: the groups carried out, the result
// for each file, and the lookups that failed.
type Apply struct {
	Groups []plan.Group
	Files  []rewrite.FileResult
	DryRun bool
	// Diff adds a unified diff of every changed file.
	Diff   bool
	Failed []pipeline.Failed
}

// FilesFailed reports whether any file was left untouched by an error.
func (a Apply) FilesFailed() bool {
	return slices.ContainsFunc(a.Files, func(r rewrite.FileResult) bool { return r.Err != nil })
}

// WriteApplyText writes the files changed per group with every failure,
// a summary line, the diffs when asked for, then the failed lookups.
func WriteApplyText(w io.Writer, a Apply) error {
	byFile := map[string]rewrite.FileResult{}
	for _, r := range a.Files {
		byFile[r.File] = r
	}
	verb := "changed"
	if a.DryRun {
		verb = "would change"
	}
	for _, g := range a.Groups {
		files := map[string]bool{}
		for _, u := range g.Updates {
			files[u.Ref.Loc.File] = true
		}
		names := slices.Sorted(maps.Keys(files))
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
	for _, r := range a.Files {
		if r.Err != nil {
			bad++
		}
	}
	fmt.Fprintf(w, "%d group(s): %d file(s) %s, %d failed\n", len(a.Groups), len(a.Files)-bad, verb, bad)
	if a.Diff {
		for _, r := range a.Files {
			if r.Err == nil && r.After != nil {
				fmt.Fprint(w, rewrite.UnifiedDiff(r.File, r.Before, r.After))
			}
		}
	}
	for _, f := range a.Failed {
		if _, err := fmt.Fprintf(w, "lookup failed: %s %s: %v\n", f.Source, f.Chart, f.Err); err != nil {
			return err
		}
	}
	return nil
}
