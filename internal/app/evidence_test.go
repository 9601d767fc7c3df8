package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/publish"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// evidenceChart is one chart version with the files the evidence reads,
// its source at github.com/example/<name>.
func evidenceChart(name, version, appVersion, kubeVersion string, files map[string]string) helmrepotest.Chart {
	return helmrepotest.Chart{Name: name, Version: version, AppVersion: appVersion, KubeVersion: kubeVersion,
		Sources: []string{"https://github.com/example/" + name}, Files: files}
}

// evidenceRepo is a Helm repository on loopback serving the charts' index
// and archives; it counts archive downloads since the last reset.
type evidenceRepo struct {
	*helmrepotest.Server
	archives []string       // server paths of the archives
	before   map[string]int // requests per archive at the last reset
}

func newEvidenceRepo(t *testing.T, charts ...helmrepotest.Chart) *evidenceRepo {
	t.Helper()
	r := &evidenceRepo{Server: helmrepotest.New(t, charts...), before: map[string]int{}}
	for _, c := range charts {
		r.archives = append(r.archives, "/charts/"+c.ArchiveName())
	}
	return r
}

// archiveHits counts archive downloads by path.
func (r *evidenceRepo) archiveHits() map[string]int {
	out := map[string]int{}
	for _, p := range r.archives {
		if n := r.Requests(p) - r.before[p]; n > 0 {
			out[p] = n
		}
	}
	return out
}

func (r *evidenceRepo) reset() {
	for _, p := range r.archives {
		r.before[p] = r.Requests(p)
	}
}

const crdV1 = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  names: {kind: Widget, plural: widgets}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true}]
`

// evidenceCharts are "app" 1.0.0 → 2.0.0, which renames image.tag to
// image.version, changes its CRD, raises kubeVersion past the cluster's
// 1.31 and ships a schema the release's values fail; and "plain" 1.0.0 →
// 1.0.1, a clean bump.
func evidenceCharts() []helmrepotest.Chart {
	app2 := evidenceChart("app", "2.0.0", "2.0", ">=1.33.0-0", map[string]string{
		"values.yaml":        "image:\n  repository: example/app\n  version: \"2.0\"\nreplicas: 1\n",
		"values.schema.json": `{"type":"object","properties":{"image":{"type":"object","additionalProperties":false,"properties":{"repository":{"type":"string"},"version":{"type":"string"}}},"replicas":{"type":"integer"}}}`,
		"crds/widget.yaml":   strings.Replace(crdV1, "[{name: v1, served: true, storage: true}]", "[{name: v1, served: true, storage: true}, {name: v2, served: true, storage: false}]", 1),
	})
	app2.Changes = "- kind: changed\n  description: \"image.tag is now image.version (thanks @octocat, see #42)\"\n  links:\n    - name: PR\n      url: https://github.com/example/app/pull/42\n"
	return []helmrepotest.Chart{
		evidenceChart("app", "1.0.0", "1.0", ">=1.25.0-0", map[string]string{
			"values.yaml":      "image:\n  repository: example/app\n  tag: \"1.0\"\nreplicas: 1\n",
			"crds/widget.yaml": crdV1,
		}),
		app2,
		evidenceChart("plain", "1.0.0", "1.0", "", map[string]string{"values.yaml": "replicas: 1\n"}),
		evidenceChart("plain", "1.0.1", "1.0", "", map[string]string{"values.yaml": "replicas: 1\n"}),
	}
}

// evidenceGitOps writes a repository with a HelmRelease of each chart. The
// app release sets image.tag and replicas inline and, through valuesFrom, a
// ConfigMap a configMapGenerator builds from values.yaml (replicas: "two",
// which the schema rejects).
func evidenceGitOps(t *testing.T, repoURL string) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"bosun.yaml": "version: 1\nkubernetesVersion: \"1.31\"\n",
		"apps/source.yaml": fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: charts
  namespace: flux-system
spec:
  url: %s
`, repoURL),
		"apps/app/kustomization.yaml": `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - helmrelease.yaml
configMapGenerator:
  - name: app-values
    files:
      - values.yaml=values.yaml
`,
		"apps/app/values.yaml": "replicas: two\n",
		"apps/app/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: app
  namespace: default
