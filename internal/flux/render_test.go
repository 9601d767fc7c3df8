package flux

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
	"github.com/bosunhq/bosun/internal/testutil/fluxdocs"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

func scanCase(t *testing.T, name string) *Result {
	t.Helper()
	return scanDir(t, "../../testdata/repos/"+name+"/repo")
}

// scanDir scans dir outside git, which must not fail.
func scanDir(t *testing.T, dir string) *Result {
	t.Helper()
	return scanWith(t, dir, Options{NoGit: true})
}

// scanWith scans dir with opts, which must not fail.
func scanWith(t testing.TB, dir string, opts Options) *Result {
	t.Helper()
	res, err := Scan(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// Three clusters render one base: namespaces come from a replacement,
// variables from the root's substitute and the ConfigMap its patch
// injects; a component used by two apps is one edit in both namespaces.
func TestScan_RenderedMultiCluster(t *testing.T) {
	t.Parallel()
	res := scanCase(t, "multi-cluster")
	proxy := findRef(t, res.Refs, "OCIRepository", "apps/components/proxy/ocirepository.yaml")
	if proxy.Name != "${APP}-proxy" || proxy.Skip != "" || proxy.Version != "1.2.3" {
		t.Errorf("proxy: %s %s skip %s (%s)", proxy.Name, proxy.Version, proxy.Skip, proxy.SkipDetail)
	}
	if !cmp.Equal(proxy.Namespaces, []string{"downloads", "media"}) || len(proxy.Clusters) != 6 {
		t.Errorf("proxy: namespaces %v clusters %v", proxy.Namespaces, proxy.Clusters)
	}
	wantUsers := []chart.ObjectKey{{Kind: "HelmRelease", Namespace: "downloads", Name: "sonarr-proxy"}, {Kind: "HelmRelease", Namespace: "media", Name: "jellyfin-proxy"}}
	if diff := cmp.Diff(wantUsers, proxy.UsedBy); diff != "" {
		t.Errorf("proxy users (-want +got):\n%s", diff)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return r.Loc.File == proxy.Loc.File }); n != 1 {
		t.Errorf("%d refs in the component, want one edit", n)
	}
	sonarr := findRef(t, res.Refs, "HelmRelease", "apps/components/common/cluster-settings.yaml")
	if sonarr.Name != "sonarr" || sonarr.Version != "2.0.0" || sonarr.Loc.Line != 7 || sonarr.Skip != "" ||
		sonarr.Source.URL != "https://charts.example.org/sonarr" || !cmp.Equal(sonarr.Namespaces, []string{"downloads"}) {
		t.Errorf("sonarr (version from the ConfigMap): %+v", sonarr)
	}
	edge := findRef(t, res.Refs, "HelmRelease", "apps/base/media/proxy/app/helmrelease.yaml")
	if edge.Skip != chart.SkipVariable || !strings.Contains(edge.SkipDetail, "${PROXY_CHART_VERSION} comes from Secret media/cluster-secrets (SOPS-encrypted)") {
		t.Errorf("edge-proxy (SOPS variable): %s %s", edge.Skip, edge.SkipDetail)
	}
	want := []chart.Placement{{Cluster: "clusters/lab", Namespace: "media"}, {Cluster: "clusters/production", Namespace: "media"}, {Cluster: "clusters/staging", Namespace: "media"}}
	if diff := cmp.Diff(want, edge.Clusters); diff != "" {
		t.Errorf("edge-proxy clusters (path ./apps/overlays/${CLUSTER}/...) (-want +got):\n%s", diff)
	}
	checkTokens(t, "../../testdata/repos/multi-cluster/repo", res.Refs)
}

// Overlays set the version of a base HelmRelease: each environment's Ref
// takes chart and source from the base and its version and edit from the
// patch; the patch files are not HelmReleases of their own.
func TestScan_RenderedOverlays(t *testing.T) {
	t.Parallel()
	res := scanCase(t, "overlays")
	got := map[string]string{}
	for _, r := range res.Refs {
		got[r.Loc.String()] = strings.Join(r.Namespaces, ",") + " " + r.Version + " " + r.Source.URL + " " + string(r.Skip)
	}
	want := map[string]string{
		"apps/staging/podinfo-patch.yaml:8":      "podinfo-staging 6.5.3 https://stefanprodan.github.io/podinfo ",
		"apps/production/podinfo-version.yaml:3": "podinfo 6.5.0 https://stefanprodan.github.io/podinfo ",
		"clusters/production/sources.yaml:20":    " 6.4.0 https://stefanprodan.github.io/podinfo no-namespace",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	checkTokens(t, "../../testdata/repos/overlays/repo", res.Refs)
}

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	fstree.Write(t, dir, files)
	return dir
}

const rootKS = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps/prod
  sourceRef: {kind: GitRepository, name: flux-system}
`

// gotkSync is the Flux Kustomization bootstrap writes for cluster "main".
const gotkSync = `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: flux-system, namespace: flux-system}
spec:
  path: ./clusters/main
  sourceRef: {kind: GitRepository, name: flux-system}
