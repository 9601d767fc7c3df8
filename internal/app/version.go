package app

import (
	"fmt"
	"io"
	"runtime"
	"strings"

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

// addVersionFlag gives the root command --version, printing what
// `bosun version` prints.
func addVersionFlag(root *cobra.Command) {
	var b strings.Builder
	_ = writeVersion(&b, buildinfo.Get())
	root.Version = b.String()
	root.SetVersionTemplate("{{.Version}}")
}
