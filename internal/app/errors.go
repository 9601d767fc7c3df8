package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/bosunhq/bosun/internal/pipeline"
)

// hinted is an error with a line that tells the user what to do next.
type hinted struct {
	err  error
	hint string
}

func (e *hinted) Error() string { return e.err.Error() }
func (e *hinted) Unwrap() error { return e.err }

// printError writes err as the command line shows it: "Error: …" and a
// hint on the next line, the way cobra prints its own errors.
func printError(w io.Writer, cmd *cobra.Command, err error) {
	fmt.Fprintf(w, "Error: %v\n", err)
	if h := hintFor(cmd, err); h != "" {
		fmt.Fprintln(w, h)
	}
}

func hintFor(cmd *cobra.Command, err error) string {
	path := "bosun"
	if cmd != nil {
		path = cmd.CommandPath()
	}
	var h *hinted
	var ce *pipeline.ConfigError
	var ue *usageError
	switch {
	case errors.As(err, &h):
		return h.hint
	case isFlagError(err):
		return fmt.Sprintf("Run '%s --help' for usage.", path)
	case errors.As(err, &ce):
		return "Run 'bosun config validate' to check the config file alone."
	case errors.As(err, &ue):
		return fmt.Sprintf("Run '%s --help' for usage.", path)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ""
	default:
		return fmt.Sprintf("Run '%s --log-level debug' to see each step.", path)
	}
}

// checkDir rejects a repository argument that exists but is not a
// directory; a missing one is left to the scan, which says so.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil || fi.IsDir() {
		return nil
	}
	return &hinted{
		err:  usageErrorf("%s is a file, not a directory: give the directory of a repository (default: the current directory)", dir),
		hint: fmt.Sprintf("To check a config file, run 'bosun config validate %s'.", dir),
	}
}
