package app

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/report"
)

// ExplainOptions are the options of `bosun explain`.
type ExplainOptions struct {
	deps           *Deps
	Dir            string
	File           string
	Line           int
	Output         *enumFlag
	IncludeArchive bool
}

func newExplainCmd(deps *Deps, runF func(*ExplainOptions) error) *cobra.Command {
	opts := &ExplainOptions{deps: deps, Dir: ".", Output: newEnum("text", "text", "json")}
	cmd := &cobra.Command{
		Use:   "explain FILE[:LINE]",
		Short: "Show how Flux reaches each chart reference of a file, and where its namespace and variables come from",
		Long: `explain renders the repository as Flux does and prints, for each chart
reference of FILE (or the one at LINE): every cluster and namespace it lands
in, the chain of Flux Kustomizations from the root, the kustomizations and
transformations on the way (namespace transformer, replacement,
targetNamespace, patch), and each variable used, with the file and line of
its value.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			file, line := args[0], 0
			if i := strings.LastIndexByte(file, ':'); i > 0 {
				if n, err := strconv.Atoi(file[i+1:]); err == nil && n > 0 {
					file, line = file[:i], n
				}
			}
			opts.File, opts.Line = file, line
			if runF != nil {
				return runF(opts)
			}
			return runExplain(cmd, opts)
		},
	}
	cmd.Flags().StringVarP(&opts.Dir, "dir", "C", ".", "the repository's root directory")
	cmd.Flags().VarP(opts.Output, "output", "o", "output format: text or json")
	cmd.Flags().BoolVar(&opts.IncludeArchive, "include-archive", false, "also read .archive/ directories")
	return cmd
}

// relFile is FILE relative to the repository root, with "/" separators:
// FILE is read from the working directory, or else from the root.
func relFile(dir, file string) (string, error) {
	absDir, err1 := filepath.Abs(dir)
	absFile, err2 := filepath.Abs(file)
	if err1 == nil && err2 == nil {
		rel, err := filepath.Rel(absDir, absFile)
		if err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return filepath.ToSlash(rel), nil
		}
	}
	if filepath.IsAbs(file) {
		return "", fmt.Errorf("%s is outside %s", file, dir)
	}
	return filepath.ToSlash(filepath.Clean(file)), nil
}

func runExplain(cmd *cobra.Command, opts *ExplainOptions) error {
	deps := opts.deps
	cfg, err := pipeline.LoadConfig(opts.Dir, deps.global.ConfigPath, deps.Logger)
	if err != nil {
		return err
	}
	file, err := relFile(opts.Dir, opts.File)
	if err != nil {
		return &usageError{err}
	}
	exps, err := flux.Explain(cmd.Context(), opts.Dir, flux.Options{
		Ignore: cfg.Ignore, IncludeArchive: opts.IncludeArchive, NoGit: deps.global.NoGit, Logger: deps.Logger,
	}, file, opts.Line)
	if err != nil {
		return fmt.Errorf("explain %s: %w", opts.File, err)
	}
	if opts.Output.String() == "json" {
		return report.WriteExplainJSON(deps.IO.Out, file, opts.Line, exps)
	}
	return report.WriteExplainText(deps.IO.Out, file, exps)
}
