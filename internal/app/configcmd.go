package app

import (
	"fmt"

	"github.com/spf13/cobra"

	configschema "github.com/bosunhq/bosun/config"
	"github.com/bosunhq/bosun/internal/config"
)

func newConfigCmd(deps *Deps) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Validate the config file or print its JSON schema",
	}
	cmd.AddCommand(
		&cobra.Command{
			Use:   "validate [FILE]",
			Short: "Check a config file and report every problem with its line",
			Long: `validate decodes the config file strictly (unknown keys are errors), applies
the defaults and checks every value, reporting all problems at once. Without
FILE it checks --config, else .github/bosun.yaml, else bosun.yaml.`,
			Args: cobra.MaximumNArgs(1),
			RunE: func(_ *cobra.Command, args []string) error {
				path := deps.global.ConfigPath
				if len(args) == 1 {
					path = args[0]
				}
				if path == "" {
					p, err := config.Find(".")
					if err != nil {
						return &usageError{err}
					}
					path = p
				}
				if _, err := config.Load(path); err != nil {
					return &usageError{err}
				}
				_, err := fmt.Fprintf(deps.IO.Out, "%s: valid\n", path)
				return err
			},
		},
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
