package helmrepo

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

// nasty values exercise the quoting helm's writer (sigs.k8s.io/yaml) picks.
var nasty = []string{
	"", "plain", "1.0", "true", "null", "~", "yes", "0x1F", "1e3", "2024-01-01", "2024-01-01T00:00:00Z",
	"with: colon", "hash # inside", "#lead", "- dash", "-x", "  leading", "trailing ", "quote\"d", "it's",
	"tab\there", "line\nbreak", "multi\nline\n", "keep\n\n", "\nleading newline", "üñí ✓", "a\\b",
	"{braces}", "[brackets]", "*star", "&amp", "!bang", "%pct", "@at", "`tick", "|pipe", ">gt", "?q", ":c",
	"control\x01char", "bell\a", "nbsp\u00a0", "ls\u2028", strings.Repeat("long words ", 20),
	"- kind: added\n  description: \"quoted\"\n- kind: fixed\n  description: it's: fine\n",
	"trailing spaces  \nin lines  \n", "  indented first\nthen not\n", "x\n\n\ny\n",
	strings.Repeat("ctl\x01 \"dq\" \\ words ", 12), strings.Repeat("it's long, isn't it ", 8), strings.Repeat("- kind: fixed\n  description: a long description that wraps beyond eighty columns for sure, yes\n", 3),
	strings.Repeat("x", 100) + " " + strings.Repeat("y", 100), "a  b    c " + strings.Repeat("spaced  words ", 10),
}

func nastyCharts() []helmrepotest.Chart {
	var cs []helmrepotest.Chart
	for i, v := range nasty {
		cs = append(cs, helmrepotest.Chart{
			Name: fmt.Sprintf("chart-%d", i%7), Version: fmt.Sprintf("1.%d.0", i), AppVersion: v, KubeVersion: v,
			Description: v, Changes: v, Deprecated: i%3 == 0,
			Created:     time.Date(2024, 1, 1, 0, 0, i, i*1000, time.FixedZone("", 3600)),
			Annotations: map[string]string{"a/" + fmt.Sprint(i): v, "z": v, "artifacthub.io/links": v},
			Keywords:    []string{v, "k"}, Sources: []string{"https://example.com/" + fmt.Sprint(i)},
			URL: []string{"", "https://example.com/x.tgz?sig=1", "../up/x.tgz"}[i%3],
		})
	}
	return cs
}

func TestParseIndex_FastMatchesYAML(t *testing.T) {
	t.Parallel()
	cases := map[string][]helmrepotest.Chart{
		"nasty":  nastyCharts(),
		"single": {{Name: "podinfo", Version: "6.5.0"}},
		"many":   helmrepotest.RealisticCharts(5, 4),
	}
	for name, charts := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			body, err := helmrepotest.IndexYAML("", charts...)
			if err != nil {
				t.Fatal(err)
			}
			fast, err := parseFast(body)
			if err != nil {
				t.Fatalf("parseFast fell back on helm's own layout: %v", err)
			}
			slow, err := parseYAML(body)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Errorf("fast path differs from yaml.v3 (-yaml +fast):\n%s", diff)
			}
			n := 0
			for _, es := range fast.Entries {
				n += len(es)
			}
			if n != len(charts) {
				t.Errorf("%d entries, want %d", n, len(charts))
			}
		})
	}
}

func TestParseIndex_Layouts(t *testing.T) {
	t.Parallel()
	want := &Index{APIVersion: "v1", Entries: map[string][]Entry{
		"a": {{Name: "a", Version: "1.0.0", URLs: []string{"a-1.0.0.tgz"}, Changes: "x\n", Deprecated: true}},
	}}
	tests := []struct {
		name, body string
		want       *Index
		wantErr    string
	}{
		{name: "block", body: "apiVersion: v1\nentries:\n  a:\n  - annotations:\n      artifacthub.io/changes: |\n        x\n    deprecated: true\n    name: a\n    urls:\n    - a-1.0.0.tgz\n    version: 1.0.0\n", want: want},
		{name: "indented sequences (yaml.v3 style)", body: "apiVersion: v1\nentries:\n    a:\n        - name: a\n          version: 1.0.0\n          deprecated: true\n          urls: [a-1.0.0.tgz]\n          annotations: {artifacthub.io/changes: \"x\\n\"}\n", want: want},
		{name: "json", body: `{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","deprecated":true,"urls":["a-1.0.0.tgz"],"annotations":{"artifacthub.io/changes":"x\n"}}]}}`, want: want},
		{name: "crlf", body: "apiVersion: v1\r\nentries:\r\n  a:\r\n  - annotations:\r\n      artifacthub.io/changes: |\r\n        x\r\n    deprecated: true\r\n    name: a\r\n    urls:\r\n    - a-1.0.0.tgz\r\n    version: 1.0.0\r\n", want: want},
		{name: "comments and document marker", body: "---\n# generated\napiVersion: v1\nentries:\n  a:\n  - name: a # the name\n    version: 1.0.0\n    deprecated: true\n    urls:\n    - a-1.0.0.tgz\n    annotations:\n      artifacthub.io/changes: \"x\\n\"\n", want: want},
		{name: "null and versionless entries dropped", body: "apiVersion: v1\nentries:\n  a:\n  - null\n  - name: a\n  - name: a\n    version: 1.0.0\n    deprecated: true\n    urls:\n    - a-1.0.0.tgz\n    annotations:\n      artifacthub.io/changes: |\n        x\n", want: want},
		{name: "no entries", body: "apiVersion: v1\ngenerated: \"2024-01-01T00:00:00Z\"\n", want: &Index{APIVersion: "v1", Entries: map[string][]Entry{}}},
		{name: "missing apiVersion", body: "entries: {}\n", wantErr: "no apiVersion"},
		{name: "malformed", body: "apiVersion: v1\nentries:\n  a: [\n", wantErr: "parse index yaml"},
		{name: "duplicate key", body: "apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    version: 2.0.0\n", wantErr: "already defined"},
		{name: "empty", body: "\n", wantErr: "empty index"},
		{name: "html", body: "<html><body>Not Found</body></html>", wantErr: "parse index yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseIndex([]byte(tt.body))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseIndex mismatch (-want +got):\n%s", diff)
			}
			if !looksJSON([]byte(tt.body)) {
				slow, err := parseYAML([]byte(tt.body))
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(slow, got); diff != "" {
					t.Errorf("differs from yaml.v3 (-yaml +got):\n%s", diff)
				}
			}
		})
	}
}

