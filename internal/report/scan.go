package report

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/flux"
)

// SchemaVersion is the version of every JSON document bosun writes.
const SchemaVersion = 1

// FileError is a file bosun could not read or parse.
type FileError struct {
	File    string `json:"file"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

func (e FileError) String() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Message)
}

// Scan is what `bosun scan` reports.
type Scan struct {
	Files  int
	Refs   []chart.Ref
	Errors []FileError
	// Encrypted are the SOPS-encrypted documents bosun did not read.
	Encrypted []Encrypted
}

// Encrypted is a SOPS-encrypted document: skipped with reason sops.
type Encrypted struct {
	File string           `json:"file"`
	Doc  int              `json:"doc"`
	Line int              `json:"line"`
	Kind string           `json:"kind,omitempty"`
	Skip chart.SkipReason `json:"skip"`
}

// ScanOf is the report of what a scan found.
func ScanOf(res *flux.Result) Scan {
	s := Scan{Files: res.Files, Refs: res.Refs}
	for _, e := range res.Errors {
		s.Errors = append(s.Errors, FileError{File: e.File, Line: e.Line, Message: e.Msg})
	}
	for _, e := range res.Encrypted {
		s.Encrypted = append(s.Encrypted, Encrypted{File: e.File, Doc: e.Doc, Line: e.Line, Kind: e.Kind, Skip: chart.SkipSOPS})
	}
	return s
}

// ScanJSON is the JSON contract of `bosun scan -o json` (schemaVersion 1).
// Fields may be added; these are never renamed.
type ScanJSON struct {
	SchemaVersion int           `json:"schemaVersion"`
	Files         int           `json:"files"`
	References    []ScanRefJSON `json:"references"`
	Errors        []FileError   `json:"errors"`
	// Encrypted lists the SOPS-encrypted documents bosun could not read.
	Encrypted []Encrypted `json:"encrypted"`
}

// ScanRefJSON is one editable version field.
type ScanRefJSON struct {
	File       string            `json:"file"`
	Line       int               `json:"line"`
	Column     int               `json:"column"`
	Kind       string            `json:"kind"`
	Name       string            `json:"name"`
	Namespaces []string          `json:"namespaces"`
	Clusters   []chart.Placement `json:"clusters,omitempty"`
	Chart      string            `json:"chart"`
	Source     chart.Source      `json:"source"`
	Field      chart.Field       `json:"field"`
	Version    string            `json:"version"`
	Digest     string            `json:"digest,omitempty"`
	UsedBy     []chart.ObjectKey `json:"usedBy"`
	Scope      string            `json:"scope,omitempty"`
	Skip       chart.SkipReason  `json:"skip,omitempty"`
	SkipDetail string            `json:"skipDetail,omitempty"`
	Start      int               `json:"start"`
	End        int               `json:"end"`
}

// ScanJSONOf converts a scan into its JSON document.
func ScanJSONOf(s Scan) ScanJSON {
	out := ScanJSON{SchemaVersion: SchemaVersion, Files: s.Files, References: []ScanRefJSON{}, Errors: s.Errors, Encrypted: s.Encrypted}
	if out.Errors == nil {
		out.Errors = []FileError{}
	}
	if out.Encrypted == nil {
		out.Encrypted = []Encrypted{}
	}
	for _, r := range s.Refs {
		used := r.UsedBy
		if used == nil {
			used = []chart.ObjectKey{}
		}
		out.References = append(out.References, ScanRefJSON{
			File: r.Loc.File, Line: r.Loc.Line, Column: r.Loc.Column,
			Kind: r.Kind, Name: r.Name, Namespaces: nonNil(r.Namespaces), Clusters: r.Clusters, Chart: r.Chart, Source: r.Source,
			Field: r.Field, Version: r.Version, Digest: r.Digest, UsedBy: used, Scope: r.Scope,
			Skip: r.Skip, SkipDetail: r.SkipDetail, Start: r.Loc.Start, End: r.Loc.End,
		})
	}
	return out
}

// WriteScanJSON writes the scan as indented JSON.
func WriteScanJSON(w io.Writer, s Scan) error {
	return writeJSON(w, ScanJSONOf(s))
}

// WriteJSON writes v as indented JSON, HTML characters unescaped.
func WriteJSON(w io.Writer, v any) error { return writeJSON(w, v) }

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// WriteScanText writes the scan grouped by source, two lines a reference
// (object, kind, version, skip reason; then where it is written and who uses
// it) to stay readable in an 80-column terminal, then the errors and a
// one-line summary.
func WriteScanText(w io.Writer, s Scan) error {
	groups := map[string][]chart.Ref{}
	for _, r := range s.Refs {
		k := r.Source.String()
		if k == "" {
			k = "(no source)"
		}
		groups[k] = append(groups[k], r)
	}
	keys := slices.Sorted(maps.Keys(groups))
	skipped := 0
	for _, k := range keys {
		refs := groups[k]
		if c := refs[0].Chart; c != "" && !strings.HasSuffix(k, "/"+c) {
			fmt.Fprintf(w, "%s (%s)\n", k, c)
		} else {
			fmt.Fprintln(w, k)
		}
		width := 0
		for _, r := range refs {
			width = max(width, min(len([]rune(nsName(r))), 40))
		}
		for _, r := range refs {
			v := displayVersion(r.Version)
			if r.Digest != "" {
				v += "@" + shortDigest(r.Digest)
			}
			if v == "" {
				v = "-"
			}
			line := fmt.Sprintf("  - %-*s  %s  %s", width, nsName(r), r.Kind, v)
			if r.Skip != "" {
				skipped++
				line += "  skip: " + string(r.Skip)
			}
			fmt.Fprintln(w, line)
			fmt.Fprintf(w, "    %s:%d\n", r.Loc.File, r.Loc.Line)
			if len(r.UsedBy) > 0 {
				names := make([]string, 0, len(r.UsedBy))
				for _, u := range r.UsedBy {
					names = append(names, u.Namespace+"/"+u.Name)
				}
				writeWrapped(w, "    ", "used by "+strings.Join(names, ", "))
			}
			if r.SkipDetail != "" {
				writeWrapped(w, "    ", r.SkipDetail)
			}
		}
	}
	if len(s.Encrypted) > 0 {
		fmt.Fprintf(w, "not read (SOPS-encrypted, skip: sops)\n")
		for _, e := range s.Encrypted {
			kind := e.Kind
			if kind == "" {
				kind = "document"
			}
			fmt.Fprintf(w, "  - %s:%d  %s\n", e.File, e.Line, kind)
		}
	}
	if len(s.Errors) > 0 {
		fmt.Fprintf(w, "errors\n")
		for _, e := range s.Errors {
			writeWrapped(w, "  ", e.String())
		}
	}
	_, err := fmt.Fprintf(w, "%s, %s (%d editable, %d skipped) from %s, %s, %s\n",
		count(s.Files, "file"), count(len(s.Refs), "reference"), len(s.Refs)-skipped, skipped, count(len(keys), "source"),
		count(len(s.Encrypted), "encrypted document"), count(len(s.Errors), "error"))
	return err
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}
