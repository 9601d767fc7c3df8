package report

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
)

// WritePlanMarkdown writes the whole plan as Markdown (a GitHub job summary).
func WritePlanMarkdown(w io.Writer, r *pipeline.Result) error {
	return WritePlanMarkdownEvidence(w, r, nil)
}

// EvidenceOf gives the evidence gathered for a group's updates, one per
// update that has any, in the order of the group's updates.
type EvidenceOf func(g plan.Group) []evidence.Evidence

// GroupBodyBudget is the most bytes a group's rendered pull request body
// takes: GitHub's limit less room for what publish appends (its footer and
// marker) and for its own cut at 60,000 bytes. Evidence sections are trimmed
// to fit, with a note.
const GroupBodyBudget = 56000

// WritePlanMarkdownEvidence is WritePlanMarkdown with, after each group's
// table, the evidence of its updates as the pull request body shows it
// (nil evs: none).
func WritePlanMarkdownEvidence(w io.Writer, r *pipeline.Result, evs EvidenceOf) error {
	s := PlanJSONOf(r).Summary
	fmt.Fprintf(w, "## bosun plan\n\n%s: **%s in %s**, %d up to date, %d not updated, %d failed.\n\n",
		count(s.References, "reference"), count(s.Updates, "update"), count(s.Groups, "group"), s.UpToDate, s.Skipped, s.Failed)
	for _, g := range r.Groups {
		var b strings.Builder
		fmt.Fprintf(&b, "### %s\n\nBranch `%s`\n\n", escapeMD(g.Title), g.Branch)
		writeUpdatesTable(&b, g, r.Now)
		fmt.Fprintln(&b)
		io.WriteString(w, b.String())
		if evs != nil {
			writeEvidence(w, evs(g), GroupBodyBudget-b.Len())
		}
	}
	writeSkippedFailed(w, r)
	return nil
}

// WriteGroupMarkdown writes the body of a group's pull request: what
// changes, where, and what a reviewer should look at.
func WriteGroupMarkdown(w io.Writer, g plan.Group, now time.Time) {
	WriteGroupMarkdownEvidence(w, g, now, nil)
}

// WriteGroupMarkdownEvidence is WriteGroupMarkdown followed by the
// evidence of each update (risk line first, then what the two chart
// archives say), which replaces the raw release notes; the whole stays
// within GroupBodyBudget, evidence trimmed first. With no evidence it
// writes exactly what WriteGroupMarkdown writes.
func WriteGroupMarkdownEvidence(w io.Writer, g plan.Group, now time.Time, evs []evidence.Evidence) {
	var b strings.Builder
	fmt.Fprintf(&b, "This pull request updates %s.\n\n", groupSubject(g))
	writeUpdatesTable(&b, g, now)
	if notes := changeNotes(g); notes != "" && len(evs) == 0 {
		fmt.Fprintf(&b, "\n<details><summary>Release notes</summary>\n\n%s\n</details>\n", notes)
	}
	reasons := map[string]bool{}
	var rs []string
	for _, u := range g.Updates {
		if u.Reason != "" && !reasons[u.Reason] {
			reasons[u.Reason] = true
			rs = append(rs, u.Reason)
		}
	}
	if len(rs) > 0 {
		fmt.Fprintf(&b, "\n**Policy:** ")
		fmt.Fprintf(&b, "%s\n", escapeMD(strings.Join(rs, "; ")))
	}
	for _, note := range groupNotes(g) {
		fmt.Fprintf(&b, "\n> [!NOTE]\n> %s\n", escapeMD(strings.TrimPrefix(note, "note: ")))
	}
	if g.Type == chart.UpdateMajor {
		fmt.Fprintf(&b, "\n> [!WARNING]\n> This is a major update: check the chart's upgrade notes before merging.\n")
	}
	io.WriteString(w, b.String())
	if len(evs) > 0 {
		io.WriteString(w, "\n")
		writeEvidence(w, evs, GroupBodyBudget-b.Len()-1)
	}
}

// writeEvidence writes the evidence sections under a heading, in at most
// budget bytes (the heading included); below a useful size it writes only
// the note that evidence was left out.
func writeEvidence(w io.Writer, evs []evidence.Evidence, budget int) {
	if len(evs) == 0 {
		return
	}
	const heading = "### What changes\n\n"
	if budget < len(heading)+len(evidence.TrimmedNote)+200 {
		io.WriteString(w, evidence.TrimmedNote)
		return
	}
	io.WriteString(w, heading+evidence.Markdown(evs, budget-len(heading)))
}

