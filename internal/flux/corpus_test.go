package flux

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
)

func countRefs(refs []chart.Ref, keep func(chart.Ref) bool) int {
	n := 0
	for _, r := range refs {
		if keep(r) {
			n++
		}
	}
	return n
}

func findRef(t *testing.T, refs []chart.Ref, kind, file string) chart.Ref {
	t.Helper()
	for _, r := range refs {
		if r.Kind == kind && strings.HasSuffix(r.Loc.File, file) {
			return r
		}
	}
	t.Fatalf("no %s Ref in %s", kind, file)
	return chart.Ref{}
}

func TestScan_CorpusOnedr0p(t *testing.T) {
	t.Parallel()
	root := corpus.Repo(t, "onedr0p__home-ops")
	res := scanWith(t, root, Options{})
	if res.Files != 432 {
		t.Errorf("Files = %d, want 432", res.Files)
	}
	if n := len(res.Encrypted); n != 0 {
		t.Errorf("%d encrypted documents, want 0", n)
	}
	if len(res.Errors) != 0 {
		t.Errorf("Errors = %v, want none", res.Errors)
	}
	if n := len(res.Refs); n != 69 {
		t.Errorf("%d Refs, want 69", n)
	}
	for _, r := range res.Refs {
		if r.Kind != "OCIRepository" || r.Field != chart.FieldTag || r.Skip != "" {
			t.Errorf("%s %s: kind %s field %s skip %s (%s), want a clean OCIRepository tag", r.Loc, r.Name, r.Kind, r.Field, r.Skip, r.SkipDetail)
		}
		if len(r.UsedBy) != 1 || r.UsedBy[0].Name == "" {
			t.Errorf("%s %s: UsedBy %v, want its HelmRelease", r.Loc, r.Name, r.UsedBy)
		}
		if len(r.Namespaces) != 1 || r.Namespaces[0] == "" {
			t.Errorf("%s %s: Namespaces %v, want one", r.Loc, r.Name, r.Namespaces)
		}
		if len(r.UsedBy) == 1 && !cmp.Equal(r.Namespaces, []string{r.UsedBy[0].Namespace}) {
			t.Errorf("%s %s: Namespaces %v but used by %v", r.Loc, r.Name, r.Namespaces, r.UsedBy)
		}
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return strings.HasPrefix(r.Version, "v") }); n != 3 {
		t.Errorf("%d v-prefixed tags, want 3", n)
	}
	got := findRef(t, res.Refs, "OCIRepository", "apps/default/atuin/app/ocirepository.yaml")
	want := chart.Ref{
		Kind: "OCIRepository", Name: "atuin", Namespaces: []string{"default"}, Chart: "app-template",
		Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"},
		Field:  chart.FieldTag, Version: got.Version, Loc: got.Loc,
		UsedBy:   []chart.ObjectKey{{Kind: "HelmRelease", Namespace: "default", Name: "atuin"}},
		Clusters: []chart.Placement{{Cluster: "kubernetes/flux/cluster", Namespace: "default"}},
		Scope:    "default/atuin",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("atuin mismatch (-want +got):\n%s", diff)
	}
	cm := findRef(t, res.Refs, "OCIRepository", "apps/cert-manager/cert-manager/app/ocirepository.yaml")
	if !strings.HasPrefix(cm.Version, "v") || !cmp.Equal(cm.Namespaces, []string{"cert-manager"}) {
		t.Errorf("cert-manager: version %q namespaces %v, want v-prefixed in cert-manager", cm.Version, cm.Namespaces)
	}
	checkTokens(t, root, res.Refs)
}

