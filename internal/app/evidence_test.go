package app

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/publish"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// evidenceChart is one chart version with the files the evidence reads.
type evidenceChart struct {
	name, version, appVersion, kubeVersion, changes string
	files                                           map[string]string // inside the chart directory
}

func (c evidenceChart) archive(t *testing.T) []byte {
	t.Helper()
	chartYAML := fmt.Sprintf("apiVersion: v2\nname: %s\nversion: %s\nappVersion: %q\ntype: application\nsources:\n  - https://github.com/example/%s\n",
		c.name, c.version, c.appVersion, c.name)
	if c.kubeVersion != "" {
		chartYAML += fmt.Sprintf("kubeVersion: %q\n", c.kubeVersion)
	}
	if c.changes != "" {
		chartYAML += "annotations:\n  artifacthub.io/changes: |\n"
		for _, l := range strings.Split(strings.TrimRight(c.changes, "\n"), "\n") {
			chartYAML += "    " + l + "\n"
		}
	}
	files := map[string]string{c.name + "/Chart.yaml": chartYAML}
	for p, body := range c.files {
		files[c.name+"/"+p] = body
	}
	b, err := chartbuild.TarGz(chartbuild.SortedFiles(files), chartbuild.DefaultCreated)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// evidenceRepo is a Helm repository on loopback serving the charts' index
// and archives, counting requests per path.
type evidenceRepo struct {
	srv  *httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newEvidenceRepo(t *testing.T, charts ...evidenceChart) *evidenceRepo {
	t.Helper()
	r := &evidenceRepo{hits: map[string]int{}}
	content := map[string][]byte{}
	var index strings.Builder
	index.WriteString("apiVersion: v1\nentries:\n")
	byName := map[string][]evidenceChart{}
	var names []string
	for _, c := range charts {
		if byName[c.name] == nil {
			names = append(names, c.name)
		}
		byName[c.name] = append(byName[c.name], c)
	}
	for _, n := range names {
		fmt.Fprintf(&index, "  %s:\n", n)
		for _, c := range byName[n] {
			b := c.archive(t)
			sum := sha256.Sum256(b)
			p := "/charts/" + c.name + "-" + c.version + ".tgz"
			content[p] = b
			fmt.Fprintf(&index, "  - name: %s\n    version: %s\n    appVersion: %q\n    created: \"2024-01-01T00:00:00Z\"\n    digest: %s\n    urls:\n    - charts/%s-%s.tgz\n",
				c.name, c.version, c.appVersion, hex.EncodeToString(sum[:]), c.name, c.version)
			if c.kubeVersion != "" {
				fmt.Fprintf(&index, "    kubeVersion: %q\n", c.kubeVersion)
			}
		}
	}
	content["/index.yaml"] = []byte(index.String())
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.hits[req.URL.Path]++
		r.mu.Unlock()
		b, ok := content[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// archiveHits counts archive downloads by path.
func (r *evidenceRepo) archiveHits() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for p, n := range r.hits {
		if strings.HasSuffix(p, ".tgz") {
			out[p] = n
		}
	}
	return out
}

func (r *evidenceRepo) reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.hits = map[string]int{}
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
func evidenceCharts() []evidenceChart {
	return []evidenceChart{
		{name: "app", version: "1.0.0", appVersion: "1.0", kubeVersion: ">=1.25.0-0", files: map[string]string{
			"values.yaml":      "image:\n  repository: example/app\n  tag: \"1.0\"\nreplicas: 1\n",
			"crds/widget.yaml": crdV1,
		}},
		{name: "app", version: "2.0.0", appVersion: "2.0", kubeVersion: ">=1.33.0-0",
			changes: "- kind: changed\n  description: \"image.tag is now image.version (thanks @octocat, see #42)\"\n  links:\n    - name: PR\n      url: https://github.com/example/app/pull/42\n",
			files: map[string]string{
				"values.yaml":        "image:\n  repository: example/app\n  version: \"2.0\"\nreplicas: 1\n",
				"values.schema.json": `{"type":"object","properties":{"image":{"type":"object","additionalProperties":false,"properties":{"repository":{"type":"string"},"version":{"type":"string"}}},"replicas":{"type":"integer"}}}`,
				"crds/widget.yaml":   strings.Replace(crdV1, "[{name: v1, served: true, storage: true}]", "[{name: v1, served: true, storage: true}, {name: v2, served: true, storage: false}]", 1),
			}},
		{name: "plain", version: "1.0.0", appVersion: "1.0", files: map[string]string{"values.yaml": "replicas: 1\n"}},
		{name: "plain", version: "1.0.1", appVersion: "1.0", files: map[string]string{"values.yaml": "replicas: 1\n"}},
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
	dir := evidenceGitOps(t, repo.srv.URL)
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
	dir := evidenceGitOps(t, repo.srv.URL)
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
	dir := evidenceGitOps(t, repo.srv.URL)
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
