package app

import (
	"fmt"
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
		Short: "Print bosun's version",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(opts)
			}
			_, err := fmt.Fprintf(deps.IO.Out, "bosun %s (%s, %s/%s)\n", buildinfo.String(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}
