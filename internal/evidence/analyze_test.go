package evidence_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/evidence"
)

const crdV1 = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
`

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
`

// demo100 and demo200 differ in every way the evidence looks at: 2.0.0
// renames service.port to service.ports.http, ships a schema, changes the
// CRD and raises kubeVersion; 1.5.0 lies between them.
var (
	demo100 = fixture{name: "demo", version: "1.0.0", appVersion: "1.0.0", kubeVersion: ">=1.25.0-0",
		files: map[string]string{
			"values.yaml":               "replicaCount: 1\nimage:\n  repository: example/demo\n  tag: \"\"\nservice:\n  port: 80\npodAnnotations: {}\n",
			"crds/widgets.yaml":         crdV1,
			"templates/deployment.yaml": deployment,
		}}
	demo150 = fixture{name: "demo", version: "1.5.0", appVersion: "1.5.0", kubeVersion: ">=1.25.0-0",
		changes: "- kind: fixed\n  description: \"Probe port follows the service @octocat #42\"\n",
		files:   demo100.files}
	demo200 = fixture{name: "demo", version: "2.0.0", appVersion: "2.0.0", kubeVersion: ">=1.32.0-0",
		changes: "- kind: changed\n  description: service.port is now service.ports.http\n  links:\n    - name: PR\n      url: https://github.com/example/helm-charts/pull/7\n- kind: security\n  description: Bump base image for CVE-2026-0001\n",
		files: map[string]string{
			"values.yaml":               "replicaCount: 1\nimage:\n  repository: example/demo\n  tag: \"\"\nservice:\n  ports:\n    http: 80\npodAnnotations: {}\n",
			"values.schema.json":        `{"type":"object","properties":{"replicaCount":{"type":"integer"},"service":{"type":"object","additionalProperties":false,"properties":{"ports":{"type":"object"}}}}}`,
			"crds/widgets.yaml":         strings.Replace(crdV1, "storage: true", "storage: true\n    - name: v2\n      served: true\n      storage: false", 1),
			"templates/deployment.yaml": deployment,
		}}
	// demo201 is a clean bump of demo200: nothing but the version changes.
	demo201 = fixture{name: "demo", version: "2.0.1", appVersion: "2.0.0", kubeVersion: ">=1.32.0-0", files: demo200.files}
)

// releaseValues set the renamed key and break the new schema twice.
var releaseValues = map[string]any{
	"replicaCount":   "two",
	"service":        map[string]any{"port": 8080},
	"podAnnotations": map[string]any{"team": "a"},
}

func wantFindings(t *testing.T, ev evidence.Evidence) {
	t.Helper()
	if ev.AppFrom != "1.0.0" || ev.AppTo != "2.0.0" {
		t.Errorf("appVersion = %q → %q, want 1.0.0 → 2.0.0", ev.AppFrom, ev.AppTo)
	}
	wantViolations := []evidence.Violation{
		{Path: "/replicaCount", Message: "got string, want integer"},
		{Path: "/service", Message: "additional properties 'port' not allowed"},
	}
	if diff := cmp.Diff(wantViolations, ev.Violations); diff != "" {
		t.Errorf("Violations mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{".service.port"}, ev.RemovedKeys); diff != "" {
		t.Errorf("RemovedKeys mismatch (-want +got):\n%s", diff)
	}
	wantKube := []evidence.KubeCheck{{Cluster: "prod", Version: "1.31", Constraint: ">=1.32.0-0", OK: false}}
	if diff := cmp.Diff(wantKube, ev.Kube); diff != "" {
		t.Errorf("Kube mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"crds/widgets.yaml"}, ev.CRDs.Modified); diff != "" || ev.CRDs.Warning == "" {
		t.Errorf("CRDs = %+v, want widgets.yaml modified with a policy warning", ev.CRDs)
	}
	if !strings.Contains(ev.ValuesDiff, "-  port: 80") || !strings.Contains(ev.ValuesDiff, "+    http: 80") {
		t.Errorf("ValuesDiff lacks the rename:\n%s", ev.ValuesDiff)
	}
	var kinds []string
	versions := map[string]bool{}
	for _, g := range ev.Changelog {
		kinds = append(kinds, g.Kind)
		for _, e := range g.Entries {
			versions[e.Version] = true
		}
	}
	if diff := cmp.Diff([]string{"changed", "fixed", "security"}, kinds); diff != "" {
		t.Errorf("changelog kinds mismatch (-want +got):\n%s", diff)
	}
	if !versions["1.5.0"] || !versions["2.0.0"] {
		t.Errorf("changelog versions = %v, want 1.5.0 and 2.0.0", versions)
	}
	if got, want := ev.RiskLine(), "major · 2 values violations · 1 value no longer in the chart · kubeVersion mismatch · CRDs changed (not applied by upgrade.crds)"; got != want {
		t.Errorf("RiskLine() = %q, want %q", got, want)
	}
	md := ev.Markdown()
	for _, s := range []string{
		"**Risk:** major",
		"`/replicaCount`",
		"`.service.port`",
		"does not match cluster prod",
		"`crds/widgets.yaml`",
		"upgrade.crds",
		"<details><summary>Default values diff",
		"](https://redirect.github.com/example/helm-charts/compare/demo-1.0.0...demo-2.0.0)",
		"](https://redirect.github.com/example/helm-charts/pull/7)",
		"@\u200docto",
		"\\#\u200d42",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("Markdown lacks %q:\n%s", s, md)
		}
	}
}

func update(src chart.Source, from, to chart.Release, all ...chart.Release) evidence.Update {
	return evidence.Update{
		Source: src, Chart: "demo", From: from, To: to, Type: chart.UpdateMajor, Releases: all,
		Values: releaseValues, Clusters: []evidence.Cluster{{Name: "prod", Version: "1.31"}},
	}
}

func TestAnalyze_helmRepository(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo100, demo150, demo200)
	rels := repo.releases(t, "demo")
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client()})
	all := []chart.Release{rels["1.0.0"], rels["1.5.0"], rels["2.0.0"]}
	ev := evidence.Analyze(context.Background(), f, update(repo.source(), rels["1.0.0"], rels["2.0.0"], all...), evidence.Options{})
	if len(ev.Notes) > 0 {
		t.Fatalf("Notes = %q", ev.Notes)
	}
	wantFindings(t, ev)
	for _, p := range []string{"GET /charts/demo-1.0.0.tgz", "GET /charts/demo-2.0.0.tgz"} {
		if n := repo.count.get(p); n != 1 {
			t.Errorf("%s requests = %d, want 1", p, n)
		}
	}
	if n := repo.count.get("GET /charts/demo-1.5.0.tgz"); n != 0 {
		t.Errorf("in-between archive fetched %d times, want 0 (its changelog comes from the index)", n)
	}
}

