package app

import (
	"context"
	"fmt"
	"path"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/report"
)

// VersionsOptions are the options of `bosun versions`.
type VersionsOptions struct {
	deps   *Deps
	Source string
	Chart  string
	Limit  int
	Output *enumFlag
	Lookup lookupOptions
}

func newVersionsCmd(deps *Deps, runF func(*VersionsOptions) error) *cobra.Command {
	opts := &VersionsOptions{deps: deps, Output: newEnum("text", "text", "json"), Limit: 20}
	cmd := &cobra.Command{
		Use:   "versions SOURCE-URL [CHART]",
		Short: "List the versions a chart source offers",
		Long: `versions lists what a Helm repository or OCI registry offers for a chart, newest
first, like 'helm search repo --versions': version, publication time,
appVersion, deprecation, and whether an OCI tag really holds a Helm chart.

  bosun versions https://charts.jetstack.io cert-manager
  bosun versions oci://ghcr.io/bjw-s-labs/helm/app-template

Registry mirrors and credentials come from the config file and docker's
config.json, as for plan.`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Source = args[0]
			if len(args) == 2 {
				opts.Chart = args[1]
			}
			if runF != nil {
				return runF(opts)
			}
			return runVersions(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVar(&opts.Limit, "limit", opts.Limit, "describe at most this many of the newest versions (OCI reads one manifest each); 0 = all")
	cmd.Flags().VarP(opts.Output, "output", "o", "output format: text or json")
	addLookupFlags(cmd, &opts.Lookup)
	return cmd
}

// sourceOf turns a command-line source URL and chart into a chart.Source.
func sourceOf(raw, name string) (chart.Source, string, error) {
	raw = strings.TrimSuffix(raw, "/")
	switch {
	case strings.HasPrefix(raw, "oci://"):
		last := path.Base(raw)
		if name == "" {
			name = last
		} else if last != name {
			raw += "/" + name
		}
		return chart.Source{Kind: chart.SourceOCI, URL: raw}, name, nil
	case strings.HasPrefix(raw, "http://") || strings.HasPrefix(raw, "https://"):
		if name == "" {
			return chart.Source{}, "", usageErrorf("a Helm repository needs a chart name: bosun versions %s CHART", raw)
		}
		return chart.Source{Kind: chart.SourceHelm, URL: raw}, name, nil
	default:
		return chart.Source{}, "", usageErrorf("source %q: want an oci://, https:// or http:// URL", raw)
	}
}

type versionJSON struct {
	Version    string     `json:"version"`
	Tag        string     `json:"tag,omitempty"`
	Created    *time.Time `json:"created,omitempty"`
	AppVersion string     `json:"appVersion,omitempty"`
	Deprecated bool       `json:"deprecated"`
	Chart      *bool      `json:"chart,omitempty"`
	Digest     string     `json:"digest,omitempty"`
}

func runVersions(ctx context.Context, opts *VersionsOptions) error {
	deps := opts.deps
	src, name, err := sourceOf(opts.Source, opts.Chart)
	if err != nil {
		return err
	}
	cfg, err := pipeline.LoadConfig(".", deps.global.ConfigPath, deps.Logger)
	if err != nil {
		return err
	}
	lookup := deps.newLookup(cfg, opts.Lookup)
	rels, err := lookup.Releases(ctx, src, name)
	if err != nil {
		return err
	}
	out := make([]versionJSON, 0, len(rels))
	for i, r := range rels {
		if !r.Described && (opts.Limit == 0 || i < opts.Limit) {
			d, err := lookup.Describe(ctx, src, name, r)
			if err != nil {
				return fmt.Errorf("describe %s: %w", r.Version, err)
			}
			r = d
		}
		v := versionJSON{Version: r.Version, Tag: r.Tag, AppVersion: r.AppVersion, Deprecated: r.Deprecated, Digest: r.Digest}
		if !r.Created.IsZero() {
			t := r.Created.UTC()
			v.Created = &t
		}
		if r.Described {
			isChart := !r.NotChart
			v.Chart = &isChart
		}
		out = append(out, v)
	}
	if opts.Output.String() == "json" {
		return report.WriteJSON(deps.IO.Out, map[string]any{"schemaVersion": report.SchemaVersion, "source": src, "chart": name, "versions": out})
	}
	tw := tabwriter.NewWriter(deps.IO.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "VERSION\tCREATED\tAPP VERSION\tDEPRECATED\tCHART")
	for _, v := range out {
		created, isChart := "-", "?"
		if v.Created != nil {
			created = v.Created.Format(time.RFC3339)
		}
		if v.Chart != nil {
			isChart = fmt.Sprint(*v.Chart)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", v.Version, created, orDash(v.AppVersion), v.Deprecated, isChart)
	}
	return tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