func TestScan_CorpusXunholy(t *testing.T) {
	t.Parallel()
	root := corpus.Repo(t, "xunholy__k8s-gitops")
	res := scanWith(t, root, Options{})
	if res.Files != 728 {
		t.Errorf("Files = %d, want 728 (.archive/ skipped)", res.Files)
	}
	// The corpus README counts 19 SOPS-encrypted documents outside .archive/:
	// each is reported as not read, none is an error.
	if n := len(res.Encrypted); n != 19 {
		t.Errorf("%d encrypted documents, want 19: %v", n, res.Encrypted)
	}
	if len(res.Errors) != 0 {
		t.Errorf("Errors = %v, want none", res.Errors)
	}
	for _, r := range res.Refs {
		if r.Skip != "" {
			t.Errorf("%s %s %s: skipped %s (%s), want every live ref clean", r.Loc, r.Kind, r.Name, r.Skip, r.SkipDetail)
		}
		if len(r.Namespaces) == 0 {
			t.Errorf("%s %s %s: no namespace", r.Loc, r.Kind, r.Name)
		}
	}
	chartSpec := countRefs(res.Refs, func(r chart.Ref) bool {
		return r.Kind == "HelmRelease" && r.Field == chart.FieldVersion && r.Source.URL != ""
	})
	if chartSpec != 20 {
		t.Errorf("%d chart.spec HelmReleases linked, want 20", chartSpec)
	}
	oci := countRefs(res.Refs, func(r chart.Ref) bool { return r.Kind == "OCIRepository" })
	if oci != 40 { // 38 top-level + 2 inside ResourceSets
		t.Errorf("%d OCIRepositories, want 40", oci)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return r.Kind == "OCIRepository" && len(r.UsedBy) == 0 }); n != 0 {
		t.Errorf("%d OCIRepositories used by no HelmRelease, want 0", n)
	}
	used := 0
	for _, r := range res.Refs {
		used += len(r.UsedBy)
	}
	if used != 70 { // 68 top-level chartRefs + 2 inside ResourceSets
		t.Errorf("%d chartRef links, want 70", used)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return strings.HasPrefix(r.Version, "v") && r.Kind == "OCIRepository" }); n != 3 {
		t.Errorf("%d v-prefixed OCI tags, want 3", n)
	}
	for _, app := range []string{"flux-instance", "flux-operator"} {
		r := findRef(t, res.Refs, "OCIRepository", "clusters/cluster-00/flux-system/"+app+"/app/helmrelease.yaml")
		want := []chart.ObjectKey{{Kind: "HelmRelease", Namespace: "flux-system", Name: app}}
		if diff := cmp.Diff(want, r.UsedBy); diff != "" || r.Name != app {
			t.Errorf("ResourceSet %s: name %s, UsedBy mismatch (-want +got):\n%s", app, r.Name, diff)
		}
	}
	shared := findRef(t, res.Refs, "OCIRepository", "apps/base/flux-system/repositories/oci/bjw-charts.yaml")
	if len(shared.UsedBy) != 31 || !cmp.Equal(shared.Namespaces, []string{"flux-system"}) {
		t.Errorf("shared app-template: %d users in %v, want 31 in flux-system", len(shared.UsedBy), shared.Namespaces)
	}
	n8n := findRef(t, res.Refs, "HelmRelease", "apps/base/ai-system/n8n/app/helmrelease.yaml")
	if !cmp.Equal(n8n.Namespaces, []string{"ai-system"}) || n8n.Source.URL != "https://community-charts.github.io/helm-charts" {
		t.Errorf("n8n (namespace from kustomization.yaml only): %v %s", n8n.Namespaces, n8n.Source)
	}
	csi := findRef(t, res.Refs, "HelmRelease", "democratic-csi/democratic-csi/app/helmrelease.yaml")
	if csi.Source.URL != "https://democratic-csi.github.io/charts" {
		t.Errorf("trailing slash not stripped: %s", csi.Source.URL)
	}
	var gens []string
	for _, r := range res.Refs {
		if r.Kind == "HelmChartInflationGenerator" {
			gens = append(gens, r.Loc.File+" "+r.Source.URL)
		}
	}
	wantGens := []string{
		"talos/integrations/cert-approver/kustomization.yaml oci://ghcr.io/postfinance/charts/kubelet-csr-approver",
		"talos/integrations/cilium/kustomization.yaml https://helm.cilium.io",
	}
	if diff := cmp.Diff(wantGens, gens); diff != "" {
		t.Errorf("helmCharts mismatch (-want +got):\n%s", diff)
	}
	// SOPS: the encrypted documents parse, report no error and yield no Ref.
	repo, err := manifest.Load(context.Background(), root, manifest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sops := map[string]bool{}
	docs := 0
	for _, f := range repo.Files {
		for _, d := range f.Docs {
			if d.Root != nil && field(d.Root, "sops") != nil {
				sops[f.Path] = true
				docs++
			}
		}
	}
	if docs != 19 {
		t.Errorf("%d SOPS documents, want 19", docs)
	}
	for _, r := range res.Refs {
		if sops[r.Loc.File] {
			t.Errorf("Ref %s %s from SOPS file %s", r.Kind, r.Name, r.Loc.File)
		}
	}
	checkTokens(t, root, res.Refs)
}

