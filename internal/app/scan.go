package app

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/report"
)

// ScanOptions are the options of `bosun scan`.
type ScanOptions struct {
	deps           *Deps
	Dir            string
	Output         *enumFlag
	IncludeArchive bool
}

func newScanCmd(deps *Deps, runF func(*ScanOptions) error) *cobra.Command {
	opts := &ScanOptions{deps: deps, Dir: ".", Output: newEnum("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "scan [DIR]",
		Short: "List every chart reference in a repository, with skip reasons",
		Long: `scan walks DIR (default: the current directory) and lists every chart version
field bosun could edit: HelmRelease chart.spec and chartRef, OCIRepository,
HelmChart and kustomize helmCharts, with the namespaces each lands in.
References bosun will not update are listed with a skip reason.`,
		Args: cobra.MaximumNArgs(1),
		RunE: runWithArg(&opts.Dir, opts, runF, runScan),
	}
	cmd.Flags().VarP(opts.Output, "output", "o", "output format: text or json")
	cmd.Flags().BoolVar(&opts.IncludeArchive, "include-archive", false, "also scan .archive/ directories")
	return cmd
}

func runScan(ctx context.Context, opts *ScanOptions) error {
	deps := opts.deps
	if err := checkDir(opts.Dir); err != nil {
		return err
	}
	res, err := pipeline.Scan(ctx, pipeline.Deps{Logger: deps.Logger}, pipeline.Options{
		Dir: opts.Dir, ConfigPath: deps.global.ConfigPath, IncludeArchive: opts.IncludeArchive, NoGit: deps.global.NoGit,
	})
	if err != nil {
		return err
	}
	s := report.ScanOf(res)
	if err := writeReport(deps.IO.Out, opts.Output, s, report.WriteScanJSON, report.WriteScanText); err != nil {
		return err
	}
	if len(s.Errors) > 0 {
		return errPartial
	}
	return nil
}
