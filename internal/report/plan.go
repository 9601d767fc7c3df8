package report

import (
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
)

// PlanJSON is the JSON contract of `bosun plan -o json` (schemaVersion 1).
// Fields may be added; these are never renamed.
type PlanJSON struct {
	SchemaVersion int           `json:"schemaVersion"`
	Summary       PlanSummary   `json:"summary"`
	Groups        []GroupJSON   `json:"groups"`
	Skipped       []SkippedJSON `json:"skipped"`
	Failed        []FailedJSON  `json:"failed"`
	Errors        []FileError   `json:"errors"`
}

// PlanSummary counts what a plan holds.
type PlanSummary struct {
	References int `json:"references"`
	Updates    int `json:"updates"`
	Groups     int `json:"groups"`
	UpToDate   int `json:"upToDate"`
	Skipped    int `json:"skipped"`
	Failed     int `json:"failed"`
}

// GroupJSON is one branch / pull request.
type GroupJSON struct {
	Branch  string       `json:"branch"`
	Title   string       `json:"title"`
	Hash    string       `json:"hash"`
	Type    string       `json:"type"`
	Labels  []string     `json:"labels"`
	Updates []UpdateJSON `json:"updates"`
}

// RefJSON identifies a reference in plan documents: where it is written
// and which object and chart it belongs to.
type RefJSON struct {
	File       string       `json:"file"`
	Line       int          `json:"line"`
	Kind       string       `json:"kind"`
	Name       string       `json:"name"`
	Namespaces []string     `json:"namespaces"`
	Chart      string       `json:"chart"`
	Source     chart.Source `json:"source"`
	// Clusters pairs each namespace with the cluster (root Flux
	// Kustomization) that puts the object there, when bosun rendered it.
	Clusters []chart.Placement `json:"clusters,omitempty"`
}

func refJSON(r chart.Ref) RefJSON {
	return RefJSON{File: r.Loc.File, Line: r.Loc.Line, Kind: r.Kind, Name: r.Name,
		Namespaces: nonNil(r.Namespaces), Chart: r.Chart, Source: r.Source, Clusters: r.Clusters}
}

// namespacesOf shows where a reference lands: its namespaces, each with its
// cluster's name when the object lands in several clusters
// ("media@staging, media@production").
func namespacesOf(r chart.Ref, sep string) string {
	clusters := map[string]bool{}
	for _, p := range r.Clusters {
		clusters[p.Cluster] = true
	}
	if len(clusters) < 2 {
		return strings.Join(r.Namespaces, sep)
	}
	var out []string
	for _, p := range r.Clusters {
		ns := p.Namespace
		if ns == "" {
			ns = "?"
		}
		out = append(out, ns+"@"+path.Base(p.Cluster))
	}
	return strings.Join(out, sep)
}

// UpdateJSON is one version field to change.
type UpdateJSON struct {
	RefJSON
	From           string     `json:"from"`
	To             string     `json:"to"`
	NewValue       string     `json:"newValue"`
	Digest         string     `json:"digest,omitempty"`
	FromDigest     string     `json:"fromDigest,omitempty"`
	Type           string     `json:"type"`
	AppVersionFrom string     `json:"appVersionFrom,omitempty"`
	AppVersionTo   string     `json:"appVersionTo,omitempty"`
	Released       *time.Time `json:"released,omitempty"`
	UsedBy         []string   `json:"usedBy,omitempty"`
	Reason         string     `json:"reason,omitempty"`
	Restrictive    string     `json:"restrictive,omitempty"`
}

// SkippedJSON is a reference that gets no update, and why.
type SkippedJSON struct {
	RefJSON
	Version string `json:"version"`
	Reason  string `json:"reason"`
	Detail  string `json:"detail,omitempty"`
}

// FailedJSON is a chart source whose lookup failed.
type FailedJSON struct {
	Source     chart.Source `json:"source"`
	Chart      string       `json:"chart"`
	Error      string       `json:"error"`
	Transient  bool         `json:"transient"`
	References int          `json:"references"`
}

// PlanJSONOf converts a plan into its JSON document.
func PlanJSONOf(r *pipeline.Result) PlanJSON {
	out := PlanJSON{SchemaVersion: SchemaVersion, Groups: []GroupJSON{}, Skipped: []SkippedJSON{}, Failed: []FailedJSON{}, Errors: fileErrors(r)}
	if out.Errors == nil {
		out.Errors = []FileError{}
	}
	updates := 0
	for _, g := range r.Groups {
		gj := GroupJSON{Branch: g.Branch, Title: g.Title, Hash: g.Hash, Type: string(g.Type), Labels: nonNil(g.Labels)}
		for _, u := range g.Updates {
			updates++
			gj.Updates = append(gj.Updates, updateJSON(u))
		}
		out.Groups = append(out.Groups, gj)
	}
	for _, s := range r.Skipped {
		out.Skipped = append(out.Skipped, SkippedJSON{
			RefJSON: refJSON(s.Ref), Version: s.Ref.Version, Reason: s.Reason, Detail: s.Detail,
		})
	}
	for _, f := range r.Failed {
		out.Failed = append(out.Failed, FailedJSON{Source: f.Source, Chart: f.Chart, Error: f.Err.Error(), Transient: f.Transient, References: len(f.Refs)})
	}
	out.Summary = PlanSummary{References: refCount(r), Updates: updates, Groups: len(r.Groups), UpToDate: r.UpToDate, Skipped: len(r.Skipped), Failed: len(r.Failed)}
	return out
}

