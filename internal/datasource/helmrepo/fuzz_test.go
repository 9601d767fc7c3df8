package helmrepo

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// FuzzParseIndex drives the splitters and readers with hostile documents:
// none may panic, and wherever the whole-document decode (yaml.v3 or
// encoding/json) accepts a document, ParseIndex and the per-chart catalog
// must accept it too and agree with it entry for entry.
func FuzzParseIndex(f *testing.F) {
	for _, layout := range []string{"helm", "indented", "flow", "json"} {
		f.Add(genIndex(layout, 2, 1))
	}
	if body, err := helmrepotest.IndexYAML("", nastyCharts()...); err == nil {
		f.Add(body)
	}
	for _, s := range []string{
		"apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n",
		"---\n# c\napiVersion: v1\nentries:\n    a:\n        - {name: a, version: '1.0'}\n    b: []\n",
		"{apiVersion: v1, entries: {a: [{name: a, version: 1.0.0, urls: [x.tgz]}], b: null}}\n",
		"apiVersion: v1\nentries: {a: [{version: \"1\"}, {version: 2}]}\n",
		"apiVersion: v1\nentries:\n  a: &x\n  - version: 1\n  b: *x\n",
		"apiVersion: v1\ngenerated: [a, 'b, c', \"d]\"]\nentries:\n  a:\n    - version: 1 # c\n      urls:\n      - 'it''s'\n",
		"apiVersion: v1\nentries:\n  a:\n  - version: |\n      1\n    annotations:\n      artifacthub.io/changes: >-\n        x\n        y\n",
		`{"apiVersion":"v1","Entries":{"a":[{"version":"1","urls":["\u00e9"]}]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if len(body) > 1<<16 {
			return
		}
		got, err := ParseIndex(body)
		want, werr := wholeDecode(body)
		if werr != nil || want.APIVersion == "" {
			return // rejected by the reference: ParseIndex may read the charts it can
		}
		if err != nil {
			t.Fatalf("ParseIndex failed on a document yaml.v3/encoding/json accepts: %v\n%q", err, body)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("ParseIndex differs from the whole-document decode (-want +got):\n%s\n%q", diff, body)
		}
		c, err := openCatalog(body)
		if err != nil {
			t.Fatalf("openCatalog: %v", err)
		}
		for name, es := range want.Entries {
			got, ok, err := c.entries(name)
			if err != nil || !ok {
				t.Fatalf("entries(%q) = %v, %v", name, ok, err)
			}
			if diff := cmp.Diff(es, got); diff != "" {
				t.Fatalf("entries(%q) differs (-want +got):\n%s\n%q", name, diff, body)
			}
		}
	})
}
