package report

import (
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
)

// Versions is what `bosun versions` reports: a chart source's releases,
// newest first.
type Versions struct {
	Source   chart.Source
	Chart    string
	Releases []chart.Release
}

// VersionsJSON is the JSON contract of `bosun versions -o json`
// (schemaVersion 1). Its fields are in the order they have always been
// written.
type VersionsJSON struct {
	Chart         string        `json:"chart"`
	SchemaVersion int           `json:"schemaVersion"`
	Source        chart.Source  `json:"source"`
	Versions      []VersionJSON `json:"versions"`
}

// VersionJSON is one published version.
type VersionJSON struct {
	Version    string     `json:"version"`
	Tag        string     `json:"tag,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	AppVersion string     `json:"appVersion,omitempty"`
	Deprecated bool       `json:"deprecated"`
	// Chart says whether an OCI tag holds a Helm chart; unset when not
	// described.
	Chart  *bool  `json:"chart,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// VersionsJSONOf converts the versions into their JSON document.
func VersionsJSONOf(v Versions) VersionsJSON {
	out := VersionsJSON{Chart: v.Chart, SchemaVersion: SchemaVersion, Source: v.Source, Versions: make([]VersionJSON, 0, len(v.Releases))}
	for _, r := range v.Releases {
		vj := VersionJSON{Version: r.Version, Tag: r.Tag, AppVersion: r.AppVersion, Deprecated: r.Deprecated, Digest: r.Digest}
		if !r.Created.IsZero() {
			t := r.Created.UTC()
			vj.Created = &t
		}
		if r.Described {
			isChart := !r.NotChart
			vj.Chart = &isChart
		}
		out.Versions = append(out.Versions, vj)
	}
	return out
}

// WriteVersionsJSON writes the versions as indented JSON.
func WriteVersionsJSON(w io.Writer, v Versions) error { return writeJSON(w, VersionsJSONOf(v)) }

// WriteVersionsText writes one line per version, like
// `helm search repo --versions`.
func WriteVersionsText(w io.Writer, v Versions) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tCREATED\tAPP VERSION\tDEPRECATED\tCHART")
	for _, vj := range VersionsJSONOf(v).Versions {
		created, isChart := "-", "?"
		if vj.Created != nil {
			created = vj.Created.Format(time.RFC3339)
		}
		if vj.Chart != nil {
			isChart = fmt.Sprint(*vj.Chart)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", vj.Version, created, orDash(vj.AppVersion), vj.Deprecated, isChart)
	}
	return tw.Flush()
}
