package render

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/fluxdocs"
)

func tree(t *testing.T, files map[string]string) *Tree {
	t.Helper()
	var fs []*manifest.File
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if !isYAML(p) && !strings.HasSuffix(p, "Kustomization") {
			continue
		}
		f, fe := manifest.Parse(p, []byte(files[p]))
		if fe != nil {
			t.Fatalf("%s: %v", p, fe)
		}
		fs = append(fs, f)
	}
	return NewTree(fs, func(p string) ([]byte, error) {
		if s, ok := files[p]; ok {
			return []byte(s), nil
		}
		return nil, fmt.Errorf("%s: not found", p)
	})
}

// bootstrap is a cluster's flux-system: the root applying itself and the
// cluster directory.
func bootstrap(cluster string, vars string) map[string]string {
	return map[string]string{
		"clusters/" + cluster + "/flux-system/gotk-sync.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: flux-system, namespace: flux-system}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/` + cluster + `
  sourceRef: {kind: GitRepository, name: flux-system}
`,
		"clusters/" + cluster + "/apps.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/base
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substitute:
      CLUSTER: ` + cluster + `
` + vars + `
  patches:
    - target: {kind: Kustomization}
      patch: |-
        apiVersion: kustomize.toolkit.fluxcd.io/v1
        kind: Kustomization
        metadata: {name: _}
        spec:
          postBuild:
            substituteFrom:
              - {kind: ConfigMap, name: cluster-settings}
              - {kind: Secret, name: cluster-secrets}
`,
		"clusters/" + cluster + "/settings.yaml": `apiVersion: v1
kind: ConfigMap
metadata: {name: cluster-settings, namespace: flux-system}
data:
  APP_DOMAIN: ` + cluster + `.example.com
`,
		"clusters/" + cluster + "/secrets.sops.yaml": `apiVersion: v1
kind: Secret
metadata: {name: cluster-secrets, namespace: flux-system}
stringData:
  CHART_VERSION: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]
sops:
  version: 3.9.0
`,
	}
}

func threeClusters() map[string]string {
	files := map[string]string{
		"apps/base/kustomization.yaml": "resources: [media]\n",
		// Per-namespace kustomization: namespace + a placeholder Namespace +
		// the shared replacements (path form).
		"apps/base/media/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: media
resources: [namespace.yaml, jellyfin/ks.yaml, proxy/ks.yaml]
components: [../../components/common]
replacements:
  - path: ../../components/target-namespace.yaml
`,
		// Every namespace gets the cluster settings, with the parent's
		// ${CLUSTER} substituted when the apps Kustomization renders them.
		"apps/components/common/kustomization.yaml":        "kind: Component\nresources: [cluster-settings.yaml, cluster-secrets.sops.yaml]\n",
		"apps/components/common/cluster-settings.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cluster-settings}\ndata:\n  APP_DOMAIN: ${CLUSTER}.example.com\n",
		"apps/components/common/cluster-secrets.sops.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: cluster-secrets}\nstringData:\n  CHART_VERSION: ENC[AES256_GCM,data:abc=,iv:x=,tag:y=,type:str]\nsops:\n  version: 3.9.0\n",
		"apps/base/media/namespace.yaml":                   "apiVersion: v1\nkind: Namespace\nmetadata: {name: _}\n",
		"apps/components/target-namespace.yaml": `source: {kind: Namespace, fieldPath: metadata.name}
targets:
  - select: {kind: Kustomization, group: kustomize.toolkit.fluxcd.io}
    fieldPaths: [spec.targetNamespace]
    options: {create: true}
`,
		"apps/base/media/jellyfin/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: jellyfin}
spec:
  path: ./apps/base/media/jellyfin/app
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
  components: [../../../../components/proxy]
  postBuild:
    substitute: {APP: jellyfin}
`,
		"apps/base/media/jellyfin/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: jellyfin}
spec:
  chartRef: {kind: OCIRepository, name: jellyfin}
  values:
    host: jellyfin.${APP_DOMAIN}
`,
		"apps/base/media/proxy/ks.yaml": `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: proxy}
spec:
  path: ./apps/overlays/${CLUSTER}/proxy
  sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}
`,
		"apps/base/media/proxy/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: proxy}
spec:
  chart:
    spec:
      chart: proxy
      version: ${CHART_VERSION}
`,
		"apps/components/proxy/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
