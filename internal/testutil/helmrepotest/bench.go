package helmrepotest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// RealisticCharts builds charts×versions entries shaped like real ones
// (description, changes, keywords, sources, annotations, absolute URLs), for
// benchmarks of index parsers.
func RealisticCharts(charts, versions int) []Chart {
	var out []Chart
	for c := range charts {
		name := fmt.Sprintf("chart-%03d", c)
		for v := range versions {
			out = append(out, Chart{
				Name: name, Version: fmt.Sprintf("%d.%d.%d", v/10, v%10, c%3), AppVersion: fmt.Sprintf("v%d.%d.0", v, c),
				Created:     time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(c*versions+v) * time.Hour),
				Description: strings.Repeat("A Helm chart for deploying a service on Kubernetes with batteries included. ", 3),
				KubeVersion: ">=1.25.0-0",
				Changes:     fmt.Sprintf("- kind: added\n  description: Support for feature %d\n  links:\n  - name: PR\n    url: https://github.com/example/charts/pull/%d\n- kind: fixed\n  description: \"Fix a bug: values were ignored\"\n- kind: changed\n  description: Bump app to v%d.%d.0\n", v, c*100+v, v, c),
				Annotations: map[string]string{
					"artifacthub.io/license":                 "Apache-2.0",
					"artifacthub.io/links":                   "- name: source\n  url: https://github.com/example/charts\n",
					"artifacthub.io/containsSecurityUpdates": "false",
					"artifacthub.io/images":                  fmt.Sprintf("- name: app\n  image: ghcr.io/example/%s:v%d.%d.0\n", name, v, c),
				},
				Home:     "https://example.com/" + name,
				Sources:  []string{"https://github.com/example/charts", "https://github.com/example/" + name},
				Keywords: []string{"example", "service", name},
				URL:      fmt.Sprintf("https://github.com/example/charts/releases/download/%s-%d/%s-%d.tgz", name, v, name, v),
			})
		}
	}
	return out
}

var benchOnce struct {
	sync.Once
	path string
	err  error
}

// BenchIndexFile returns the path of an index.yaml of RealisticCharts(300,
// 50), written once per machine: it is deterministic, and the
// name carries a hash of the generator's parameters.
func BenchIndexFile(b testing.TB) string {
	b.Helper()
	benchOnce.Do(func() {
		sum := sha256.Sum256([]byte("v1 300x50"))
		p := filepath.Join(os.TempDir(), "bosun-bench-index-"+hex.EncodeToString(sum[:6])+".yaml")
		if _, err := os.Stat(p); err == nil {
			benchOnce.path = p
			return
		}
		body, err := IndexYAML("", RealisticCharts(300, 50)...)
		if err != nil {
			benchOnce.err = err
			return
		}
		tmp := p + ".tmp"
		if err := os.WriteFile(tmp, body, 0o644); err != nil {
			benchOnce.err = err
			return
		}
		benchOnce.err = os.Rename(tmp, p)
		benchOnce.path = p
	})
	if benchOnce.err != nil {
		b.Fatal(benchOnce.err)
	}
	return benchOnce.path
}

// BenchBytes runs op in b's loop, reporting allocations and size bytes of
// throughput per run; an error from op fails the benchmark.
func BenchBytes(b *testing.B, size int64, op func() error) {
	b.Helper()
	b.ReportAllocs()
	b.SetBytes(size)
	for b.Loop() {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchFile is BenchBytes over the file at path, its size as throughput.
func BenchFile(b *testing.B, path string, op func() error) {
	b.Helper()
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	BenchBytes(b, st.Size(), op)
}

// BenchParseFile is BenchFile of reading the file at path and handing its
// bytes to parse, as helm's LoadIndexFile reads and parses.
func BenchParseFile(b *testing.B, path string, parse func([]byte) error) {
	b.Helper()
	BenchFile(b, path, func() error {
		body, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return parse(body)
	})
}