`

// appsKS is cluster main's Kustomization "apps", putting ./apps in
// namespace web, with the items of its postBuild.substituteFrom.
func appsKS(from ...string) string {
	s := `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  path: ./apps
  targetNamespace: web
  sourceRef: {kind: GitRepository, name: flux-system}
  postBuild:
    substituteFrom:
`
	for _, f := range from {
		s += "      - " + f + "\n"
	}
	return s
}

const baseHR = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: web}
spec:
  chart:
    spec:
      chart: web
      version: 1.0.0
      sourceRef: {kind: HelmRepository, name: charts}
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts}
spec: {url: https://charts.example.com}
`

// A version set by an inline patch is located exactly, inside the
// kustomization's block scalar, and reported instead of edited: bosun
// edits YAML scalars only.
func TestScan_InlinePatchVersion(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"clusters/prod/apps.yaml": rootKS,
		"apps/base/web/hr.yaml":   baseHR,
		"apps/prod/kustomization.yaml": `namespace: web
resources: [../base/web/hr.yaml]
patches:
  - patch: |
      apiVersion: helm.toolkit.fluxcd.io/v2
      kind: HelmRelease
      metadata: {name: web}
      spec:
        chart:
          spec:
            version: 2.0.0
`,
	})
	res := scanDir(t, dir)
	if len(res.Refs) != 1 {
		t.Fatalf("refs: %+v", res.Refs)
	}
	r := res.Refs[0]
	if r.Version != "2.0.0" || r.Skip != chart.SkipEmbedded || r.Loc.File != "apps/prod/kustomization.yaml" || r.Loc.Line != 11 || r.Loc.Column != 22 {
		t.Errorf("ref: %s %s %s (%s)", r.Loc, r.Version, r.Skip, r.SkipDetail)
	}
	if !cmp.Equal(r.Namespaces, []string{"web"}) || r.Source.URL != "https://charts.example.com" {
		t.Errorf("ref: %v %s", r.Namespaces, r.Source)
	}
}

// A ResourceSet's resourcesTemplate is rendered per input set: the chart
// references inside are found, each version edited in its input.
func TestScan_ResourceSetTemplate(t *testing.T) {
	t.Parallel()
	res := scanCase(t, "resourceset-template")
	got := map[string]string{}
	for _, r := range res.Refs {
		users := ""
		for _, u := range r.UsedBy {
			users += " " + u.String()
		}
		got[r.Kind+" "+r.Name] = r.Loc.String() + " " + strings.Join(r.Namespaces, ",") + " " + r.Version + " " + string(r.Skip) + users
	}
	want := map[string]string{
		"OCIRepository podinfo":      "clusters/main/apps.yaml:10 podinfo 6.5.0  HelmRelease/podinfo/podinfo",
		"OCIRepository whoami":       "clusters/main/apps.yaml:13 tools 5.1.0  HelmRelease/tools/whoami",
		"HelmRelease redis-team-a":   "clusters/main/infra.yaml:57 infra 20.1.0 embedded",
		"OCIRepository cache-team-a": "clusters/main/infra.yaml:9 infra 1.4.0  HelmRelease/infra/cache-team-a",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("refs (-want +got):\n%s", diff)
	}
	var clean []chart.Ref
	for _, r := range res.Refs {
		if r.Skip == "" {
			clean = append(clean, r)
		}
	}
	checkTokens(t, "../../testdata/repos/resourceset-template/repo", clean)
}