resources: [ocirepository.yaml]
`,
		"apps/components/proxy/ocirepository.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: "${APP}-proxy"}
spec:
  url: oci://ghcr.io/example/proxy
  ref: {tag: 1.2.3}
`,
	}
	for _, c := range []string{"staging", "production", "lab"} {
		files["apps/overlays/"+c+"/proxy/kustomization.yaml"] = "resources: [../../../base/media/proxy/app]\n"
		for p, s := range bootstrap(c, "") {
			files[p] = s
		}
	}
	return files
}

func find(res *Result, kind, name, cluster string) *Object {
	for _, o := range res.Objects {
		if o.Kind() == kind && o.Name() == name && o.Cluster == cluster {
			return o
		}
	}
	return nil
}

func TestRender_ThreeClustersSharingBase(t *testing.T) {
	t.Parallel()
	res := Render(context.Background(), tree(t, threeClusters()))
	if got := strings.Join(res.Roots, ","); got != "clusters/lab,clusters/production,clusters/staging" {
		t.Fatalf("roots = %s", got)
	}
	for _, cluster := range res.Roots {
		hr := find(res, "HelmRelease", "jellyfin", cluster)
		if hr == nil {
			t.Fatalf("%s: jellyfin HelmRelease not rendered; problems:\n%v", cluster, res.Problems)
		}
		if hr.Namespace() != "media" {
			t.Errorf("%s: jellyfin namespace %q, want media (replacement → targetNamespace)", cluster, hr.Namespace())
		}
		if hr.Kustomization != "media/jellyfin" {
			t.Errorf("%s: applied by %q", cluster, hr.Kustomization)
		}
		want := "jellyfin." + strings.TrimPrefix(cluster, "clusters/") + ".example.com"
		if got := kustomize.GetString(hr.Node, "spec", "values", "host"); got != want {
			t.Errorf("%s: host = %q, want %q (substituteFrom injected by the parent's patch)", cluster, got, want)
		}
		// The component's OCIRepository: name from a partial variable, tag literal.
		oci := find(res, "OCIRepository", "jellyfin-proxy", cluster)
		if oci == nil || oci.Namespace() != "media" {
			t.Fatalf("%s: OCIRepository jellyfin-proxy = %+v", cluster, oci)
		}
		tag := kustomize.Get(oci.Node, "spec", "ref", "tag")
		if res.FileOf(tag, oci) != "apps/components/proxy/ocirepository.yaml" || tag.Line != 6 {
			t.Errorf("%s: tag from %s:%d", cluster, res.FileOf(tag, oci), tag.Line)
		}
		// A version from the SOPS Secret is unknown, and says so.
		proxy := find(res, "HelmRelease", "proxy", cluster)
		v := kustomize.Get(proxy.Node, "spec", "chart", "spec", "version")
		s := res.Subst[v]
		if s == nil || strings.Join(s.Unknown, ",") != "CHART_VERSION" || v.Value != "${CHART_VERSION}" {
			t.Errorf("%s: version %q, substitution %+v", cluster, v.Value, s)
		}
		if x := proxy.Vars.ByName["CHART_VERSION"]; x.Known || !strings.Contains(x.From, "Secret media/cluster-secrets (SOPS-encrypted)") {
			t.Errorf("%s: CHART_VERSION = %+v", cluster, x)
		}
	}
	for _, p := range res.Problems {
		t.Errorf("unexpected problem: %s", p)
	}
}

func TestRender_NamespaceNotSpecified(t *testing.T) {
	t.Parallel()
	files := bootstrap("main", "")
	files["apps/base/hr.yaml"] = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: orphan}\nspec: {}\n"
	res := Render(context.Background(), tree(t, files))
	var msgs []string
	for _, p := range res.Problems {
		msgs = append(msgs, p.String())
	}
	want := "apps/base/hr.yaml:1: HelmRelease/orphan namespace not specified: Kustomization flux-system/apps fails to apply it"
	if !strings.Contains(strings.Join(msgs, "\n"), want) {
		t.Errorf("problems:\n%s\nwant %s", strings.Join(msgs, "\n"), want)
	}
}

func TestRender_StrictModeAndOtherSources(t *testing.T) {
	t.Parallel()
	files := bootstrap("main", "")
	files["apps/base/ks.yaml"] = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: ext, namespace: flux-system}
