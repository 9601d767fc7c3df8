package flux

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// An unquoted date in an input reaches the template as the text written,
// as it does in Flux, where the API server holds inputs as JSON: yaml.v3
// alone would make it a time.Time printed with a clock and a zone.
func TestScan_ResourceSetInputDate(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"rs.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: rs, namespace: x}
spec:
  inputs: [{released: 2024-01-01, tag: 1.2.3}]
  resourcesTemplate: |
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: OCIRepository
    metadata: {name: web-<< inputs.released >>, namespace: x}
    spec: {url: oci://r/c, ref: {tag: << inputs.tag >>}}
`,
	})
	res := scanDir(t, dir)
	if len(res.Refs) != 1 {
		t.Fatalf("refs: %+v, problems %v", res.Refs, res.Errors)
	}
	if r := res.Refs[0]; r.Name != "web-2024-01-01" || r.Version != "1.2.3" {
		t.Errorf("ref %s %s, want web-2024-01-01 1.2.3", r.Name, r.Version)
	}
}

// BenchmarkScan_ResourceSet scans a ResourceSet whose resources and
// resourcesTemplate hold templates, over many input sets.
func BenchmarkScan_ResourceSet(b *testing.B) {
	var inputs strings.Builder
	for i := range maxInputSets {
		fmt.Fprintf(&inputs, "    - {app: app%d, tag: 1.%d.0, url: oci://r/app%d}\n", i, i, i)
	}
	dir := b.TempDir()
	fstree.Write(b, dir, map[string]string{"rs.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: rs, namespace: x}
spec:
  inputs:
` + inputs.String() + `  resources:
    - apiVersion: source.toolkit.fluxcd.io/v1
      kind: OCIRepository
      metadata: {name: << inputs.app >>, namespace: x, labels: {app: << inputs.app | quote >>}}
      spec: {url: << inputs.url >>, ref: {tag: << inputs.tag >>}}
  resourcesTemplate: |
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: << inputs.app >>, namespace: x}
    spec:
      chartRef: {kind: OCIRepository, name: << inputs.app >>}
      values: {image: << inputs.app | upper >>}
`})
	b.ReportAllocs()
	for b.Loop() {
		if res := scanWith(b, dir, Options{NoGit: true}); len(res.Refs) != maxInputSets {
			b.Fatalf("%d refs, want %d", len(res.Refs), maxInputSets)
		}
	}
}

// A template parsed once renders each input set with that set's inputs,
// and fails the same way for every set.
func TestTmplCache_InputsPerSet(t *testing.T) {
	t.Parallel()
	var ts tmplCache
	for _, c := range []struct {
		text   string
		inputs map[string]any
		want   string
	}{
		{"<< inputs.app | upper >>-<< .inputs.tag >>", map[string]any{"app": "web", "tag": "1"}, "WEB-1"},
		{"<< inputs.app | upper >>-<< .inputs.tag >>", map[string]any{"app": "api", "tag": "2"}, "API-2"},
		{"<< inputs.app | upper >>-<< .inputs.tag >>", map[string]any{"app": "db"}, `error: template: resourcesTemplate:1:35: executing "resourcesTemplate" at <.inputs.tag>: map has no entry for key "tag"`},
		{"<< inputs.app", map[string]any{"app": "web"}, "error: template: resourcesTemplate:1: unclosed action"},
		{"<< inputs.app", map[string]any{"app": "api"}, "error: template: resourcesTemplate:1: unclosed action"},
		{"<< inputs.app >>", map[string]any{"app": "last"}, "last"},
	} {
		out, err := ts.exec(c.text, c.inputs)
		got := string(out)
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != c.want {
			t.Errorf("%q with %v = %q, want %q", c.text, c.inputs, got, c.want)
		}
	}
	if len(ts.parsed) != 3 || ts.inputs != nil {
		t.Errorf("%d texts parsed, inputs %v left; want 3 and none", len(ts.parsed), ts.inputs)
	}
}
