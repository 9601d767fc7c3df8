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

const helmRelease = `apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: podinfo, namespace: flux-system}
spec: {url: https://stefanprodan.github.io/podinfo}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: podinfo, namespace: apps}
spec:
  chart:
    spec:
      chart: podinfo
      version: 6.5.0
      sourceRef: {kind: HelmRepository, name: podinfo, namespace: flux-system}
`

// TestScanWithConfig scans with the config it is given, already loaded:
// it neither reads the repository's config file (here one that does not
// load) nor opts.ConfigPath, and it honours the given config's ignore.
func TestScanWithConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, text := range map[string]string{
		"bosun.yaml":        "version: 1\nnope: true\n",
		"apps/podinfo.yaml": helmRelease,
	} {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Dir: dir, ConfigPath: filepath.Join(dir, "missing.yaml"), NoGit: true}
	for src, want := range map[string]int{"version: 1\n": 1, "version: 1\nignore: [\"apps/**\"]\n": 0} {
		cfg, err := config.Parse("bosun.yaml", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		res, err := ScanWithConfig(context.Background(), Deps{}, cfg, opts)
		if err != nil {
			t.Fatalf("%q: %v", src, err)
		}
		if len(res.Refs) != want {
			t.Errorf("%q: %d references, want %d: %+v", src, len(res.Refs), want, res.Refs)
		}
	}
}