func updateJSON(u plan.Update) UpdateJSON {
	uj := UpdateJSON{
		RefJSON: refJSON(u.Ref),
		From:    u.Ref.Version, To: u.To.Version, NewValue: u.NewValue, Digest: u.NewDigest, FromDigest: u.Ref.Digest,
		Type: string(u.Type), AppVersionFrom: appVersionFrom(u), AppVersionTo: u.To.AppVersion, Reason: u.Reason,
		Restrictive: u.Restrictive,
	}
	if !u.To.Created.IsZero() {
		t := u.To.Created.UTC()
		uj.Released = &t
	}
	for _, k := range u.Ref.UsedBy {
		uj.UsedBy = append(uj.UsedBy, k.String())
	}
	return uj
}

// refCount is how many references the plan's scan found.
func refCount(r *pipeline.Result) int {
	if r.Scan == nil {
		return 0
	}
	return len(r.Scan.Refs)
}

// fileErrors are the files the plan's scan could not read.
func fileErrors(r *pipeline.Result) []FileError {
	if r.Scan == nil {
		return nil
	}
	return ScanOf(r.Scan).Errors
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WritePlanJSON writes the plan as indented JSON.
func WritePlanJSON(w io.Writer, r *pipeline.Result) error { return writeJSON(w, PlanJSONOf(r)) }

// WritePlanText writes the plan for an 80-column terminal: per group its
// branch and title, then per update the object, the move and, indented,
// where it is written.
func WritePlanText(w io.Writer, r *pipeline.Result) error {
	for _, g := range r.Groups {
		fmt.Fprintf(w, "%s\n", g.Branch)
		writeWrapped(w, "  ", g.Title)
		width := 0
		for _, u := range g.Updates {
			width = max(width, min(len([]rune(nsName(u.Ref))), 40))
		}
		for _, u := range g.Updates {
			to := u.NewValue
			if digestMoves(u) {
				to += "@" + shortDigest(u.NewDigest)
			}
			fmt.Fprintf(w, "  - %-*s  %s → %s  %s\n", width, nsName(u.Ref), u.Ref.Version, to, u.Type)
			fmt.Fprintf(w, "    %s:%d\n", u.Ref.Loc.File, u.Ref.Loc.Line)
		}
		for _, note := range groupNotes(g) {
			writeWrapped(w, "    ", note)
		}
	}
	if len(r.Skipped) > 0 {
		fmt.Fprintf(w, "not updated\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(w, "  - %s  %s  %s\n", nsName(s.Ref), displayVersion(s.Ref.Version), s.Reason)
			fmt.Fprintf(w, "    %s:%d\n", s.Ref.Loc.File, s.Ref.Loc.Line)
			if s.Detail != "" {
				writeWrapped(w, "    ", s.Detail)
			}
		}
	}
	if len(r.Failed) > 0 {
		fmt.Fprintf(w, "failed\n")
		for _, f := range r.Failed {
			fmt.Fprintf(w, "  - %s %s (%d references)\n", f.Source, f.Chart, len(f.Refs))
			writeWrapped(w, "    ", f.Err.Error())
		}
	}
	if errs := fileErrors(r); len(errs) > 0 {
		fmt.Fprintf(w, "errors\n")
		for _, e := range errs {
			writeWrapped(w, "  ", e.String())
		}
	}
	s := PlanJSONOf(r).Summary
	_, err := fmt.Fprintf(w, "%s: %s in %s, %d up to date, %d not updated, %d failed\n",
		count(s.References, "reference"), count(s.Updates, "update"), count(s.Groups, "group"), s.UpToDate, s.Skipped, s.Failed)
	return err
}

// groupNotes are the notes a reviewer needs beyond the table: restrictive
// multi-namespace policies.
func groupNotes(g plan.Group) []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range g.Updates {
		if u.Restrictive != "" && !seen[u.Restrictive] {
			seen[u.Restrictive] = true
			out = append(out, "note: "+u.Ref.Name+": "+u.Restrictive)
		}
	}
	return out
}

// writeWrapped writes text word-wrapped to 80 columns after indent.
func writeWrapped(w io.Writer, indent, text string) {
	const width = 80
	line := indent
	for _, word := range strings.Fields(text) {
		if len(line) > len(indent) && len([]rune(line))+1+len([]rune(word)) > width {
			fmt.Fprintln(w, line)
			line = indent + "  "
		}
		if len(line) > len(strings.TrimRight(line, " ")) || line == indent {
			line += word
		} else {
			line += " " + word
		}
	}
	if strings.TrimSpace(line) != "" {
		fmt.Fprintln(w, line)
	}
}

func nsName(r chart.Ref) string {
	ns := namespacesOf(r, ",")
	if ns == "" {
		ns = "?"
	}
	return ns + "/" + r.Name
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// count writes "1 reference", "2 references".
func count(n int, noun string) string { return fmt.Sprintf("%d %s%s", n, noun, plural(n)) }

// displayVersion shortens what a report shows of a version as written: a
// SOPS ciphertext says so, anything very long is cut.
func displayVersion(v string) string {
	switch {
	case strings.HasPrefix(v, "ENC["):
		return "(encrypted)"
	case len([]rune(v)) > 40:
		return string([]rune(v)[:39]) + "…"
	}
	return v
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func age(t, now time.Time) string {
	if t.IsZero() || now.IsZero() {
		return "unknown"
	}
	d := now.Sub(t)
	switch {
	case d < 0:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	default:
		return fmt.Sprintf("%dd ago", int(d.Hours()/24))
	}
}
