package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/bosunhq/bosun/internal/config"
)

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
