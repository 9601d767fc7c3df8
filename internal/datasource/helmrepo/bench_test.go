package helmrepo

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

	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// benchCharts builds charts×versions entries shaped like real ones
// (description, changes, keywords, sources, annotations, absolute URLs).
func benchCharts(charts, versions int) []helmrepotest.Chart {
	var out []helmrepotest.Chart
	for c := range charts {
		name := fmt.Sprintf("chart-%03d", c)
		for v := range versions {
			out = append(out, helmrepotest.Chart{
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

// benchIndexPath writes the synthetic 300×50 index once per machine (it is
// deterministic; the name carries a hash of the generator's parameters).
func benchIndexPath(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		sum := sha256.Sum256([]byte("v1 300x50"))
		p := filepath.Join(os.TempDir(), "bosun-bench-index-"+hex.EncodeToString(sum[:6])+".yaml")
		if _, err := os.Stat(p); err == nil {
			benchOnce.path = p
			return
		}
		body, err := helmrepotest.IndexYAML("", benchCharts(300, 50)...)
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

func BenchmarkParseIndex(b *testing.B) {
	body, err := os.ReadFile(benchIndexPath(b))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := parseFast(body); err != nil {
		b.Fatalf("fast path not taken: %v", err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseIndex(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseIndexFile includes reading the file, as helm's
// LoadIndexFile does.
func BenchmarkParseIndexFile(b *testing.B) {
	path := benchIndexPath(b)
	st, _ := os.Stat(path)
	b.ReportAllocs()
	b.SetBytes(st.Size())
	for b.Loop() {
		body, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ParseIndex(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseIndexYAMLv3(b *testing.B) {
	body, err := os.ReadFile(benchIndexPath(b))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := parseYAML(body); err != nil {
			b.Fatal(err)
		}
	}
}

// largeIndex is 100 charts × 2,500 lean versions (250,000 entries: 38 MB
// in helm's layout, 48 MB in yaml.v3's, "indented").
func largeIndex(b testing.TB, layout string) []byte {
	b.Helper()
	ci, si, step := "  ", "  ", "  "
	if layout == "indented" {
		ci, si, step = "    ", "        ", "    "
	}
	in := si + "  "
	var buf strings.Builder
	buf.WriteString("apiVersion: v1\nentries:\n")
	for c := range 100 {
		name := fmt.Sprintf("chart-%03d", c)
		fmt.Fprintf(&buf, "%s%s:\n", ci, name)
		for v := range 2500 {
			ver := fmt.Sprintf("%d.%d.%d", v/100, v%100, c%3)
			fmt.Fprintf(&buf, "%s- created: \"2023-01-01T00:00:00Z\"\n%sdigest: %016x\n%sname: %s\n%surls:\n%s%s- charts/%s-%s.tgz\n%sversion: %s\n",
				si, in, v, in, name, in, in, step[:len(step)-2], name, ver, in, ver)
		}
	}
	return []byte(buf.String())
}

// BenchmarkParseIndexLarge decodes every chart of a 250,000-entry index.
func BenchmarkParseIndexLarge(b *testing.B) {
	for _, layout := range []string{"helm", "indented"} {
		b.Run(layout, func(b *testing.B) {
			body := largeIndex(b, layout)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				if _, err := ParseIndex(body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCatalogLargeOneChart is what a lookup does: split a
// 250,000-entry index and decode the 2,500 entries of one chart.
func BenchmarkCatalogLargeOneChart(b *testing.B) {
	for _, layout := range []string{"helm", "indented"} {
		b.Run(layout, func(b *testing.B) {
			body := largeIndex(b, layout)
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				c, err := openCatalog(body)
				if err != nil {
					b.Fatal(err)
				}
				if es, ok, err := c.entries("chart-050"); err != nil || !ok || len(es) != 2500 {
					b.Fatalf("entries = %d, %v, %v", len(es), ok, err)
				}
			}
		})
	}
}