spec:
  path: ./somewhere
  sourceRef: {kind: GitRepository, name: other-repo}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: x, namespace: flux-system}
data: {a: "${UNDEFINED}"}
`
	// No Secret: substituteFrom is not optional, so an undefined variable is
	// unknown rather than an error.
	delete(files, "clusters/main/secrets.sops.yaml")
	res := Render(context.Background(), tree(t, files))
	msgs := fmt.Sprint(res.Problems)
	if !strings.Contains(msgs, "source GitRepository flux-system/other-repo is not this repository") {
		t.Errorf("problems: %s", msgs)
	}
	// The apps Kustomization has only CLUSTER: strict mode fails on an
	// undefined variable, as Flux does.
	cm := find(res, "ConfigMap", "x", "clusters/main")
	if s := res.Subst[kustomize.Get(cm.Node, "data", "a")]; s == nil || !strings.Contains(s.Err, `variable not set (strict mode): "UNDEFINED"`) {
		t.Errorf("substitution = %+v", s)
	}
	if !strings.Contains(msgs, `apps/base/ks.yaml:11: ConfigMap/x: variable not set (strict mode): "UNDEFINED"`) {
		t.Errorf("problems: %s", msgs)
	}
}

func TestEvalScalar_FluxSemantics(t *testing.T) {
	t.Parallel()
	vars := &Vars{ByName: map[string]Var{"APP": {Value: "web", Known: true}, "EMPTY": {Value: "", Known: true}}}
	for in, want := range map[string]string{
		"${APP}-proxy":           "web-proxy",
		"prefix-${APP}-x":        "prefix-web-x",
		"${MISSING:=${APP}}":     "web",
		"${EMPTY=d}":             "d",
		"${MISSING:=${X:=deep}}": "deep",
		"$${APP}":                "${APP}",
		"${APP:+alt}":            "web",
	} {
		s := evalScalar(in, vars)
		if s.Err != "" || s.result != want {
			t.Errorf("%q → %q (err %q), want %q", in, s.result, s.Err, want)
		}
	}
	if s := evalScalar("${MISSING}", vars); !strings.Contains(s.Err, "variable not set (strict mode)") {
		t.Errorf("strict mode: %+v", s)
	}
	if s := evalScalar("${v-d}", vars); s.Err == "" {
		t.Errorf("${v-d} parsed; Flux rejects it")
	}
	_ = yaml.Node{}
}

// A Kustomization whose source is an ExternalArtifact that the
// repository's ArtifactGenerator copies from the cluster's own source is
// rendered from the copied directory.
func TestRender_ExternalArtifact(t *testing.T) {
	t.Parallel()
	files := bootstrap("main", "")
	files["apps/base/generator.yaml"] = fluxdocs.ArtifactGenerator("apps/web/app/")
	files["apps/web/app/hr.yaml"] = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web}\nspec: {chart: {spec: {chart: web, version: 1.0.0}}}\n"
	res := Render(context.Background(), tree(t, files))
	hr := find(res, "HelmRelease", "web", "clusters/main")
	if hr == nil || hr.Namespace() != "web" || hr.Kustomization != "flux-system/web" {
		t.Fatalf("web HelmRelease = %+v; problems %v", hr, res.Problems)
	}
}

// RenderKept renders exactly as Render does, but the Result holds only the
// objects kept, and no Origins or Subst entry of a dropped one.
func TestRenderKept_DropsUnkeptObjects(t *testing.T) {
	t.Parallel()
	files := threeClusters()
	full := Render(context.Background(), tree(t, files))
	keep := func(r *kustomize.Resource) bool {
		return r.Kind() != "ConfigMap" && r.Kind() != "Namespace" && r.Kind() != "OCIRepository"
	}
	kept := RenderKept(context.Background(), tree(t, files), keep)
	describe := func(res *Result) []string {
		var out []string
		for _, o := range res.Objects {
			if !keep(o.Resource) {
				continue
			}
			b, err := yaml.Marshal(o.Node)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprintf("%s %s %s %v\n%s", o.Cluster, o.Kustomization, key(o.Resource), o.Steps, b))
		}
		return out
	}
	want, got := describe(full), describe(kept)
	if len(got) != len(kept.Objects) {
		t.Errorf("kept %d objects, of which %d the keep function accepts", len(kept.Objects), len(got))
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("kept objects differ from Render's:\n got %v\nwant %v", got, want)
	}
	if fmt.Sprint(kept.Problems) != fmt.Sprint(full.Problems) {
		t.Errorf("problems = %v, want %v", kept.Problems, full.Problems)
	}
	if hr := find(kept, "HelmRelease", "jellyfin", "clusters/staging"); hr == nil ||
		kustomize.GetString(hr.Node, "spec", "values", "host") != "jellyfin.staging.example.com" {
		t.Errorf("jellyfin host not substituted from the dropped ConfigMap")
	}
	reach := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		reach[n] = true
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, o := range kept.Objects {
		walk(o.Node)
	}
	// A dropped object holding data may still feed substituteFrom: its
	// nodes stay.
	withData := map[string]bool{}
	for _, o := range full.Objects {
		if !keep(o.Resource) && (kustomize.Get(o.Node, "data") != nil || kustomize.Get(o.Node, "stringData") != nil) {
			for n := range full.Subst {
				if kustomize.GetString(o.Node, "data", "APP_DOMAIN") == n.Value {
					withData[n.Value] = true
				}
			}
		}
	}
	for n := range kept.Subst {
		if !reach[n] && !withData[n.Value] {
			t.Errorf("Subst keeps node %q (line %d) of a dropped object", n.Value, n.Line)
		}
	}
	if len(kept.Subst) >= len(full.Subst) {
		t.Errorf("Subst has %d entries, Render's %d: nothing released", len(kept.Subst), len(full.Subst))
	}
}

// Unread fields leave the kept objects, with their Subst entries; the rest
// of each object, and the file of each node, stay as Render gives them.
func TestRenderKept_RemovesUnreadFields(t *testing.T) {
	t.Parallel()
	files := threeClusters()
	files["apps/base/media/jellyfin/app/kustomization.yaml"] = `resources: [helmrelease.yaml]