func TestAnalyze_ociRegistry(t *testing.T) {
	t.Parallel()
	reg := newOCIRegistry(t)
	r100, r150, r200 := reg.push(t, demo100), reg.push(t, demo150), reg.push(t, demo200)
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client()})
	ev := evidence.Analyze(context.Background(), f, update(reg.source("demo"), r100, r200, r100, r150, r200), evidence.Options{})
	if len(ev.Notes) > 0 {
		t.Fatalf("Notes = %q", ev.Notes)
	}
	wantFindings(t, ev)
	if n := reg.count.matching("GET /v2/charts/demo/blobs/"); n != 2 {
		t.Errorf("blob GETs = %d, want 2 (one chart layer per version)", n)
	}
}

func TestAnalyze_cleanBump(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo200, demo201)
	rels := repo.releases(t, "demo")
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client()})
	u := evidence.Update{Source: repo.source(), Chart: "demo", From: rels["2.0.0"], To: rels["2.0.1"], Type: chart.UpdatePatch,
		Values:   map[string]any{"replicaCount": 2, "service": map[string]any{"ports": map[string]any{"http": 8080}}},
		Clusters: []evidence.Cluster{{Version: "v1.33.1"}}}
	ev := evidence.Analyze(context.Background(), f, u, evidence.Options{})
	if ev.Findings() != 0 || ev.RiskLine() != "patch" {
		t.Errorf("clean bump: Findings() = %d, RiskLine() = %q, want 0 and \"patch\"", ev.Findings(), ev.RiskLine())
	}
	if ev.ValuesDiff != "" || len(ev.Violations)+len(ev.RemovedKeys)+len(ev.Changelog)+len(ev.Notes) > 0 || ev.CRDs.Changed() {
		t.Errorf("clean bump shows findings: %+v", ev)
	}
	if !ev.SchemaFound || !ev.HasArchives {
		t.Errorf("SchemaFound = %v, HasArchives = %v, want both", ev.SchemaFound, ev.HasArchives)
	}
	md := ev.Markdown()
	for _, s := range []string{"Values check", "CRD", "Changelog", "<details>", "⚠️"} {
		if strings.Contains(md, s) {
			t.Errorf("clean bump Markdown contains %q:\n%s", s, md)
		}
	}
}

func TestAnalyze_describesReleasesInBetween(t *testing.T) {
	t.Parallel()
	reg := newOCIRegistry(t)
	r100, r150, r200 := reg.push(t, demo100), reg.push(t, demo150), reg.push(t, demo200)
	// As an OCI listing gives them: version and tag only.
	r150 = chart.Release{Version: r150.Version, Tag: r150.Tag}
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client()})
	opts := evidence.Options{Describer: ocirepo.New(ocirepo.Options{Client: client()})}
	ev := evidence.Analyze(context.Background(), f, update(reg.source("demo"), r100, r200, r100, r150, r200), opts)
	var got []string
	for _, g := range ev.Changelog {
		for _, e := range g.Entries {
			got = append(got, g.Kind+" "+e.Version)
		}
	}
	if diff := cmp.Diff([]string{"changed 2.0.0", "fixed 1.5.0", "security 2.0.0"}, got); diff != "" {
		t.Errorf("changelog mismatch (-want +got):\n%s", diff)
	}
	if n := reg.count.matching("GET /v2/charts/demo/blobs/"); n != 3 {
		t.Errorf("blob GETs = %d, want 3: two chart layers and the 1.5.0 config blob", n)
	}
}

func TestAnalyzeAll_sharesArchives(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo100, demo150, demo200, demo201)
	rels := repo.releases(t, "demo")
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client()})
	// Three updates as a group PR has them: two share both archives, the
	// third shares one.
	us := []evidence.Update{
		update(repo.source(), rels["1.0.0"], rels["2.0.0"]),
		update(repo.source(), rels["1.0.0"], rels["2.0.0"]),
		update(repo.source(), rels["1.5.0"], rels["2.0.0"]),
	}
	evs := evidence.AnalyzeAll(context.Background(), f, us, evidence.Options{}, 3)
	if len(evs) != 3 || evs[0].From != "1.0.0" || evs[2].From != "1.5.0" {
		t.Fatalf("AnalyzeAll order: %+v", evs)
	}
	for _, p := range []string{"GET /charts/demo-1.0.0.tgz", "GET /charts/demo-1.5.0.tgz", "GET /charts/demo-2.0.0.tgz"} {
		if n := repo.count.get(p); n != 1 {
			t.Errorf("%s: %d requests, want 1", p, n)
		}
	}
	if n := repo.count.get("GET /charts/demo-2.0.1.tgz"); n != 0 {
		t.Errorf("unused archive fetched %d times", n)
	}
}
