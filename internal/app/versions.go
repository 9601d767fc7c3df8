package app

import (
	"context"
	"path"
	"strings"

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
	rels, err := pipeline.Versions(ctx, deps.newLookup(cfg, opts.Lookup), src, name, opts.Limit)
	if err != nil {
		return err
	}
	v := report.Versions{Source: src, Chart: name, Releases: rels}
	return writeReport(deps.IO.Out, opts.Output, v, report.WriteVersionsJSON, report.WriteVersionsText)
}