patches:
  - path: patch.yaml
`
	files["apps/base/media/jellyfin/app/patch.yaml"] = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: jellyfin}
spec:
  interval: 5m
  values: {replicas: 2}
`
	full := Render(context.Background(), tree(t, files))
	kept := RenderKept(context.Background(), tree(t, files), nil, []string{"spec", "values"})
	if len(kept.Objects) != len(full.Objects) {
		t.Fatalf("%d objects, want %d", len(kept.Objects), len(full.Objects))
	}
	for i, o := range kept.Objects {
		want := full.Objects[i]
		if kustomize.Get(o.Node, "spec", "values") != nil {
			t.Errorf("%s %s: spec.values kept", o.Cluster, key(o.Resource))
		}
		if spec := kustomize.Get(want.Node, "spec"); spec != nil {
			for j := 0; j+1 < len(spec.Content); j += 2 {
				if spec.Content[j].Value == "values" {
					spec.Content = append(spec.Content[:j:j], spec.Content[j+2:]...)
				}
			}
		}
		g, _ := yaml.Marshal(o.Node)
		w, _ := yaml.Marshal(want.Node)
		if string(g) != string(w) {
			t.Errorf("%s %s:\n%s\nwant\n%s", o.Cluster, key(o.Resource), g, w)
		}
		if iv := kustomize.Get(o.Node, "spec", "interval"); iv != nil {
			if f := kept.FileOf(iv, o); f != "apps/base/media/jellyfin/app/patch.yaml" {
				t.Errorf("%s: interval from %q, want the patch", o.Cluster, f)
			}
		}
	}
	if hr := find(kept, "HelmRelease", "jellyfin", "clusters/lab"); hr == nil || kustomize.Get(hr.Node, "spec", "interval") == nil {
		t.Fatal("jellyfin not patched")
	}
	substituted := 0
	for _, sub := range full.Subst {
		if strings.Contains(sub.Original, "APP_DOMAIN") {
			substituted++
		}
	}
	if substituted == 0 {
		t.Fatal("Render substituted no values")
	}
	for n, sub := range kept.Subst {
		if strings.Contains(sub.Original, "APP_DOMAIN") {
			t.Errorf("Subst keeps %q (line %d) of the removed values", n.Value, n.Line)
		}
	}
}
