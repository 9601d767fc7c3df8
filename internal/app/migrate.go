package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/migrate"
)

// MigrateOptions are the options of `bosun migrate renovate`.
type MigrateOptions struct {
	deps  *Deps
	Dir   string // repository root
	File  string // Renovate config, relative to Dir; "" = found in Dir
	Write bool
	Org   string // GitHub organisation: team reviewers "team:x" become "Org/x"
}

func newMigrateCmd(deps *Deps, runF func(*MigrateOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Bring settings over from another tool",
	}
	opts := &MigrateOptions{deps: deps, Dir: "."}
	ren := &cobra.Command{
		Use:   "renovate [FILE]",
		Short: "Turn the Renovate rules about Helm charts into a bosun config",
		Long: `renovate reads the Renovate config (renovate.json, renovate.json5,
.github/renovate.json5, .renovaterc, .renovaterc.json(5)... or FILE) and the
local preset files it extends, and prints a bosun.yaml with every rule that
concerns Flux and Helm charts. It lists, with file and line, what it could
not map, and prints the packageRules that hand Helm charts to bosun while
Renovate keeps container images, GitHub Actions and Flux itself. With
--write the config goes to .github/bosun.yaml, unless the repository has a
bosun config (.github/bosun.yaml or bosun.yaml) already.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				rel, err := filepath.Rel(opts.Dir, args[0])
				if err != nil || strings.HasPrefix(rel, "..") {
					return usageErrorf("%s is not inside the repository %s (set --dir)", args[0], opts.Dir)
				}
				opts.File = rel
			}
			if err := migrate.CheckOrg(opts.Org); err != nil {
				return &usageError{fmt.Errorf("--org: %w", err)}
			}
			if runF != nil {
				return runF(opts)
			}
			return runMigrate(cmd.Context(), opts)
		},
	}
	ren.Flags().StringVar(&opts.Dir, "dir", ".", "repository root: presets and charts are looked up from here")
	ren.Flags().StringVar(&opts.Org, "org", "", "GitHub organisation owning the repository: Renovate's team reviewers \"team:x\" become \"org/x\"")
	ren.Flags().BoolVar(&opts.Write, "write", false, "write .github/bosun.yaml (refuses when the repository has a bosun config already)")
	cmd.AddCommand(ren)
	return cmd
}

func runMigrate(ctx context.Context, opts *MigrateOptions) error {
	deps := opts.deps
	if opts.Write {
		if err := noConfigYet(opts.Dir); err != nil {
			return err
		}
	}
	name := opts.File
	if name == "" {
		n, err := migrate.Find(opts.Dir)
		if err != nil {
			return &usageError{err}
		}
		name = n
	}
	files, notes, err := migrate.Load(opts.Dir, name)
	if err != nil {
		return &usageError{fmt.Errorf("migrate renovate: %w", err)}
	}
	mo := migrate.Options{Org: opts.Org}
	if res, err := flux.Scan(ctx, opts.Dir, flux.Options{Logger: deps.Logger}); err == nil {
		mo.Scanned = true
		mo.OCICharts = ociPackages(res.Refs)
	} else {
		deps.Logger.Warn("scan for OCI charts failed: the Renovate snippet disables every flux docker dependency", "err", err)
	}
	res, err := migrate.Convert(files, mo)
	if err != nil {
		return err
	}
	res.Notes = append(notes, res.Notes...)
	var doc bytes.Buffer
	doc.Write(res.Config)
	doc.WriteString("\n")
	if err := res.WriteReport(&doc, "# "); err != nil {
		return err
	}
	if !opts.Write {
		_, err := deps.IO.Out.Write(doc.Bytes())
		return err
	}
	path := filepath.Join(opts.Dir, ".github", "bosun.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return &usageError{fmt.Errorf("write config: %w", err)}
	}
	if _, err := f.Write(doc.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("write config: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write config: %w", err)
	}
	if _, err := fmt.Fprintf(deps.IO.Out, "wrote %s\n\n", path); err != nil {
		return err
	}
	return res.WriteReport(deps.IO.Out, "")
}

// noConfigYet refuses --write when the repository already has a bosun
// config where config.Find looks: .github/bosun.yaml, which --write would
// replace, or bosun.yaml, which a new .github/bosun.yaml would silently
// override because Find reads it first.
func noConfigYet(dir string) error {
	p, err := config.Find(dir)
	switch {
	case err == nil:
		return usageErrorf("write config: %s already exists; merge the migrated settings into it instead (run without --write to print them)", p)
	case errors.Is(err, config.ErrNotFound):
		return nil
	default:
		return &usageError{fmt.Errorf("write config: %w", err)}
	}
}

// ociPackages returns Renovate's docker package names of the OCI charts:
// the oci:// URL without its scheme.
func ociPackages(refs []chart.Ref) []string {
	var out []string
	for _, r := range refs {
		if r.Source.Kind == chart.SourceOCI {
			out = append(out, strings.TrimPrefix(r.Source.URL, "oci://"))
		}
	}
	return out
}
