package app

import (
	"fmt"
	"io"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/buildinfo"
)

// VersionOptions are the options of `bosun version`.
type VersionOptions struct {
	deps *Deps
}

func newVersionCmd(deps *Deps, runF func(*VersionOptions) error) *cobra.Command {
	opts := &VersionOptions{deps: deps}
	return &cobra.Command{
		Use:   "version",
		Short: "Print bosun's version, commit and build date",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			return writeVersion(deps.IO.Out, buildinfo.Get())
		},
	}
}

// writeVersion prints "bosun v1.2.3" and the commit, date and platform.
func writeVersion(w io.Writer, in buildinfo.Info) error {
	commit, date := in.Commit, in.Date
	if commit == "" {
		commit = "unknown"
	}
	if in.Dirty {
		commit += " (modified)"
	}
	if date == "" {
		date = "unknown"
	}
	_, err := fmt.Fprintf(w, "bosun %s\ncommit: %s\ndate: %s\ngo: %s %s/%s\n", in.Version, commit, date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return err
}

// addVersionFlag gives the root command -v/--version, printing what
// `bosun version` prints.
//
// The flag is bosun's, not cobra's: cobra prints a Version through
// text/template, whose method lookup by name makes the linker keep every
// exported method in the binary. The root command has no Run, so cobra
// answers `bosun --version` by calling the help function, which prints
// the version when the flag is set and --help is not.
func addVersionFlag(root *cobra.Command) {
	var show bool
	root.Flags().BoolVarP(&show, "version", "v", false, "version for "+root.Name())
	help := root.HelpFunc()
	root.SetHelpFunc(func(cmd *cobra.Command, args []string) {
		if cmd != root || !show || helpRequested(cmd) {
			help(cmd, args)
			return
		}
		if err := writeVersion(cmd.OutOrStdout(), buildinfo.Get()); err != nil {
			cmd.PrintErrln(err)
		}
	})
}

// helpRequested reports whether -h/--help was given to cmd.
func helpRequested(cmd *cobra.Command) bool {
	h, err := cmd.Flags().GetBool("help")
	return err == nil && h
}
