package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/policy"
)

// Lookup lists and describes chart releases (datasource.Datasource).
type Lookup interface {
	Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error)
	Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error)
}

// Decider applies the update policy to one reference (policy.Rules): one
// decision per update bucket, the highest first.
type Decider interface {
	DecideBuckets(ctx context.Context, ref chart.Ref, releases []chart.Release, describe policy.Describer, now time.Time) ([]policy.Decision, error)
}

// Deps are the seams of a run.
type Deps struct {
	// NewLookup builds the release lookup for the loaded config; required
	// by Run.
	NewLookup func(*config.Config) Lookup
	// Logger receives the stages' logs; nil discards them.
	Logger *slog.Logger
}

func (d Deps) logger() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// Options say what a run works on.
type Options struct {
	// Dir is the repository (or the part of it) to scan.
	Dir string
	// ConfigPath is the config file; "" finds .github/bosun.yaml, then
	// bosun.yaml in Dir, else uses the defaults.
	ConfigPath string
	// IncludeArchive also scans .archive/ directories.
	IncludeArchive bool
	// NoGit reads every YAML file instead of asking git which it tracks.
	NoGit bool
	// Now is the time release ages are measured against; zero means the clock.
	Now time.Time
	// LazyDescribe describes only what deciding needs
	// (policy.Rules.WithLazyDescribe), for a report that shows no release
	// details (appVersion, release dates, changes).
	LazyDescribe bool
}

// ConfigError is a config file that cannot be found, read or compiled.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// Skipped is a reference that gets no update, with the reason.
type Skipped struct {
	Ref    chart.Ref
	Reason string // a chart.SkipReason or a policy status ("held", "ignored", …)
	Detail string
}

// Failed is a chart source whose lookup failed in this run.
type Failed struct {
	Source    chart.Source
	Chart     string
	Err       error
	Transient bool
	Refs      []chart.Ref
}

// Result is a complete plan: what was read, and what should change.
type Result struct {
	// Config is the configuration the plan was made under.
	Config *config.Config
	// Scan is what the repository holds, file errors included.
	Scan *flux.Result
	// Now is the time release ages were measured against.
	Now       time.Time
	Decisions []policy.Decision
	Groups    []plan.Group
	Skipped   []Skipped
	Failed    []Failed
	// UpToDate counts references already at the version the policy wants.
	UpToDate int
}

// FailedKeys returns the chart keys (chart.Ref.Key) whose lookup failed.
func (r *Result) FailedKeys() map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Failed {
		for _, ref := range f.Refs {
			m[ref.Key()] = true
		}
	}
	return m
}

// Partial reports whether a file could not be read or a lookup failed.
func (r *Result) Partial() bool {
	return len(r.Failed) > 0 || (r.Scan != nil && len(r.Scan.Errors) > 0)
}

// OnlyTransient reports whether the run is partial only because lookups
// failed in ways that may pass (timeouts, 429, 5xx): every file was read and
// every failed source may answer next time.
func (r *Result) OnlyTransient() bool {
	if !r.Partial() || (r.Scan != nil && len(r.Scan.Errors) > 0) {
		return false
	}
	for _, f := range r.Failed {
		if !f.Transient {
			return false
		}
	}
	return true
}

// LoadConfig reads path, else dir's .github/bosun.yaml or bosun.yaml, else
// returns the defaults. Problems are *ConfigError.
func LoadConfig(dir, path string, log *slog.Logger) (*config.Config, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if path == "" {
		p, err := config.Find(dir)
		switch {
		case errors.Is(err, config.ErrNotFound):
		case err != nil:
			return nil, &ConfigError{err}
		default:
			path = p
		}
	}
	if path == "" {
		log.Debug("no config file, using defaults")
		return config.Default(), nil
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, &ConfigError{err}
	}
	log.Debug("config loaded", "file", path)
	return cfg, nil
}

// Scan loads the config and scans opts.Dir: every reference, with its skip
// reason, and every file that could not be read.
func Scan(ctx context.Context, deps Deps, opts Options) (*flux.Result, error) {
	cfg, err := LoadConfig(opts.Dir, opts.ConfigPath, deps.Logger)
	if err != nil {
		return nil, err
	}
	return ScanWithConfig(ctx, deps, cfg, opts)
}

// ScanWithConfig scans opts.Dir as Scan does, with cfg, a config already
// loaded; opts.ConfigPath is not read.
func ScanWithConfig(ctx context.Context, deps Deps, cfg *config.Config, opts Options) (*flux.Result, error) {
	res, err := flux.Scan(ctx, opts.Dir, flux.Options{Ignore: cfg.Ignore, IncludeArchive: opts.IncludeArchive, NoGit: opts.NoGit, Logger: deps.Logger})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", opts.Dir, err)
	}
	return res, nil
}

// Run is the whole pipeline: config, scan, lookup (each chart source once),
// policy and grouping. A failed lookup or unreadable file is part of the
// Result, never an error; the error is for a bad config, an unreadable
// directory or a cancelled context.
func Run(ctx context.Context, deps Deps, opts Options) (*Result, error) {
	log := deps.logger()
	if deps.NewLookup == nil {
		return nil, errors.New("pipeline: no lookup")
	}
	cfg, err := LoadConfig(opts.Dir, opts.ConfigPath, log)
	if err != nil {
		return nil, err
	}
	rules, err := cfg.Policy()
	if err != nil {
		return nil, &ConfigError{fmt.Errorf("config policy: %w", err)}
	}
	if opts.LazyDescribe {
		rules = rules.WithLazyDescribe()
	}
	scanned, err := ScanWithConfig(ctx, deps, cfg, opts)
	if err != nil {
		return nil, err
	}
	for _, e := range scanned.Errors {
		log.Warn("file not scanned", "file", e.File, "err", e.Msg)
	}
	// The parsed YAML trees are garbage once the references are extracted:
	// collecting them before the lookups allocate keeps the peak resident
	// set lower (31.4 → 29.7 MiB on the larger corpus repository) for one
	// collection's CPU.
	runtime.GC()
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	res := decideRefs(ctx, scanned.Refs, deps.NewLookup(cfg), rules, stageOptions{
		concurrency:  cfg.Lookup.Concurrency,
		now:          opts.Now,
		branchPrefix: cfg.PullRequests.BranchPrefix,
		log:          log,
	})
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("plan: %w", err)
	}
	res.Config, res.Scan, res.Now = cfg, scanned, opts.Now
	return res, nil
}
