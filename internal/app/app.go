package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// IO holds the streams a command uses: the report goes to Out, logs to Err.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// StdIO returns the process's standard streams.
func StdIO() IO { return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr} }

// globalOptions are the flags every command takes.
type globalOptions struct {
	ConfigPath string
	LogLevel   *enumFlag
	LogFormat  *enumFlag
	Quiet      bool
	NoGit      bool
}

// Deps are the dependencies commands share, built lazily so that flag
// parsing can be tested without side effects.
type Deps struct {
	IO     IO
	Getenv func(string) string
	Now    func() time.Time
	// Logger is built from the global flags before any command runs.
	Logger *slog.Logger
	// IsTerminal reports whether a stream is a terminal; progress is drawn
	// on IO.Err only when it is.
	IsTerminal func(io.Writer) bool

	global    globalOptions
	groupOpen bool
	// status is the progress line on IO.Err; nil when progress is off.
	status *statusLine
}

// NewDeps returns production dependencies on the given streams.
func NewDeps(streams IO) *Deps {
	return &Deps{
		IO:     streams,
		Getenv: os.Getenv,
		Now:    time.Now,
		Logger: slog.New(slog.NewTextHandler(streams.Err, &slog.HandlerOptions{Level: slog.LevelInfo})),

		IsTerminal: isTerminal,
	}
}

// Main runs bosun with args and returns the process exit code.
func Main(ctx context.Context, args []string, streams IO) int {
	return run(ctx, NewDeps(streams), args)
}

func run(ctx context.Context, deps *Deps, args []string) int {
	root := newRootCmd(deps)
	root.SetArgs(args)
	root.SetIn(deps.IO.In)
	root.SetOut(deps.IO.Out)
	root.SetErr(deps.IO.Err)
	cmd, err := root.ExecuteContextC(ctx)
	if deps.status != nil {
		deps.status.done()
	}
	deps.endGroup()
	if err == nil {
		return ExitOK
	}
	code := exitCode(err)
	if isFlagError(err) {
		code = ExitUsage
	}
	switch {
	case errors.Is(err, errPartial) || errors.Is(err, errPending):
		// the report already told the story
	default:
		printError(deps.IO.Err, cmd, err)
	}
	return code
}

// isFlagError reports cobra's argument and flag errors, which it returns as
// plain errors.
func isFlagError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown flag", "unknown shorthand", "unknown command", "invalid argument", "flag needs an argument", "accepts ", "requires at least", "requires at most", "bad flag syntax", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRootCmd(deps *Deps) *cobra.Command {
	g := &deps.global
	g.LogLevel = newEnum("info", "debug", "info", "warn", "error")
	g.LogFormat = newEnum("text", "text", "json")
	cmd := &cobra.Command{
		Use:   "bosun",
		Short: "Keep the Helm charts of a FluxCD GitOps repository up to date",
		Long: `bosun scans a FluxCD GitOps repository for Helm chart references
(HelmRelease, OCIRepository, HelmRepository, HelmChart, kustomize helmCharts),
looks up newer versions in Helm repositories and OCI registries, applies a
per-namespace update policy, rewrites version fields in place and opens
grouped pull requests.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			logs := deps.IO.Err
			if deps.showProgress() {
				deps.status = &statusLine{w: deps.IO.Err}
				logs = deps.status
			}
			deps.Logger = newLogger(logs, g)
			deps.startGroup("bosun " + cmd.Name())
			return nil
		},
	}
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	addVersionFlag(cmd)
	f := cmd.PersistentFlags()
	f.StringVar(&g.ConfigPath, "config", "", "config file (default: .github/bosun.yaml, then bosun.yaml in the repository)")
	f.Var(g.LogLevel, "log-level", "log level: debug, info, warn or error")
	f.Var(g.LogFormat, "log-format", "log format: text or json")
	f.BoolVarP(&g.Quiet, "quiet", "q", false, "log errors only")
	f.BoolVar(&g.NoGit, "no-git", false, "read every YAML file under the directory instead of the files git tracks")

	cmd.AddCommand(
		newVersionCmd(deps, nil),
		newScanCmd(deps, nil),
		newExplainCmd(deps, nil),
		newPlanCmd(deps, nil),
		newApplyCmd(deps, nil),
		newRunCmd(deps, nil),
		newVersionsCmd(deps, nil),
		newConfigCmd(deps),
		newDemoCmd(deps, nil),
		newMigrateCmd(deps, nil),
	)
	return cmd
}

func newLogger(w io.Writer, g *globalOptions) *slog.Logger {
	level := slog.LevelInfo
	switch g.LogLevel.String() {
	case "debug":
		level = slog.LevelDebug
	case "warn":
		level = slog.LevelWarn
	case "error":
		level = slog.LevelError
	}
	if g.Quiet {
		level = slog.LevelError
	}
	opts := &slog.HandlerOptions{Level: level}
	if g.LogFormat.String() == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// runWithArg is the RunE of a command that takes one optional argument: the
// argument, when given, goes to *arg; then runF (a test hook) or run gets
// the options.
func runWithArg[O any](arg *string, opts *O, runF func(*O) error, run func(context.Context, *O) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 1 {
			*arg = args[0]
		}
		if runF != nil {
			return runF(opts)
		}
		return run(cmd.Context(), opts)
	}
}