// TestParseIndex_EmptyKeys: a line holding only ":" (a null key) once
// crashed the line reader.
func TestParseIndex_EmptyKeys(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		":", ":\n", "apiVersion: v1\n:\n", "apiVersion: v1\nentries:\n  :\n", "apiVersion: v1\nentries:\n  a:\n  - :\n    version: 1\n",
	} {
		got, err := ParseIndex([]byte(body))
		want, werr := parseYAML([]byte(body))
		if werr == nil && want.APIVersion != "" {
			if err != nil {
				t.Errorf("ParseIndex(%q) = %v; yaml.v3 accepts it", body, err)
			} else if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseIndex(%q) differs from yaml.v3 (-yaml +got):\n%s", body, diff)
			}
		}
	}
}

func TestParseIndex_FastFallsBack(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		"apiVersion: v1\r\n", "---\napiVersion: v1\n", "apiVersion: v1\nentries:\n    a: []\n",
	} {
		if _, err := parseFast([]byte(body)); !errors.Is(err, errFallback) {
			t.Errorf("parseFast(%q) err = %v, want errFallback", body, err)
		}
	}
}

// parseFast reads body with the line reader of helm's layout only:
// errFallback unless the whole document and every chart's entries are in
// that layout.
func parseFast(body []byte) (*Index, error) {
	if bytes.IndexByte(body, '\t') >= 0 {
		return nil, errFallback
	}
	c, err := splitYAML(string(body))
	if err != nil {
		return nil, err
	}
	if !c.helm {
		return nil, errFallback
	}
	idx := &Index{APIVersion: c.apiVersion, Entries: map[string][]Entry{}}
	for name, ct := range c.charts {
		if ct.text == "" {
			idx.Entries[name] = []Entry{}
			continue
		}
		p := &fastParser{s: ct.text}
		list, err := p.entryList()
		if err != nil || p.pos != len(ct.text) {
			return nil, errFallback
		}
		idx.Entries[name] = list
	}
	return idx, nil
}

func TestResolveReferenceURL(t *testing.T) {
	t.Parallel()
	resolve := func(base, ref string) string {
		u, err := ResolveReferenceURL(base, ref)
		if err != nil {
			return "error: " + err.Error()
		}
		return u
	}
	tabletest.Run2(t, "ResolveReferenceURL", resolve, map[[2]string]string{
		{"https://charts.example.com", "index.yaml"}:                               "https://charts.example.com/index.yaml",
		{"https://charts.example.com/", "index.yaml"}:                              "https://charts.example.com/index.yaml",
		{"https://charts.example.com/stable", "index.yaml"}:                        "https://charts.example.com/stable/index.yaml",
		{"https://charts.example.com/stable//", "index.yaml"}:                      "https://charts.example.com/stable/index.yaml",
		{"https://charts.example.com/stable?token=x", "charts/a-1.0.0.tgz"}:        "https://charts.example.com/stable/charts/a-1.0.0.tgz?token=x",
		{"https://charts.example.com/stable", "../other/a.tgz"}:                    "https://charts.example.com/other/a.tgz",
		{"https://charts.example.com/stable", "/abs/a.tgz"}:                        "https://charts.example.com/abs/a.tgz",
		{"https://charts.example.com/stable", "https://cdn.example.com/a.tgz"}:     "https://cdn.example.com/a.tgz",
		{"https://charts.example.com/stable", "https://cdn.example.com/a.tgz?x=1"}: "https://cdn.example.com/a.tgz?x=1",
	})
}
