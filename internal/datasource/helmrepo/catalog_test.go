package helmrepo

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/httpx"
)

// genIndex writes charts chart-000, chart-001, … with counts[i] versions
// each, in one of four layouts: "helm"
// (block, 2-space, indentless sequences: what helm writes), "indented"
// (block, 4-space, indented sequences: what yaml.v3 writes), "flow" (each
// chart a flow sequence of flow mappings) and "json".
func genIndex(layout string, counts ...int) []byte {
	var b bytes.Buffer
	switch layout {
	case "json":
		b.WriteString("{\"apiVersion\": \"v1\", \"entries\": {\n")
	default:
		b.WriteString("apiVersion: v1\nentries:\n")
	}
	for c, versions := range counts {
		name := fmt.Sprintf("chart-%03d", c)
		switch layout {
		case "json":
			fmt.Fprintf(&b, "%q: [\n", name)
		case "flow":
			fmt.Fprintf(&b, "  %s: [\n", name)
		case "indented":
			fmt.Fprintf(&b, "    %s:\n", name)
		default:
			fmt.Fprintf(&b, "  %s:\n", name)
		}
		for v := range versions {
			genEntry(&b, layout, name, fmt.Sprintf("%d.%d.%d", v/100, v%100, c%3), v, v == versions-1)
		}
		switch layout {
		case "json":
			b.WriteString("]")
			if c < len(counts)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		case "flow":
			b.WriteString("    ]\n")
		}
	}
	if layout == "json" {
		b.WriteString("}, \"generated\": \"2024-01-01T00:00:00Z\"}\n")
	} else {
		b.WriteString("generated: \"2024-01-01T00:00:00Z\"\n")
	}
	return b.Bytes()
}

func genEntry(b *bytes.Buffer, layout, name, version string, v int, last bool) {
	created := fmt.Sprintf("2023-01-01T%02d:%02d:00Z", v/60%24, v%60)
	changes := fmt.Sprintf("- kind: added\n  description: Support for feature %d\n", v)
	url := fmt.Sprintf("https://github.com/example/charts/releases/download/%s-%s/%s-%s.tgz", name, version, name, version)
	desc := "A Helm chart for deploying a service on Kubernetes with batteries included."
	switch layout {
	case "json", "flow":
		q := func(s string) string { return fmt.Sprintf("%q", s) }
		if layout == "flow" {
			q = func(s string) string {
				if strings.ContainsAny(s, "\n,") {
					return fmt.Sprintf("%q", s)
				}
				return s
			}
		}
		sep := ","
		if last {
			sep = ""
		}
		fmt.Fprintf(b, "    {%s: %s, %s: %s, %s: %s, %s: %s, %s: %s, %s: [%s], %s: %s, %s: {%s: %s, %s: %s}}%s\n",
			q("name"), q(name), q("version"), q(version), q("appVersion"), q("v"+version), q("created"), q(created),
			q("description"), q(desc), q("urls"), q(url), q("digest"), q(fmt.Sprintf("%064x", v)),
			q("annotations"), q(changesKey), q(changes), q("artifacthub.io/license"), q("Apache-2.0"), sep)
	default:
		si, step := 2, 2
		if layout == "indented" {
			si, step = 8, 4
		}
		in := strings.Repeat(" ", si+2)
		deeper := strings.Repeat(" ", si+2+step)
		fmt.Fprintf(b, "%s- annotations:\n%s%s: |\n", strings.Repeat(" ", si), deeper, changesKey)
		for _, l := range strings.SplitAfter(strings.TrimSuffix(changes, "\n"), "\n") {
			fmt.Fprintf(b, "%s%s%s", deeper, strings.Repeat(" ", step), l)
		}
		fmt.Fprintf(b, "\n%sartifacthub.io/license: Apache-2.0\n", deeper)
		fmt.Fprintf(b, "%sappVersion: v%s\n%screated: \"%s\"\n%sdescription: %s\n%sdigest: %064x\n%sname: %s\n",
			in, version, in, created, in, desc, in, v, in, name)
		urlIndent := in
		if layout == "indented" {
			urlIndent += strings.Repeat(" ", step)
		}
		fmt.Fprintf(b, "%surls:\n%s- %s\n%sversion: %s\n", in, urlIndent, url, in, version)
	}
}

// wholeDecode is the reference: the whole document through yaml.v3 or
// encoding/json.
func wholeDecode(body []byte) (*Index, error) {
	if looksJSON(body) {
		return parseJSON(body)
	}
	return parseYAML(body)
}

func TestParseIndex_GeneratedLayouts(t *testing.T) {
	t.Parallel()
	for _, layout := range []string{"helm", "indented", "flow", "json"} {
		t.Run(layout, func(t *testing.T) {
			t.Parallel()
			body := genIndex(layout, 40, 40, 40)
			want, err := wholeDecode(body)
			if err != nil {
				t.Fatal(err)
			}
			if n := len(want.Entries["chart-001"]); n != 40 {
				t.Fatalf("reference decoded %d entries of chart-001, want 40", n)
			}
			got, err := ParseIndex(body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseIndex differs from the whole-document decode (-want +got):\n%s", diff)
			}
			c, err := openCatalog(body)
			if err != nil {
				t.Fatal(err)
			}
			if c.whole != nil {
				t.Errorf("%s layout was decoded as a whole document", layout)
			}
			if c.helm != (layout == "helm") {
				t.Errorf("helm layout = %v", c.helm)
			}
		})
	}
}

// TestSource_LargeIndexOtherLayouts reads one small chart from indexes in
// yaml.v3's and in flow layout whose other chart is large: the
// allocations, HTTP included, must stay near the body's size, where
// decoding the whole document with yaml.v3 takes about forty times as much.
func TestSource_LargeIndexOtherLayouts(t *testing.T) {
	for _, layout := range []string{"indented", "flow"} {
		body := genIndex(layout, 6000, 2)
		srv := wrapped(t, serveBytes(body)(new(atomic.Int32)))
		s := New(client(httpx.Options{}), Options{})
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		rs, err := s.Releases(t.Context(), helmSrc(srv.URL), "chart-001")
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"0.1.1", "0.0.1"}, versions(rs)); diff != "" {
			t.Errorf("%s: versions mismatch (-want +got):\n%s", layout, diff)
		}
		if alloc, limit := after.TotalAlloc-before.TotalAlloc, uint64(6*len(body)); alloc > limit && !raceEnabled {
			t.Errorf("%s: reading a 2-entry chart allocated %d bytes for a %d-byte index, want under %d",
				layout, alloc, len(body), limit)
		}
	}
}
