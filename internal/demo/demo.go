package demo

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/upstream"
)

//go:embed all:testdata/home-ops
var repo embed.FS

// RepoDir is the sample repository's path inside the embedded files.
const RepoDir = "testdata/home-ops"

// Repo returns the embedded sample repository.
func Repo() fs.FS {
	sub, err := fs.Sub(repo, RepoDir)
	if err != nil { // cannot happen: the directory is embedded
		panic(err)
	}
	return sub
}

// Published is one chart version the demo's upstream offers, with its age.
type Published struct {
	Source  chart.Source
	Chart   string
	Version string
	Age     time.Duration
}

func oci(url string) chart.Source  { return chart.Source{Kind: chart.SourceOCI, URL: url} }
func helm(url string) chart.Source { return chart.Source{Kind: chart.SourceHelm, URL: url} }

const day = 24 * time.Hour

// Catalog is what the demo's registries publish: for each chart of the
// sample repository, its current version and newer patch, minor, major and
// pre-release versions of various ages.
func Catalog() []Published {
	appTemplate := oci("oci://ghcr.io/bjw-s-labs/helm/app-template")
	var out []Published
	add := func(src chart.Source, name string, versions map[string]time.Duration) {
		for v, age := range versions {
			out = append(out, Published{Source: src, Chart: name, Version: v, Age: age})
		}
	}
	add(appTemplate, "app-template", map[string]time.Duration{
		"3.7.3": 300 * day, "4.0.0": 120 * day, "4.1.0": 40 * day, "4.1.1": 10 * day, "4.2.0": 1 * day, "5.0.0-beta.1": 2 * day,
	})
	add(helm("https://charts.jetstack.io"), "cert-manager", map[string]time.Duration{
		"v1.17.1": 200 * day, "v1.17.2": 90 * day, "v1.18.0": 30 * day,
	})
	add(helm("https://kubernetes.github.io/ingress-nginx"), "ingress-nginx", map[string]time.Duration{
		"4.11.2": 100 * day, "4.11.3": 50 * day, "4.12.0": 20 * day,
	})
	add(helm("https://kubernetes-sigs.github.io/descheduler"), "descheduler", map[string]time.Duration{
		"0.31.0": 90 * day, "0.31.2": 30 * day, "0.32.0": 6 * day,
	})
	add(oci("oci://ghcr.io/home-operations/charts-mirror/metrics-server"), "metrics-server", map[string]time.Duration{
		"3.12.1": 200 * day, "3.12.2": 60 * day, "3.13.0": 15 * day,
	})
	for _, name := range []string{"rook-ceph", "rook-ceph-cluster"} {
		add(oci("oci://ghcr.io/rook/"+name), name, map[string]time.Duration{
			"v1.16.4": 60 * day, "v1.16.5": 25 * day, "v1.17.0": 8 * day,
		})
	}
	add(oci("oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator"), "flux-operator", map[string]time.Duration{
		"0.28.0": 45 * day, "0.28.1": 12 * day, "0.29.0": 5 * day,
	})
	return out
}

// Env is a prepared demo: the repository copy and its chart sources.
type Env struct {
	Dir      string
	Upstream *upstream.Upstream
}

// Close stops the servers and removes the copy.
func (e *Env) Close() {
	e.Upstream.Close()
	os.RemoveAll(e.Dir) //nolint:errcheck // best effort
}

// Prepare copies the sample repository into a new temporary directory,
// starts the chart sources, publishes the catalog and writes the registry
// mirrors into the copy's bosun.yaml.
func Prepare(ctx context.Context, now time.Time) (*Env, error) {
	dir, err := os.MkdirTemp("", "bosun-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if err := os.CopyFS(dir, Repo()); err != nil {
		os.RemoveAll(dir) //nolint:errcheck // best effort
		return nil, fmt.Errorf("demo: copy repository: %w", err)
	}
	up, err := upstream.Start()
	if err != nil {
		os.RemoveAll(dir) //nolint:errcheck // best effort
		return nil, fmt.Errorf("demo: %w", err)
	}
	env := &Env{Dir: dir, Upstream: up}
	for _, p := range Catalog() {
		r := upstream.Release{Version: p.Version, AppVersion: p.Version, Created: now.Add(-p.Age).UTC().Truncate(time.Second)}
		if _, err := up.Publish(ctx, p.Source, p.Chart, r); err != nil {
			env.Close()
			return nil, fmt.Errorf("demo: %w", err)
		}
	}
	cfg := filepath.Join(dir, "bosun.yaml")
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		env.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	_, werr := f.WriteString("# Added by bosun demo: send every source to the in-process registries.\n" + up.RegistriesYAML())
	if err := f.Close(); werr != nil || err != nil {
		env.Close()
		return nil, fmt.Errorf("demo: write mirrors: %w", firstErr(werr, err))
	}
	return env, nil
}

// firstErr returns a if it is not nil, else b: the write error before the
// close error, since a failed write usually makes the close fail too.
func firstErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