spec:
  chart:
    spec:
      chart: app
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  valuesFrom:
    - kind: ConfigMap
      name: app-values
  values:
    image:
      tag: "1.0"
`,
		"apps/plain/helmrelease.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: plain
  namespace: default
spec:
  chart:
    spec:
      chart: plain
      version: 1.0.0
      sourceRef:
        kind: HelmRepository
        name: charts
        namespace: flux-system
  values:
    replicas: 2
`,
	}
	fstree.Write(t, dir, files)
	return dir
}

// sectionOf is the evidence section of chart in a Markdown document.
func sectionOf(t *testing.T, md, chartName string) string {
	t.Helper()
	start := strings.Index(md, "#### `"+chartName+"`")
	if start < 0 {
		t.Fatalf("no evidence section for %s:\n%s", chartName, md)
	}
	rest := md[start+1:]
	if end := strings.Index(rest, "\n#### "); end >= 0 {
		rest = rest[:end]
	}
	if end := strings.Index(rest, "\n### "); end >= 0 {
		rest = rest[:end]
	}
	return rest
}

func TestPlan_markdownEvidence(t *testing.T) {
	t.Parallel()
	repo := newEvidenceRepo(t, evidenceCharts()...)
	dir := evidenceGitOps(t, repo.URL)
	cache := t.TempDir()

	// Plain plan, text and JSON, and markdown without --evidence: no archive.
	for _, args := range [][]string{{"plan", "--no-git", "--cache-dir", cache, dir},
		{"plan", "--no-git", "-o", "json", "--cache-dir", cache, dir},
		{"plan", "--no-git", "-o", "markdown", "--cache-dir", cache, dir}} {
		if res := runApp(t, nil, args...); res.code != ExitOK {
			t.Fatalf("%v: exit %d\n%s%s", args, res.code, res.stdout, res.stderr)
		}
	}
	if hits := repo.archiveHits(); len(hits) != 0 {
		t.Errorf("plan without --evidence downloaded archives: %v", hits)
	}

	res := runApp(t, nil, "plan", "--no-git", "-o", "markdown", "--evidence", "--cache-dir", cache, dir)
	if res.code != ExitOK {
		t.Fatalf("plan --evidence: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for p, n := range repo.archiveHits() {
		if n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	if n := len(repo.archiveHits()); n != 4 {
		t.Errorf("%d archives fetched, want 4 (two per update): %v", n, repo.archiveHits())
	}

	app := sectionOf(t, res.stdout, "app")
	for _, want := range []string{
		"**Risk:** major · 2 values violations · 1 value no longer in the chart · kubeVersion mismatch · CRDs changed \\(not applied by upgrade.crds\\)",
		"**appVersion:** `1.0` → `2.0`",
		"`/image`",                            // the schema rejects image.tag (additionalProperties)
		"`/replicas`",                         // "two" from the generated ConfigMap is not an integer
		"`.image.tag`",                        // set by the release, gone from the new defaults
		"does not match the cluster (`1.31`)", // kubeVersion >=1.33
		"changed `crds/widget.yaml`",
		"@\u200doctocat", "\\#\u200d42", // mentions and references broken
		"(https://redirect.github.com/example/app/pull/42)",
		"compare/1.0...2.0",
		"<details><summary>Default values diff",
	} {
		if !strings.Contains(app, want) {
			t.Errorf("app evidence lacks %q:\n%s", want, app)
		}
	}
	plain := sectionOf(t, res.stdout, "plain")
	if !strings.Contains(plain, "**Risk:** patch\n") {
		t.Errorf("clean bump has findings:\n%s", plain)
	}
	for _, unwanted := range []string{"violation", "no longer", "kubeVersion", "CRD", "Note:"} {
		if strings.Contains(plain, unwanted) {
			t.Errorf("clean bump evidence says %q:\n%s", unwanted, plain)
		}
	}

	// A warm cache: the same plan downloads no archive.
	repo.reset()
	warm := runApp(t, nil, "plan", "--no-git", "-o", "markdown", "--evidence", "--cache-dir", cache, dir)
	if warm.code != ExitOK {
		t.Fatalf("warm plan --evidence: exit %d\n%s", warm.code, warm.stderr)
	}
	if hits := repo.archiveHits(); len(hits) != 0 {
		t.Errorf("warm run downloaded archives: %v", hits)
	}
	if warm.stdout != res.stdout {
		t.Errorf("warm run renders differently:\n%s\n---\n%s", res.stdout, warm.stdout)
	}
}

func TestPlan_evidenceNeedsMarkdown(t *testing.T) {
	t.Parallel()
	res := runApp(t, nil, "plan", "--evidence", "-o", "json", t.TempDir())
	if res.code != ExitUsage {
		t.Errorf("plan --evidence -o json: exit %d, want %d", res.code, ExitUsage)
	}
}

// TestPlan_evidenceArchiveOverLimit: an archive over lookup.maxChartSize is
// not read: the update says so and its risk line flags missing evidence.
func TestPlan_evidenceArchiveOverLimit(t *testing.T) {
	t.Parallel()
	repo := newEvidenceRepo(t, evidenceCharts()...)
	dir := evidenceGitOps(t, repo.URL)
	cfg := filepath.Join(dir, "bosun.yaml")
	if err := os.WriteFile(cfg, []byte("version: 1\nlookup:\n  maxChartSize: 100B\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	res := runApp(t, nil, "plan", "--no-git", "-o", "markdown", "--evidence", "--no-cache", dir)
	if res.code != ExitOK {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	app := sectionOf(t, res.stdout, "app")
	for _, want := range []string{"evidence incomplete", "over the size limit"} {
		if !strings.Contains(app, want) {
			t.Errorf("app evidence lacks %q:\n%s", want, app)
		}
	}
}

// TestEvidenceRun_groupBody: the body renderer `bosun run` gives publish
// shows each update's evidence, fits GitHub's limit with publish's footer,
// and fetches each chart archive once however often bodies are rendered.
func TestEvidenceRun_groupBody(t *testing.T) {
	t.Parallel()
	repo := newEvidenceRepo(t, evidenceCharts()...)
	dir := evidenceGitOps(t, repo.URL)
	var out, errb bytes.Buffer
	deps := NewDeps(IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	deps.Now = func() time.Time { return fixedNow }
	deps.Getenv = func(string) string { return "" }
	deps.global.NoGit = true
	p, ev, err := deps.runPipelineEvidence(t.Context(), dir, lookupOptions{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Groups) != 2 {
		t.Fatalf("%d groups, want 2", len(p.Groups))
	}
	render := ev.groupBody(t.Context(), dir, p, fixedNow)
	bodies := map[string]string{}
	for range 2 {
		for _, g := range p.Groups {
			b := publish.Body(g, render)
			if len(b) > evidence.GitHubBodyLimit {
				t.Errorf("%s: body of %d bytes", g.Branch, len(b))
			}
			bodies[g.Updates[0].Ref.Chart] = b
		}
	}
	for path, n := range repo.archiveHits() {
		if n != 1 {
			t.Errorf("%s fetched %d times in one run, want once", path, n)
		}
	}
	if !strings.Contains(bodies["app"], "**Risk:** major · 2 values violations") {
		t.Errorf("app body lacks its risk line:\n%s", bodies["app"])
	}
	if !strings.Contains(bodies["plain"], "**Risk:** patch\n") {
		t.Errorf("plain body lacks its risk line:\n%s", bodies["plain"])
	}
}
