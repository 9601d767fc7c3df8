package pipeline

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/demo"
	"github.com/bosunhq/bosun/internal/httpx"
)

// TestRun_SampleRepo runs the whole pipeline on the demo's sample
// repository against its real loopback registries: the config comes from
// the repository, every reference is scanned, looked up and grouped.
func TestRun_SampleRepo(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	env, err := demo.Prepare(context.Background(), now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	newLookup := func(cfg *config.Config) Lookup {
		client := httpx.New(httpx.Options{MaxAttempts: 1})
		return datasource.New(helmrepo.New(client, helmrepo.Options{Hosts: cfg.Hosts()}), ocirepo.New(ocirepo.Options{Client: client, Hosts: cfg.Hosts()}))
	}
	res, err := Run(context.Background(), Deps{NewLookup: newLookup}, Options{Dir: env.Dir, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.Config == nil || len(res.Config.Registries) == 0 {
		t.Errorf("Config = %+v, want the sample's bosun.yaml with its registry mirrors", res.Config)
	}
	if res.Scan == nil || len(res.Scan.Refs) == 0 || !res.Now.Equal(now) {
		t.Fatalf("Scan = %+v, Now = %v: want the sample's references, measured at %v", res.Scan, res.Now, now)
	}
	if len(res.Groups) == 0 || len(res.Failed) != 0 || res.Partial() {
		t.Errorf("want updates and no failures, got %d groups, failed %+v", len(res.Groups), res.Failed)
	}
	if got := len(res.Decisions); got != len(res.Scan.Refs) {
		t.Errorf("%d decisions for %d references", got, len(res.Scan.Refs))
	}
}

// TestRun_ConfigError: a config that cannot be used is a *ConfigError,
// which app maps to a usage error, and nothing is looked up.
func TestRun_ConfigError(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bosun.yaml"), []byte("version: 1\nnope: true\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	looked := false
	_, err := Run(context.Background(), Deps{NewLookup: func(*config.Config) Lookup { looked = true; return nil }}, Options{Dir: dir})
	var ce *ConfigError
	if !errors.As(err, &ce) || looked {
		t.Errorf("Run = %v (looked up: %v), want a *ConfigError before any lookup", err, looked)
	}
}
