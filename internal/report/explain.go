package report

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/bosunhq/bosun/internal/flux"
)

// ExplainJSON is the JSON contract of `bosun explain -o json`
// (schemaVersion 1): the file (and line) asked about and the explanation
// of each chart reference there.
type ExplainJSON struct {
	SchemaVersion int                `json:"schemaVersion"`
	File          string             `json:"file"`
	Line          int                `json:"line,omitempty"`
	References    []flux.Explanation `json:"references"`
}

// WriteExplainJSON writes the explanations of the references in file (at
// line, when not 0) as ExplainJSON.
func WriteExplainJSON(w io.Writer, file string, line int, exps []flux.Explanation) error {
	if exps == nil {
		exps = []flux.Explanation{}
	}
	return writeJSON(w, ExplainJSON{SchemaVersion: SchemaVersion, File: file, Line: line, References: exps})
}

// WriteExplainText writes, for each explanation, the reference and where
// to edit it, then every path Flux takes to it: the cluster and namespace,
// each Kustomization on the way with its steps and variables.
func WriteExplainText(w io.Writer, file string, exps []flux.Explanation) error {
	var b strings.Builder
	if len(exps) == 0 {
		fmt.Fprintf(&b, "%s: no chart reference\n", file)
	}
	for i, e := range exps {
		if i > 0 {
			b.WriteString("\n")
		}
		r := e.Ref
		fmt.Fprintf(&b, "%s %s %s %q (edit at %s:%d)\n", r.Kind, r.Name, r.Field, r.Version, r.Loc.File, r.Loc.Line)
		if r.Skip != "" {
			fmt.Fprintf(&b, "  skip %s: %s\n", r.Skip, r.SkipDetail)
		}
		if e.Note != "" {
			fmt.Fprintf(&b, "  %s\n", e.Note)
		}
		for _, p := range e.Paths {
			ns := p.Namespace
			if ns == "" {
				ns = "(none)"
			}
			fmt.Fprintf(&b, "  cluster %s, namespace %s\n", p.Cluster, ns)
			if p.Problem != "" {
				fmt.Fprintf(&b, "    fails: %s\n", p.Problem)
			}
			for _, l := range p.Chain {
				fmt.Fprintf(&b, "    Kustomization %s", l.Kustomization)
				if l.File != "" {
					fmt.Fprintf(&b, " (%s:%d)", l.File, l.Line)
				}
				b.WriteString("\n")
				for _, s := range l.Steps {
					fmt.Fprintf(&b, "      %s\n", s)
				}
				writeVars(&b, l.Variables, "      ")
			}
			if len(p.Steps) > 0 {
				fmt.Fprintf(&b, "    %s %s:\n", r.Kind, r.Name)
			}
			for _, s := range p.Steps {
				fmt.Fprintf(&b, "      %s\n", s)
			}
			writeVars(&b, p.Variables, "    ")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeVars writes each variable use: its value (never a Secret's), or
// unknown, and where the value comes from.
func writeVars(b *strings.Builder, vars []flux.VarUse, indent string) {
	for _, v := range vars {
		val := strconv.Quote(v.Value)
		switch {
		case !v.Known:
			val = "unknown"
		case strings.HasPrefix(v.From, "Secret "):
			val = "(a Secret's value, not shown)"
		}
		fmt.Fprintf(b, "%s${%s} = %s from %s", indent, v.Name, val, v.From)
		if v.File != "" {
			fmt.Fprintf(b, " (%s:%d)", v.File, v.Line)
		}
		b.WriteString("\n")
	}
}
