package app

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/pipeline"
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
		enc := json.NewEncoder(deps.IO.Out)
		enc.SetIndent("", "  ")
		if exps == nil {
			exps = []flux.Explanation{}
		}
		return enc.Encode(struct {
			File       string             `json:"file"`
			Line       int                `json:"line,omitempty"`
			References []flux.Explanation `json:"references"`
		}{file, opts.Line, exps})
	}
	return writeExplainText(deps.IO.Out, file, exps)
}

func writeExplainText(w io.Writer, file string, exps []flux.Explanation) error {
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