// explain works on every file of both corpus repositories: each Ref is
// explained from the file holding its field, and every rendered path
// starts at a root.
func TestExplain_CorpusEveryFile(t *testing.T) {
	t.Parallel()
	for _, name := range benchRepos {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := corpus.Repo(t, name)
			repo, err := manifest.Load(context.Background(), root, Options{})
			if err != nil {
				t.Fatal(err)
			}
			x := extract(context.Background(), repo, nil, readFile(root))
			explained := map[string]bool{}
			for _, f := range repo.Files {
				for _, e := range x.explainFile(f.Path, 0) {
					explained[e.Ref.Loc.String()+" "+e.Ref.Name] = true
					for _, p := range e.Paths {
						if len(p.Chain) == 0 || p.Chain[0].File == "" || p.Namespace == "" {
							t.Errorf("%s: %s %s: path %+v", f.Path, e.Ref.Kind, e.Ref.Name, p)
						}
					}
				}
			}
			for _, r := range x.result.Refs {
				if !explained[r.Loc.String()+" "+r.Name] {
					t.Errorf("%s %s: not explained", r.Loc, r.Name)
				}
			}
		})
	}
}

// Templates cannot read the environment: a ResourceSet using env renders
// nothing, and the value never reaches a Ref.
func TestScan_ResourceSetTemplateHostile(t *testing.T) {
	t.Setenv("BOSUN_TEMPLATE_SECRET", "s3cr3t")
	dir := writeTree(t, map[string]string{
		"rs.yaml": `apiVersion: fluxcd.controlplane.io/v1
kind: ResourceSet
metadata: {name: rs, namespace: x}
spec:
  inputs: [{n: 1}]
  resourcesTemplate: |
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: OCIRepository
    metadata: {name: << env "BOSUN_TEMPLATE_SECRET" >>}
    spec: {url: oci://r/c, ref: {tag: 1.0.0}}
    ---
    apiVersion: source.toolkit.fluxcd.io/v1
    kind: OCIRepository
    metadata: {name: << until 100000000 | len >>}
    spec: {url: oci://r/c, ref: {tag: 1.0.0}}
`,
	})
	res := scanDir(t, dir)
	if len(res.Refs) != 0 {
		t.Errorf("refs: %+v", res.Refs)
	}
}

// A Kustomization whose source is an ExternalArtifact that an
// ArtifactGenerator of the repository copies from the repository itself
// is read from the copied directory: its objects get the namespace and
// cluster Flux gives them.
func TestScan_ExternalArtifact(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"clusters/main/flux-system/gotk-sync.yaml": "apiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\nmetadata: {name: flux-system, namespace: flux-system}\n---\n" + gotkSync,
		"clusters/main/web.yaml":                   fluxdocs.ArtifactGenerator("apps/web/"),
		"apps/web/hr.yaml":                         baseHR,
	})
	res := scanDir(t, dir)
	if len(res.Refs) != 1 {
		t.Fatalf("refs: %+v", res.Refs)
	}
	r := res.Refs[0]
	want := []chart.Placement{{Cluster: "clusters/main", Namespace: "web"}}
	if !cmp.Equal(r.Namespaces, []string{"web"}) || !cmp.Equal(r.Clusters, want) || r.Skip != "" || r.Loc.File != "apps/web/hr.yaml" {
		t.Errorf("ref: %+v", r)
	}
}

