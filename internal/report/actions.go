package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bosunhq/bosun/internal/pipeline"
)

// Annotation is a GitHub Actions workflow command that marks a file line.
type Annotation struct {
	Level   string // "warning", "error" or "notice"
	File    string // relative to the repository root
	Line    int
	Title   string
	Message string
}

// MaxAnnotations is how many annotations of one level GitHub shows per step.
const MaxAnnotations = 10

// String renders the workflow command, escaped as actions/toolkit does.
func (a Annotation) String() string {
	var props []string
	if a.File != "" {
		props = append(props, "file="+escapeProperty(a.File))
		if a.Line > 0 {
			props = append(props, fmt.Sprintf("line=%d", a.Line))
		}
	}
	if a.Title != "" {
		props = append(props, "title="+escapeProperty(a.Title))
	}
	p := ""
	if len(props) > 0 {
		p = " " + strings.Join(props, ",")
	}
	return "::" + a.Level + p + "::" + escapeData(a.Message)
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// PlanAnnotations returns one warning per failed lookup reference and per
// skipped reference, failures first; prefix is the scanned directory's path
// in the repository.
func PlanAnnotations(r *pipeline.Result, prefix string) []Annotation {
	var out []Annotation
	join := func(f string) string {
		if prefix == "" {
			return f
		}
		return strings.TrimSuffix(prefix, "/") + "/" + f
	}
	for _, f := range r.Failed {
		for _, r := range f.Refs {
			out = append(out, Annotation{Level: "warning", File: join(r.Loc.File), Line: r.Loc.Line,
				Title:   "bosun: lookup failed",
				Message: fmt.Sprintf("%s %s: %v", f.Source, f.Chart, f.Err)})
		}
	}
	for _, s := range r.Skipped {
		msg := fmt.Sprintf("%s %s not updated: %s", s.Ref.Kind, nsName(s.Ref), s.Reason)
		if s.Detail != "" {
			msg += ": " + s.Detail
		}
		out = append(out, Annotation{Level: "warning", File: join(s.Ref.Loc.File), Line: s.Ref.Loc.Line,
			Title: "bosun: " + s.Reason, Message: msg})
	}
	for _, e := range fileErrors(r) {
		out = append(out, Annotation{Level: "warning", File: join(e.File), Line: e.Line, Title: "bosun: file not read", Message: e.Message})
	}
	return out
}

// WriteAnnotations writes at most MaxAnnotations warnings, then a notice
// saying how many more the job summary lists.
func WriteAnnotations(w io.Writer, as []Annotation) error {
	for i, a := range as {
		if i == MaxAnnotations {
			_, err := fmt.Fprintf(w, "::notice title=bosun::%d more skipped or failed references are listed in the job summary\n", len(as)-MaxAnnotations)
			return err
		}
		if _, err := fmt.Fprintln(w, a.String()); err != nil {
			return err
		}
	}
	return nil
}

// StepOutput is one output of the bosun step.
type StepOutput struct{ Name, Value string }

// PullRequestOutput is one pull request in the pull-requests step output.
// Its fields are in the order they have always been written.
type PullRequestOutput struct {
	Action string `json:"action"`
	Branch string `json:"branch"`
	Number int    `json:"number"`
	URL    string `json:"url"`
}

// StepOutputs are the outputs of the bosun step: the JSON plan's path, the
// number of updates, and the open pull requests of a run as JSON (run is
// nil for a plan).
func StepOutputs(planPath string, r *pipeline.Result, run *Run) ([]StepOutput, error) {
	prs := []PullRequestOutput{}
	if run != nil {
		for _, o := range run.Outcomes {
			if o.Number > 0 && (o.Action == "created" || o.Action == "updated" || o.Action == "unchanged") {
				prs = append(prs, PullRequestOutput{Action: string(o.Action), Branch: o.Branch, Number: o.Number, URL: o.URL})
			}
		}
	}
	prJSON, err := json.Marshal(prs)
	if err != nil {
		return nil, fmt.Errorf("step outputs: %w", err)
	}
	updates := 0
	for _, g := range r.Groups {
		updates += len(g.Updates)
	}
	return []StepOutput{{"plan", planPath}, {"updates", fmt.Sprint(updates)}, {"pull-requests", string(prJSON)},
		{"failures", Failures(r, run)}}, nil
}

// Failures sums up what went wrong, for the Action: "none", "transient"
// (only lookups that may pass next time failed: timeouts, rate limits,
// 5xx) or "permanent" (anything else: an unreadable file, a lookup that
// will fail again, a GitHub operation).
func Failures(r *pipeline.Result, run *Run) string {
	forge := run != nil && run.Failed()
	switch {
	case !r.Partial() && !forge:
		return "none"
	case r.OnlyTransient() && !forge:
		return "transient"
	}
	return "permanent"
}

// WriteSummary writes the job summary of a run, or of a plan when run is nil.
func WriteSummary(w io.Writer, r *pipeline.Result, run *Run) error {
	if run != nil {
		return WriteRunMarkdown(w, *run)
	}
	return WritePlanMarkdown(w, r)
}
