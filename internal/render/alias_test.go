package render

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// aliasRepo is a cluster whose objects read fields through aliases that a
// patch, a replacement, the namespace transformer and postBuild
// substitution change.
func aliasRepo() map[string]string {
	return map[string]string{
		"clusters/prod/flux-system/gotk-sync.yaml": bootstrap("prod", "")["clusters/prod/flux-system/gotk-sync.yaml"],
		"clusters/prod/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute: {VERSION: 1.2.3}
`,
		"apps/kustomization.yaml": `namespace: web
resources: [settings.yaml, deployment.yaml, release.yaml]
patches:
  - patch: |
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        template:
          metadata:
            labels: {tier: frontend}
replacements:
  - source: {kind: ConfigMap, name: settings, fieldPath: data.owner}
    targets:
      - select: {kind: Deployment, name: web}
        fieldPaths: [spec.template.metadata.annotations.owner]
`,
		"apps/settings.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {owner: team-a}\n",
		"apps/deployment.yaml": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
  annotations: &notes
    owner: nobody
spec:
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
      annotations: *notes
`,
		"apps/release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
spec:
  chart:
    spec:
      chart: web
      version: &version ${VERSION}
      sourceRef: {kind: HelmRepository, name: charts}
  values:
    chartVersion: *version
    commonLabels: &meta
      name: web
metadata: *meta
`,
	}
}

// Rendering reads aliases as kustomize does, expanded: a change made
// through an alias, or to the node it names, changes no other place, and
// postBuild substitution reaches the values read through an alias, as
// Flux substitutes the built, alias-free objects. The written documents
// are never changed.
func TestRender_Aliases(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	fstree.Write(t, dir, aliasRepo())
	repo, err := manifest.Load(context.Background(), dir, manifest.Options{NoGit: true})
	if err != nil {
		t.Fatal(err)
	}
	tr := NewTree(repo.Files, nil)
	before := dumpWritten(t, tr)
	res := Render(context.Background(), tr)
	if len(res.Problems) > 0 {
		t.Errorf("problems: %v", res.Problems)
	}
	// What kustomize build and Flux's substitution give.
	want := map[string]string{
		"Deployment/web": `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: web
  labels: {app: web}
  annotations: {owner: nobody}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web, tier: frontend}
      annotations: {owner: team-a}
`,
		"HelmRelease/web": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
spec:
  chart:
    spec:
      chart: web
      version: 1.2.3
      sourceRef: {kind: HelmRepository, name: charts}
  values:
    chartVersion: 1.2.3
    commonLabels: {name: web}
metadata: {name: web, namespace: web}
`,
	}
	for name, w := range want {
		kind, n, _ := strings.Cut(name, "/")
		o := find(res, kind, n, "clusters/prod")
		if o == nil {
			t.Errorf("%s not rendered", name)
			continue
		}
		if got, exp := asJSON(t, o.Node), asJSON(t, yamlNode(t, w)); got != exp {
			t.Errorf("%s:\n got %s\nwant %s", name, got, exp)
		}
	}
	// What the rendering left as written, read through an alias, is the
	// written node the alias names.
	if o, f := find(res, "Deployment", "web", "clusters/prod"), tr.files["apps/deployment.yaml"]; o != nil {
		written := f.Docs[0].Root
		if got := kustomize.Get(o.Node, "spec", "selector", "matchLabels"); got != kustomize.Get(written, "metadata", "labels") {
			t.Errorf("spec.selector.matchLabels is not shared with the written metadata.labels")
		}
	}
	if after := dumpWritten(t, tr); after != before {
		t.Errorf("the written documents changed:\n%s\nwere\n%s", after, before)
	}
}

func yamlNode(t *testing.T, s string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return n.Content[0]
}

// asJSON is the value of n, aliases resolved, as JSON with sorted keys.
func asJSON(t *testing.T, n *yaml.Node) string {
	t.Helper()
	var v any
	if err := n.Decode(&v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestRender_AliasesInRootAndRawVariables: a root Kustomization's own
// postBuild.substitute and a substituteFrom ConfigMap read as written
// (not copies) give a variable written as an alias the value it names,
// not the alias's name.
func TestRender_AliasesInRootAndRawVariables(t *testing.T) {
	t.Parallel()
	files := bootstrap("main", "")
	// The root Kustomization's spec ends the document: its postBuild follows.
	files["clusters/main/flux-system/gotk-sync.yaml"] += `  postBuild:
    substitute:
      BASE: &base "1.2.3"
      CHART_VERSION: *base
    substituteFrom:
      - {kind: ConfigMap, name: root-settings}
`
	files["root-settings.yaml"] = `apiVersion: v1
kind: ConfigMap
metadata: {name: root-settings, namespace: flux-system}
data:
  PLAIN: &plain "4.5.6"
  OTHER_VERSION: *plain
`
	files["clusters/main/hr.yaml"] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: direct, namespace: flux-system}
spec:
  chart:
    spec:
      chart: direct
      version: ${CHART_VERSION}
  values:
    other: ${OTHER_VERSION}
`
	res := Render(context.Background(), tree(t, files))
	o := find(res, "HelmRelease", "direct", "clusters/main")
	if o == nil {
		t.Fatalf("HelmRelease direct not rendered; problems %v", res.Problems)
	}
	if got := kustomize.GetString(o.Node, "spec", "chart", "spec", "version"); got != "1.2.3" {
		t.Errorf("version = %q, want 1.2.3 (the value the alias *base names)", got)
	}
	if got := kustomize.GetString(o.Node, "spec", "values", "other"); got != "4.5.6" {
		t.Errorf("values.other = %q, want 4.5.6 (the value the alias *plain names)", got)
	}
}