func groupSubject(g plan.Group) string {
	charts := map[string]bool{}
	for _, u := range g.Updates {
		charts[u.Ref.Chart] = true
	}
	var names []string
	for _, c := range slices.Sorted(maps.Keys(charts)) {
		names = append(names, "`"+c+"`")
	}
	files := map[string]bool{}
	for _, u := range g.Updates {
		files[u.Ref.Loc.File] = true
	}
	return fmt.Sprintf("%s in %d file%s", strings.Join(names, ", "), len(files), plural(len(files)))
}

func writeUpdatesTable(w io.Writer, g plan.Group, now time.Time) {
	fmt.Fprintf(w, "| chart | namespaces | file | from → to | type | appVersion | released |\n|---|---|---|---|---|---|---|\n")
	for _, u := range g.Updates {
		to := u.NewValue
		from := u.Ref.Version
		if digestMoves(u) {
			from += "@" + shortDigest(u.Ref.Digest)
			to += "@" + shortDigest(u.NewDigest)
		}
		app := ""
		if appFrom := appVersionFrom(u); appFrom != "" || u.To.AppVersion != "" {
			app = fmt.Sprintf("%s → %s", orDash(appFrom), orDash(u.To.AppVersion))
		}
		fmt.Fprintf(w, "| %s | %s | `%s:%d` | `%s` → `%s` | %s | %s | %s |\n",
			escapeMD(u.Ref.Chart), escapeMD(orDash(namespacesOf(u.Ref, ", "))), u.Ref.Loc.File, u.Ref.Loc.Line,
			from, to, u.Type, escapeMD(app), age(u.To.Created, now))
	}
}

// digestMoves reports whether an update moves a pinned digest.
func digestMoves(u plan.Update) bool { return u.NewDigest != "" && u.NewDigest != u.Ref.Digest }

// appVersionFrom is the appVersion of the current release, when published.
func appVersionFrom(u plan.Update) string {
	if u.From == nil {
		return ""
	}
	return u.From.AppVersion
}

func changeNotes(g plan.Group) string {
	seen := map[string]bool{}
	var b strings.Builder
	for _, u := range g.Updates {
		if u.To.Changes == "" || seen[u.Ref.Chart+u.To.Version] {
			continue
		}
		seen[u.Ref.Chart+u.To.Version] = true
		fmt.Fprintf(&b, "**%s %s**\n\n```yaml\n%s\n```\n", escapeMD(u.Ref.Chart), escapeMD(u.To.Version), strings.TrimSpace(strings.ReplaceAll(u.To.Changes, "```", "'''")))
	}
	return b.String()
}

func writeSkippedFailed(w io.Writer, r *pipeline.Result) {
	if len(r.Failed) > 0 {
		fmt.Fprintf(w, "### Failed lookups\n\n| source | chart | references | error |\n|---|---|---|---|\n")
		for _, f := range r.Failed {
			fmt.Fprintf(w, "| %s | %s | %d | %s |\n", escapeMD(f.Source.String()), escapeMD(f.Chart), len(f.Refs), escapeMD(f.Err.Error()))
		}
		fmt.Fprintln(w)
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "<details><summary>%d skipped references</summary>\n\n| file | object | chart | version | reason |\n|---|---|---|---|---|\n", len(r.Skipped))
		for _, s := range r.Skipped {
			reason := s.Reason
			if s.Detail != "" {
				reason += ": " + s.Detail
			}
			fmt.Fprintf(w, "| `%s:%d` | %s | %s | `%s` | %s |\n", s.Ref.Loc.File, s.Ref.Loc.Line, escapeMD(nsName(s.Ref)), escapeMD(s.Ref.Chart), displayVersion(s.Ref.Version), escapeMD(reason))
		}
		fmt.Fprintf(w, "\n</details>\n\n")
	}
	if errs := fileErrors(r); len(errs) > 0 {
		fmt.Fprintf(w, "### Files that could not be read\n\n")
		for _, e := range errs {
			fmt.Fprintf(w, "- `%s`\n", e)
		}
		fmt.Fprintln(w)
	}
}

// escapeMD makes text from registries, repositories or errors safe in
// Markdown outside code (evidence.EscapeInline: it cannot break a table or
// inject markup, and an @mention or #123 reference in it neither notifies
// anyone nor links an issue). Code spans and fences need no escaping of
// mentions; all other text passes here or through evidence.EscapeText.
func escapeMD(s string) string { return evidence.EscapeInline(s) }
