package flux

import "testing"

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
