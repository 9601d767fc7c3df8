package kustomize

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// parse splits a multi-document YAML string into resources.
func parse(t *testing.T, src string) []*Resource {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(src))
	var out []*Resource
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, NewResource(n.Content[0]))
	}
}

func reps(t *testing.T, src string, files map[string]string) []Replacement {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	rs, err := LoadReplacements(n.Content[0], func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, errors.New(p + ": no such file")
	})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func field(t *testing.T, r *Resource, path string) string {
	t.Helper()
	slots, err := lookup(r.Node, path, false, yaml.ScalarNode)
	if err != nil {
		t.Fatal(err)
	}
	if len(slots) == 0 {
		return "<missing>"
	}
	return deref(slots[0].get()).Value
}

func dump(t *testing.T, r *Resource) string {
	t.Helper()
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(r.Node); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The layout of the community templates: a per-namespace kustomization
// sets namespace, lists a Namespace with a placeholder name and the apps'
// Flux Kustomizations, and a shared replacements file copies the
// Namespace's (transformed) name into every Kustomization's
// spec.targetNamespace, creating it.
func TestNamespaceThenReplacements_TargetNamespace(t *testing.T) {
	t.Parallel()
	res := parse(t, `apiVersion: v1
kind: Namespace
metadata:
  name: _
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: echo
spec:
  path: ./apps/echo
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: whoami
  namespace: flux-system
spec:
  targetNamespace: old
`)
	SetNamespace(res, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "default", Line: 2, Column: 12}, nil)
	rs := reps(t, "- path: ../components/replacements.yaml\n", map[string]string{
		"../components/replacements.yaml": `- source:
    kind: Namespace
    fieldPath: metadata.name
  targets:
    - select:
        kind: Kustomization
      fieldPaths:
        - spec.targetNamespace
      options:
        create: true
`,
	})
	if err := ApplyReplacements(res, rs, nil); err != nil {
		t.Fatal(err)
	}
	if got := res[0].Name(); got != "default" {
		t.Errorf("Namespace renamed to %q", got)
	}
	for _, r := range res[1:] {
		if got := field(t, r, "spec.targetNamespace"); got != "default" {
			t.Errorf("%s targetNamespace = %q", r.Name(), got)
		}
		if got := r.Namespace(); got != "default" {
			t.Errorf("%s namespace = %q", r.Name(), got)
		}
	}
	// The new value keeps the position of the source it came from.
	v := child(res[1].Node, "spec", "targetNamespace")
	if v.Line != 2 || v.Column != 12 {
		t.Errorf("targetNamespace comes from line %d column %d, want the namespace key's 2:12", v.Line, v.Column)
	}
}

func TestReplacements_SelectRejectAndOptions(t *testing.T) {
	t.Parallel()
	res := parse(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  image: registry.example.com/app:1.2.3
  domain: example.com
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {tier: front}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:latest
        - name: sidecar
          image: proxy:1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-canary
  labels: {tier: front}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:latest
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: web.local
`)
	rs := reps(t, `- source: {kind: ConfigMap, name: settings, fieldPath: data.image, options: {delimiter: ":", index: 1}}
  targets:
    - select: {kind: Deployment, labelSelector: "tier=front"}
      reject: [{name: ".*-canary"}]
      fieldPaths: ["spec.template.spec.containers.[name=app].image"]
      options: {delimiter: ":", index: 1}
- source: {kind: ConfigMap, fieldPath: data.domain}
  targets:
    - select: {group: networking.k8s.io, kind: Ingress}
      fieldPaths: ["spec.rules.0.host"]
      options: {delimiter: ".", index: 5}
- sourceValue: extra
  targets:
    - select: {kind: Deploy.*}
      fieldPaths: ["spec.template.spec.containers.*.name"]
      options: {delimiter: "-", index: -1}
`, nil)
	if err := ApplyReplacements(res, rs, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r    int
		path string
		want string
	}{
		{1, "spec.template.spec.containers.[name=extra-app].image", "app:1.2.3"},
		{1, "spec.template.spec.containers.1.image", "proxy:1"},
		{1, "spec.template.spec.containers.1.name", "extra-sidecar"},
		{2, "spec.template.spec.containers.0.image", "app:latest"}, // rejected
		{3, "spec.rules.0.host", "web.local.example.com"},          // index past the end appends
	} {
		if got := field(t, res[c.r], c.path); got != c.want {
			t.Errorf("%s %s = %q, want %q\n%s", res[c.r].Name(), c.path, got, c.want, dump(t, res[c.r]))
		}
	}
}

func TestReplacements_Errors(t *testing.T) {
	t.Parallel()
	objs := `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {x: "1"}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: default}
data: {x: "2"}
`
	for _, c := range []struct {
		reps string
		want string
	}{
		{`- source: {kind: ConfigMap}
  targets: [{select: {kind: ConfigMap}}]`, "multiple matches for selector"},
		{`- source: {kind: Secret}
  targets: [{select: {kind: ConfigMap}}]`, "nothing selected by"},
		{`- source: {kind: ConfigMap, name: a, fieldPath: data.y}
  targets: [{select: {kind: ConfigMap}}]`, "fieldPath `data.y` is missing for replacement source"},
		{`- source: {kind: ConfigMap, name: a, fieldPath: data.x}
  targets: [{select: {kind: ConfigMap}, fieldPaths: [data.z]}]`, `unable to find field "data.z" in replacement target`},
		{`- source: {kind: ConfigMap, name: a, fieldPath: data.x, options: {delimiter: ",", index: 3}}
  targets: [{select: {kind: ConfigMap}}]`, "options.index 3 is out of bounds"},
		{`- source: {kind: ConfigMap, name: a}
  sourceValue: x
  targets: [{select: {kind: ConfigMap}}]`, "mutually exclusive"},
	} {
		err := ApplyReplacements(parse(t, objs), reps(t, c.reps, nil), nil)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s\n→ %v, want %q", c.reps, err, c.want)
		}
	}
	// An empty namespace in the source selector's target counts as default.
	rs := reps(t, `- source: {kind: ConfigMap, name: a, namespace: default, fieldPath: data.x}
  targets: [{select: {name: b}, fieldPaths: [data.x]}]`, nil)
	res := parse(t, objs)
	if err := ApplyReplacements(res, rs, nil); err != nil {
		t.Fatal(err)
	}
	if got := field(t, res[1], "data.x"); got != "1" {
		t.Errorf("b data.x = %q", got)
	}
	var n yaml.Node
	_ = yaml.Unmarshal([]byte("- path: r.yaml\n  targets: []\n"), &n)
	if _, err := LoadReplacements(n.Content[0], nil); err == nil || !strings.Contains(err.Error(), "cannot specify both path and inline replacement") {
		t.Errorf("path + inline: %v", err)
	}
}

// Targets match the name and namespace an object had before the namespace
// transformer moved it, as well as the current ones.
func TestReplacements_OriginalID(t *testing.T) {
	t.Parallel()
	res := parse(t, `apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: before}
