package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/publish"
)

// MaxDashboard bounds the dashboard's Markdown, below GitHub's 65,536
// characters for an issue body (room is left for publish's marker).
const MaxDashboard = 58000

// dashSection is one section of the dashboard: a heading, a line saying
// what to do, and its items.
type dashSection struct {
	key, title, help string
	items            []string
}

// DashboardCounts are how many groups and references each dashboard
// section lists.
type DashboardCounts struct {
	Approval, Scheduled, Limited, Open, Merged, Declined, NeedPerson, FailedLookups, Skipped int
}

func dashboardSections(outcomes []publish.Outcome, p *pipeline.Result) []dashSection {
	s := []dashSection{
		{key: "approval", title: "Pending approval", help: "These updates wait for approval: tick a box to open its pull request on the next run."},
		{key: "scheduled", title: "Waiting for the schedule", help: "Outside their schedule: tick a box to open its pull request on the next run anyway."},
		{key: "limited", title: "Limited by maxOpen / maxNewPerRun", help: "Held back by the pull request limits: tick a box to open its pull request on the next run anyway."},
		{key: "open", title: "Open"},
		{key: "merged", title: "Merged by bosun in the last run"},
		{key: "declined", title: "Closed by a person (this version is ignored)", help: "A newer version is proposed again."},
		{key: "person", title: "Needing a person", help: "bosun does not update these; tick the rebase box in the pull request to have it rebuilt (other commits are dropped)."},
		{key: "failed", title: "Failed lookups"},
		{key: "skipped", title: "Skipped references"},
	}
	at := map[string]int{}
	for i, sec := range s {
		at[sec.key] = i
	}
	add := func(key, line string) { s[at[key]].items = append(s[at[key]].items, line) }
	for _, o := range outcomes {
		pr := o.Branch
		if o.Number > 0 {
			pr = fmt.Sprintf("[#%d](%s)", o.Number, o.URL)
		}
		line := fmt.Sprintf("%s %s `%s`", pr, escapeMD(o.Title), o.Branch)
		if o.Detail != "" {
			line += ": " + escapeMD(o.Detail)
		}
		switch o.Action {
		case publish.ActionApproval, publish.ActionScheduled, publish.ActionLimited:
			add(string(o.Action), publish.BranchBox(o.Branch, escapeMD(o.Title)))
		case publish.ActionCreated, publish.ActionUpdated, publish.ActionUnchanged, publish.ActionHeld:
			// What happened this run is the run's report; the dashboard
			// shows state, so that a run with nothing new rewrites nothing.
			if o.Number > 0 {
				open := fmt.Sprintf("- %s %s `%s`", pr, escapeMD(o.Title), o.Branch)
				if o.Automerge != "" {
					open += ": " + escapeMD(o.Automerge)
				}
				add("open", open)
			}
		case publish.ActionMerged:
			add("merged", "- "+line)
		case publish.ActionDeclined:
			add("declined", "- "+line)
		case publish.ActionForeign:
			add("person", "- "+line)
		case publish.ActionFailed:
			msg := line
			if o.Err != nil {
				msg = fmt.Sprintf("%s %s `%s`: %s", pr, escapeMD(o.Title), o.Branch, escapeMD(o.Err.Error()))
			}
			add("person", "- "+msg)
		}
	}
	if p != nil {
		for _, f := range p.Failed {
			add("failed", fmt.Sprintf("- %s from %s: %s", escapeMD(f.Chart), escapeMD(f.Source.String()), escapeMD(fmt.Sprint(f.Err))))
		}
		for _, sk := range p.Skipped {
			line := fmt.Sprintf("- %s %s (`%s`): %s", sk.Ref.Kind, escapeMD(nsName(sk.Ref)), sk.Ref.Loc.File, escapeMD(sk.Reason))
			if sk.Detail != "" {
				line += ": " + escapeMD(sk.Detail)
			}
			add("skipped", line)
		}
	}
	return s
}

// CountDashboard counts what the dashboard of a run lists.
func CountDashboard(outcomes []publish.Outcome, p *pipeline.Result) DashboardCounts {
	n := map[string]int{}
	for _, s := range dashboardSections(outcomes, p) {
		n[s.key] = len(s.items)
	}
	return DashboardCounts{Approval: n["approval"], Scheduled: n["scheduled"], Limited: n["limited"], Open: n["open"],
		Merged: n["merged"], Declined: n["declined"], NeedPerson: n["person"], FailedLookups: n["failed"], Skipped: n["skipped"]}
}

// DashboardMarkdown renders the dashboard issue of a run: one section per
// kind of waiting or attention, empty sections left out. Every group
// waiting to be opened is a checkbox naming its branch. When the text would
// exceed MaxDashboard, the longest sections are cut, saying so.
func DashboardMarkdown(outcomes []publish.Outcome, p *pipeline.Result) string {
	secs := dashboardSections(outcomes, p)
	limit := 0
	for _, s := range secs {
		limit = max(limit, len(s.items))
	}
	for {
		md := renderDashboard(secs, limit)
		if len(md) <= MaxDashboard || limit == 0 {
			return md
		}
		limit = limit * 3 / 4
	}
}

func renderDashboard(secs []dashSection, limit int) string {
	var b strings.Builder
	b.WriteString("This issue lists what bosun holds back and why, and what needs a person. bosun rewrites it on every run.\n")
	empty := true
	for _, s := range secs {
		if len(s.items) == 0 {
			continue
		}
		empty = false
		fmt.Fprintf(&b, "\n## %s\n\n", s.title)
		if s.help != "" {
			fmt.Fprintf(&b, "%s\n\n", s.help)
		}
		items := s.items
		if len(items) > limit {
			items = items[:limit]
		}
		for _, it := range items {
			b.WriteString(it)
			b.WriteByte('\n')
		}
		if n := len(s.items) - len(items); n > 0 {
			fmt.Fprintf(&b, "\n*%d more not shown: the section was cut to keep this issue under GitHub's size limit (see the run's job summary).*\n", n)
		}
	}
	if empty {
		b.WriteString("\nNothing is waiting: every proposed update has an open pull request.\n")
	}
	return b.String()
}

// WriteDashboardCounts writes the dashboard's counts as a Markdown table
// (for the job summary).
func WriteDashboardCounts(w io.Writer, c DashboardCounts) error {
	_, err := fmt.Fprintf(w, "### Dashboard\n\n| pending approval | waiting for schedule | limited | open | merged | closed by a person | needing a person | failed lookups | skipped references |\n|---|---|---|---|---|---|---|---|---|\n| %d | %d | %d | %d | %d | %d | %d | %d | %d |\n\n",
		c.Approval, c.Scheduled, c.Limited, c.Open, c.Merged, c.Declined, c.NeedPerson, c.FailedLookups, c.Skipped)
	return err
}