// A literal tag stays editable when the object's name depends on a
// variable bosun cannot read: the name only matters for linking.
func TestScan_LiteralTagUnknownName(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"clusters/main/apps.yaml": appsKS("{kind: Secret, name: secrets}") + `---
apiVersion: v1
kind: Secret
metadata: {name: secrets, namespace: flux-system}
stringData: {APP: ENC[AES256_GCM,data:eA==,iv:eA==,tag:eA==,type:str]}
sops: {version: 3.9.0}
`,
		"apps/oci.yaml": `apiVersion: source.toolkit.fluxcd.io/v1
kind: OCIRepository
metadata: {name: "${APP}-proxy"}
spec:
  url: oci://ghcr.io/example/proxy
  ref: {tag: 1.2.3}
`,
	})
	res := scanDir(t, dir)
	if len(res.Refs) != 1 || res.Refs[0].Skip != "" || res.Refs[0].Version != "1.2.3" || !cmp.Equal(res.Refs[0].Namespaces, []string{"web"}) {
		t.Errorf("refs: %+v", res.Refs)
	}
}

// A variable whose bytes are not its value (a Secret's base64 data, a
// configMapGenerator literal) is resolved but not edited there.
func TestScan_GeneratedVariableNotEdited(t *testing.T) {
	t.Parallel()
	dir := writeTree(t, map[string]string{
		"clusters/main/apps.yaml": appsKS("{kind: Secret, name: versions}", "{kind: ConfigMap, name: generated}") + `---
apiVersion: v1
kind: Secret
metadata: {name: versions, namespace: flux-system}
data: {WEB_VERSION: MS4wLjA=}
`,
		"clusters/main/flux-system/gotk-sync.yaml": gotkSync,
		"clusters/main/kustomization.yaml": `namespace: flux-system
resources: [apps.yaml]
configMapGenerator:
  - name: generated
    options: {disableNameSuffixHash: true}
    literals: [OTHER_VERSION=2.0.0]
`,
		"apps/hr.yaml":    strings.Replace(baseHR, "version: 1.0.0", "version: ${WEB_VERSION}", 1),
		"apps/other.yaml": strings.NewReplacer("version: 1.0.0", "version: ${OTHER_VERSION}", "name: web", "name: other").Replace(baseHR[:strings.Index(baseHR, "---")]),
	})
	res := scanDir(t, dir)
	for _, r := range res.Refs {
		if r.Skip != chart.SkipVariable || !strings.Contains(r.SkipDetail, "is not written as such") {
			t.Errorf("%s %s %s: skip %s (%s)", r.Loc, r.Name, r.Version, r.Skip, r.SkipDetail)
		}
	}
	if len(res.Refs) != 2 {
		t.Errorf("%d refs", len(res.Refs))
	}
	// explain names the Secret but never shows its value.
	exps, err := Explain(context.Background(), dir, Options{NoGit: true}, "apps/hr.yaml", 0)
	if err != nil || len(exps) != 1 || len(exps[0].Paths) != 1 {
		t.Fatalf("explain: %v %+v", err, exps)
	}
	v := exps[0].Paths[0].Variables
	if len(v) != 1 || v[0].Name != "WEB_VERSION" || v[0].Value != "" || !v[0].Known || v[0].From != "Secret flux-system/versions" {
		t.Errorf("variables: %+v", v)
	}
}

// BenchmarkExtract measures the scan without reading files: rendering and
// extraction over files already parsed.
func BenchmarkExtract(b *testing.B) {
	for _, name := range benchRepos {
		b.Run(name, func(b *testing.B) {
			root := corpus.Repo(b, name)
			repo, err := manifest.Load(context.Background(), root, Options{})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				extract(context.Background(), repo, nil, readFile(root))
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(repo.Files)), "ns/file")
		})
	}
}
