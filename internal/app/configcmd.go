package app

import (
	"context"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	configschema "github.com/bosunhq/bosun/config"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/pipeline"
)

// ValidateOptions are the options of `bosun config validate`.
type ValidateOptions struct {
	deps *Deps
	// Arg is the DIR or FILE argument; "" means the current directory.
	Arg    string
	Strict bool
}

func newConfigCmd(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Validate the config file or print its JSON schema",
	}
	cmd.AddCommand(
		newValidateCmd(deps, nil),
		&cobra.Command{
			Use:   "schema",
			Short: "Print the config file's JSON schema (for editors' yaml-language-server)",
			Args:  cobra.NoArgs,
			RunE: func(*cobra.Command, []string) error {
				_, err := deps.IO.Out.Write(configschema.Schema)
				return err
			},
		},
	)
	return cmd
}

func newValidateCmd(deps *Deps, runF func(*ValidateOptions) error) *cobra.Command {
	opts := &ValidateOptions{deps: deps}
	cmd := &cobra.Command{
		Use:   "validate [DIR | FILE]",
		Short: "Check a config file, its title template and its rules against a repository",
		Long: `validate decodes the config file strictly (unknown keys are errors), applies
the defaults and checks every value, reporting all problems at once with their
lines. It then renders pullRequests.titleTemplate for a sample group: a field
that does not exist fails, with the list of those that do.

Given a FILE it checks that file alone. Given a repository DIR (default: the
current directory) it reads the config as every command does (--config, else
DIR/.github/bosun.yaml, else DIR/bosun.yaml), scans DIR and warns about each
namespaces, charts, paths or clusters glob of a rule that matches no
reference, with a close value when there is one ("did you mean"). Warnings
leave the exit code at 0 unless --strict.

` + titleFieldsHelp,
		Args: cobra.MaximumNArgs(1),
		RunE: runWithArg(&opts.Arg, opts, runF, runValidate),
	}
	cmd.Flags().BoolVar(&opts.Strict, "strict", false, "exit 2 when there are warnings")
	return cmd
}

// validateTargets resolves the argument of validate into the config file
// and the repository its rules are checked against ("" for none: a FILE is
// checked alone).
func validateTargets(arg, configFlag string) (path, repo string, err error) {
	repo = "."
	if arg != "" {
		fi, err := os.Stat(arg)
		if err != nil {
			return "", "", usageErrorf("config validate: %w", err)
		}
		if !fi.IsDir() {
			if configFlag != "" && configFlag != arg {
				return "", "", usageErrorf("config validate: give the file as FILE or as --config, not both")
			}
			return arg, "", nil
		}
		repo = arg
	}
	if configFlag != "" {
		return configFlag, repo, nil
	}
	p, err := config.Find(repo)
	if err != nil {
		return "", "", &usageError{err}
	}
	return p, repo, nil
}

func runValidate(ctx context.Context, opts *ValidateOptions) error {
	deps := opts.deps
	path, repo, err := validateTargets(opts.Arg, deps.global.ConfigPath)
	if err != nil {
		return err
	}
	cfg, err := config.Load(path)
	if err != nil {
		return &usageError{err}
	}
	if err := checkTitleTemplate(cfg); err != nil {
		return &usageError{err}
	}
	warnings, err := ruleWarnings(ctx, deps, cfg, repo)
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(deps.IO.Out, w)
	}
	switch {
	case len(warnings) == 0:
		_, err = fmt.Fprintf(deps.IO.Out, "%s: valid\n", path)
	case opts.Strict:
		return &hinted{usageErrorf("%s: %s (--strict)", path, plural(len(warnings), "warning")),
			"Fix the rules above, or drop --strict to accept them."}
	default:
		_, err = fmt.Fprintf(deps.IO.Out, "%s: valid, %s\n", path, plural(len(warnings), "warning"))
	}
	return err
}

// ruleWarnings scans repo with cfg, already loaded, and checks its rules
// against the references; files that cannot be read are the scan's business, not the
// config's, and are left out.
func ruleWarnings(ctx context.Context, deps *Deps, cfg *config.Config, repo string) ([]string, error) {
	if repo == "" || len(cfg.Rules) == 0 {
		return nil, nil
	}
	scanned, err := pipeline.ScanWithConfig(ctx, pipeline.Deps{}, cfg, pipeline.Options{Dir: repo, NoGit: deps.global.NoGit})
	if err != nil {
		return nil, fmt.Errorf("check rules against %s: %w", repo, err)
	}
	var out []string
	for _, w := range cfg.Unmatched(scanned.Refs) {
		out = append(out, w.String())
	}
	return out, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
