package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/publish"
)

// Run is what `bosun run` reports: the plan and what happened on the forge.
type Run struct {
	Plan     *pipeline.Result
	Outcomes []Outcome
	DryRun   bool
}

// Outcome is what happened to one group or stale pull request: publish's
// own type, reported as it is.
type Outcome = publish.Outcome

// Failed reports whether any forge operation failed.
func (r Run) Failed() bool {
	for _, o := range r.Outcomes {
		if o.Err != nil {
			return true
		}
	}
	return false
}

// RunJSON is the JSON contract of `bosun run -o json` (schemaVersion 1).
type RunJSON struct {
	SchemaVersion int               `json:"schemaVersion"`
	DryRun        bool              `json:"dryRun"`
	Plan          PlanJSON          `json:"plan"`
	PullRequests  []PullRequestJSON `json:"pullRequests"`
}

// PullRequestJSON is the outcome for one group or stale pull request.
type PullRequestJSON struct {
	Branch string `json:"branch"`
	Title  string `json:"title"`
	Action string `json:"action"`
	Number int    `json:"number,omitempty"`
	URL    string `json:"url,omitempty"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// RunJSONOf converts a run into its JSON document.
func RunJSONOf(r Run) RunJSON {
	out := RunJSON{SchemaVersion: SchemaVersion, DryRun: r.DryRun, Plan: PlanJSONOf(r.Plan), PullRequests: []PullRequestJSON{}}
	for _, o := range r.Outcomes {
		pj := PullRequestJSON{Branch: o.Branch, Title: o.Title, Action: string(o.Action), Number: o.Number, URL: o.URL, Detail: o.Detail}
		if o.Err != nil {
			pj.Error = o.Err.Error()
		}
		out.PullRequests = append(out.PullRequests, pj)
	}
	return out
}

// WriteRunJSON writes the run as indented JSON.
func WriteRunJSON(w io.Writer, r Run) error { return writeJSON(w, RunJSONOf(r)) }

// WriteRunText writes the plan, then one line per pull request outcome.
func WriteRunText(w io.Writer, r Run) error {
	if err := WritePlanText(w, r.Plan); err != nil {
		return err
	}
	if len(r.Outcomes) == 0 {
		_, err := fmt.Fprintln(w, "pull requests: nothing to do")
		return err
	}
	if r.DryRun {
		fmt.Fprintln(w, "pull requests (dry run: nothing was written)")
	} else {
		fmt.Fprintln(w, "pull requests")
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, o := range r.Outcomes {
		action := o.Action
		if r.DryRun && (action == "created" || action == "updated" || action == "closed") {
			action = "would be " + action
		}
		num := ""
		if o.Number > 0 {
			num = fmt.Sprintf("#%d", o.Number)
		}
		detail := o.Detail
		if o.Err != nil {
			detail = o.Err.Error()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", action, num, o.Branch, detail)
	}
	return tw.Flush()
}

// WriteRunMarkdown writes the plan and the pull request outcomes as Markdown
// (the GitHub job summary of `bosun run`).
func WriteRunMarkdown(w io.Writer, r Run) error {
	if err := WritePlanMarkdown(w, r.Plan); err != nil {
		return err
	}
	title := "Pull requests"
	if r.DryRun {
		title += " (dry run: nothing was written)"
	}
	fmt.Fprintf(w, "### %s\n\n", title)
	if len(r.Outcomes) == 0 {
		_, err := fmt.Fprintln(w, "Nothing to do.")
		return err
	}
	fmt.Fprintf(w, "| pull request | branch | action | detail |\n|---|---|---|---|\n")
	for _, o := range r.Outcomes {
		pr := "-"
		if o.Number > 0 {
			pr = fmt.Sprintf("[#%d](%s)", o.Number, o.URL)
		}
		detail := o.Detail
		if o.Err != nil {
			detail = o.Err.Error()
		}
		fmt.Fprintf(w, "| %s | `%s` | %s | %s |\n", pr, o.Branch, o.Action, escapeMD(detail))
	}
	_, err := fmt.Fprintln(w)
	return err
}