data: {x: "old"}
`)
	SetNamespace(res, Scalar("after"), nil)
	rs := reps(t, `- sourceValue: new
  targets: [{select: {namespace: before}, fieldPaths: [data.x]}]`, nil)
	if err := ApplyReplacements(res, rs, nil); err != nil {
		t.Fatal(err)
	}
	if got := field(t, res[0], "data.x"); got != "new" {
		t.Errorf("data.x = %q", got)
	}
}

func TestSetNamespace_Scope(t *testing.T) {
	t.Parallel()
	res := parse(t, `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: r}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: h, namespace: elsewhere}
---
kind: ConfigMap
apiVersion: v1
`)
	SetNamespace(res, Scalar("media"), nil)
	if res[0].Namespace() != "" || res[1].Namespace() != "media" || res[2].Namespace() != "media" {
		t.Errorf("namespaces = %q %q %q", res[0].Namespace(), res[1].Namespace(), res[2].Namespace())
	}
}

func TestMatchLabels(t *testing.T) {
	t.Parallel()
	l := map[string]string{"app": "web", "tier": "front"}
	for sel, want := range map[string]bool{
		"app=web": true, "app==web": true, "app!=web": false, "app": true, "!app": false, "missing": false,
		"app in (web, api)": true, "app notin (web)": false, "app=web,tier=back": false, "tier in (front),!missing": true,
	} {
		got, err := matchLabels(sel, l)
		if err != nil || got != want {
			t.Errorf("%q = %v, %v; want %v", sel, got, err, want)
		}
	}
}

// A replaced value remembers the file of the object it was copied from.
func TestReplacements_Origins(t *testing.T) {
	t.Parallel()
	res := parse(t, "kind: Namespace\nmetadata: {name: media}\n---\nkind: Kustomization\nmetadata: {name: app}\nspec: {}\n")
	res[0].File, res[1].File = "apps/media/namespace.yaml", "apps/media/app/ks.yaml"
	rs := reps(t, `- source: {kind: Namespace}
  targets: [{select: {kind: Kustomization}, fieldPaths: [spec.targetNamespace], options: {create: true}}]`, nil)
	o := Origins{}
	if err := ApplyReplacements(res, rs, o); err != nil {
		t.Fatal(err)
	}
	v := child(res[1].Node, "spec", "targetNamespace")
	if got := o.FileOf(v, res[1]); got != "apps/media/namespace.yaml" {
		t.Errorf("targetNamespace from %q", got)
	}
	if got := o.FileOf(child(res[1].Node, "metadata", "name"), res[1]); got != "apps/media/app/ks.yaml" {
		t.Errorf("own field from %q", got)
	}
}
