package kustomize

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const baseRelease = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
  namespace: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      version: "6.5.0"
      sourceRef: {kind: HelmRepository, name: podinfo}
  values:
    replicaCount: 1
    ingress: {enabled: false}
`

func loadPatches(t *testing.T, src string, files map[string]string) []Patch {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	ps, err := LoadPatches(n.Content[0], func(p string) ([]byte, error) { return []byte(files[p]), nil })
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// An overlay patch that sets the chart version: the version now comes from
// the patch file, and Origins says so, with the patch's own line.
func TestPatches_OverlaySetsVersion(t *testing.T) {
	t.Parallel()
	res := parse(t, baseRelease)
	ps := loadPatches(t, `- path: podinfo-values.yaml
  target: {kind: HelmRelease, name: podinfo}
`, map[string]string{"podinfo-values.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  chart:
    spec:
      version: ">=6.0.0 <7.0.0"
  values:
    ingress: {enabled: true}
    resources: null
`})
	origins := Origins{}
	if err := ApplyPatches(res, ps, origins); err != nil {
		t.Fatal(err)
	}
	v := child(res[0].Node, "spec", "chart", "spec", "version")
	if v.Value != ">=6.0.0 <7.0.0" || origins[v] != "podinfo-values.yaml" || v.Line != 8 {
		t.Errorf("version = %q from %q line %d", v.Value, origins[v], v.Line)
	}
	if c := child(res[0].Node, "spec", "chart", "spec", "chart"); c.Value != "podinfo" || origins[c] != "" {
		t.Errorf("chart = %q from %q: the base's field must stay the base's", c.Value, origins[c])
	}
	if got := field(t, res[0], "spec.values.replicaCount"); got != "1" {
		t.Errorf("replicaCount = %q: a merge patch keeps other keys", got)
	}
	if got := field(t, res[0], "spec.values.ingress.enabled"); got != "true" {
		t.Errorf("ingress.enabled = %q", got)
	}
}

func TestPatches_InlineWithoutTargetAndJSON6902(t *testing.T) {
	t.Parallel()
	res := parse(t, baseRelease+`---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: other, namespace: podinfo}
spec: {chart: {spec: {chart: other, version: 1.0.0}}}
`)
	ps := loadPatches(t, `- patch: |-
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: podinfo}
    spec: {chart: {spec: {version: 6.6.0}}}
- target: {kind: HelmRelease, name: "o.*"}
  patch: |-
    - op: replace
      path: /spec/chart/spec/version
      value: 1.1.0
    - op: add
      path: /spec/interval
      value: 1h
    - op: test
      path: /spec/chart/spec/chart
      value: other
`, nil)
	if err := ApplyPatches(res, ps, nil); err != nil {
		t.Fatal(err)
	}
	if got := field(t, res[0], "spec.chart.spec.version"); got != "6.6.0" {
		t.Errorf("podinfo version = %q", got)
	}
	if got := field(t, res[1], "spec.chart.spec.version"); got != "1.1.0" {
		t.Errorf("other version = %q", got)
	}
	if got := field(t, res[1], "spec.interval"); got != "1h" {
		t.Errorf("other interval = %q", got)
	}
}

func TestPatches_Errors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ patches, want string }{
		{`- patch: "kind: HelmRelease\nmetadata: {name: missing}\n"`, "no object HelmRelease/missing to patch"},
		{`- patch: "- {op: remove, path: /spec/x}"`, "a JSON 6902 patch needs a target"},
		{`- target: {kind: HelmRelease}
  patch: "- {op: replace, path: /spec/nothing/here, value: 1}"`, `"nothing" not found`},
		{`- target: {kind: HelmRelease}
  patch: "- {op: move, from: /a, path: /b}"`, `unsupported op "move"`},
		{`- target: {kind: "("}
  patch: "spec: {}"`, "selector"},
	} {
		err := ApplyPatches(parse(t, baseRelease), loadPatches(t, c.patches, nil), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n→ %v, want %q", c.patches, err, c.want)
		}
	}
	var n yaml.Node
	_ = yaml.Unmarshal([]byte("- {path: a.yaml, patch: x}\n"), &n)
	if _, err := LoadPatches(n.Content[0], nil); err == nil {
		t.Error("path and patch together accepted")
	}
}
