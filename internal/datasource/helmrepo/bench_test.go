package helmrepo

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

func BenchmarkParseIndex(b *testing.B) {
	body := benchIndex(b)
	if _, err := parseFast(body); err != nil {
		b.Fatalf("fast path not taken: %v", err)
	}
	helmrepotest.BenchBytes(b, int64(len(body)), parseIndex(body))
}

// benchIndex reads helmrepotest's benchmark index.
func benchIndex(b *testing.B) []byte {
	b.Helper()
	body, err := os.ReadFile(helmrepotest.BenchIndexFile(b))
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// parseIndex is ParseIndex(body) as a benchmark operation.
func parseIndex(body []byte) func() error {
	return func() error {
		_, err := ParseIndex(body)
		return err
	}
}

// BenchmarkParseIndexFile includes reading the file, as helm's
// LoadIndexFile does.
func BenchmarkParseIndexFile(b *testing.B) {
	helmrepotest.BenchParseFile(b, helmrepotest.BenchIndexFile(b), func(body []byte) error { return parseIndex(body)() })
}

func BenchmarkParseIndexYAMLv3(b *testing.B) {
	body := benchIndex(b)
	helmrepotest.BenchBytes(b, int64(len(body)), func() error {
		_, err := parseYAML(body)
		return err
	})
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
			helmrepotest.BenchBytes(b, int64(len(body)), parseIndex(body))
		})
	}
}

// BenchmarkCatalogLargeOneChart is what a lookup does: split a
// 250,000-entry index and decode the 2,500 entries of one chart.
func BenchmarkCatalogLargeOneChart(b *testing.B) {
	for _, layout := range []string{"helm", "indented"} {
		b.Run(layout, func(b *testing.B) {
			body := largeIndex(b, layout)
			helmrepotest.BenchBytes(b, int64(len(body)), func() error {
				c, err := openCatalog(body)
				if err != nil {
					return err
				}
				if es, ok, err := c.entries("chart-050"); err != nil || !ok || len(es) != 2500 {
					return fmt.Errorf("entries = %d, %v, %v", len(es), ok, err)
				}
				return nil
			})
		})
	}
}