func TestScan_CorpusXunholyArchive(t *testing.T) {
	t.Parallel()
	root := corpus.Repo(t, "xunholy__k8s-gitops")
	res := scanWith(t, root, Options{IncludeArchive: true})
	if res.Files != 972 || len(res.Errors) != 0 {
		t.Errorf("Files = %d, Errors = %v; want 972 and none", res.Files, res.Errors)
	}
	dangling := countRefs(res.Refs, func(r chart.Ref) bool {
		return r.Kind == "HelmRelease" && r.Skip == chart.SkipUnknownSource && strings.HasPrefix(r.Loc.File, ".archive/")
	})
	if dangling != 31 {
		t.Errorf("%d dangling chartRefs in .archive/, want 31", dangling)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return r.Skip != "" }); n != 31 {
		t.Errorf("%d skipped refs, want only the 31 dangling chartRefs", n)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return r.Kind == "OCIRepository" }); n != 43 {
		t.Errorf("%d OCIRepositories, want 43", n)
	}
	if n := countRefs(res.Refs, func(r chart.Ref) bool { return r.Kind == "HelmRelease" && r.Field == chart.FieldVersion }); n != 21 {
		t.Errorf("%d chart.spec HelmReleases, want 21", n)
	}
	checkTokens(t, root, res.Refs)
}

// readCorpusYAML pre-reads the YAML files Scan would read, for the parse baseline.
func readCorpusYAML(b *testing.B, root string, skipArchive bool) [][]byte {
	b.Helper()
	var out [][]byte
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || skipArchive && d.Name() == ".archive") {
			return filepath.SkipDir
		}
		if ext := filepath.Ext(p); !d.IsDir() && (ext == ".yaml" || ext == ".yml") {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, data)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return out
}

var benchRepos = []string{"onedr0p__home-ops", "xunholy__k8s-gitops"}

func BenchmarkScan(b *testing.B) {
	for _, name := range benchRepos {
		b.Run(name, func(b *testing.B) {
			root := corpus.Repo(b, name)
			files := 0
			for b.Loop() {
				res, err := Scan(context.Background(), root, Options{})
				if err != nil {
					b.Fatal(err)
				}
				files = res.Files
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(files), "ns/file")
		})
	}
}

func BenchmarkYAMLParse(b *testing.B) {
	for _, name := range benchRepos {
		b.Run(name, func(b *testing.B) {
			files := readCorpusYAML(b, corpus.Repo(b, name), true)
			for b.Loop() {
				for _, data := range files {
					dec := yaml.NewDecoder(bytes.NewReader(data))
					for {
						var n yaml.Node
						if err := dec.Decode(&n); err != nil {
							break
						}
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(files)), "ns/file")
		})
	}
}
