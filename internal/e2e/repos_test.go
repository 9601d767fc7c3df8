package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
	"github.com/bosunhq/bosun/internal/testutil/golden"
	"github.com/bosunhq/bosun/internal/upstream"
)

// reposDir holds the golden repository cases (testdata/repos/README.md).
var reposDir = filepath.Join("..", "..", "testdata", "repos")

// publishedAt is the date every upstream release's age counts back from.
// It is fixed so that OCI manifests (which carry the creation time), their
// digests and the "released" fields of the plan never change. It lies in
// the past, so the real clock app.Main uses only makes releases older: the
// cases must not depend on a minimumReleaseAge.
var publishedAt = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// reposToken is the fake GitHub's token; it must never show in any output.
const reposToken = "ghs_goldenRep0sT0kenN0tForLogs"

// upstreamEntry is one chart of a case's upstream.yaml.
type upstreamEntry struct {
	Source struct {
		Type chart.SourceKind `yaml:"type"`
		URL  string           `yaml:"url"`
	} `yaml:"source"`
	Chart    string `yaml:"chart"`
	Versions []struct {
		Version    string `yaml:"version"`
		AgeDays    int    `yaml:"ageDays"`
		AppVersion string `yaml:"appVersion"`
		Deprecated bool   `yaml:"deprecated"`
	} `yaml:"versions"`
}

// forgeState is want/forge.json: the open pull requests, by branch.
type forgeState struct {
	PullRequests []forgePR `json:"pullRequests"`
}

type forgePR struct {
	Branch string   `json:"branch"`
	Base   string   `json:"base"`
	Title  string   `json:"title"`
	Labels []string `json:"labels"`
	Files  []string `json:"files"`
}

// TestRepos runs every golden repository case through scan, plan, apply
// and run, then checks that a second pass over the result does nothing.
func TestRepos(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir(reposDir)
	if err != nil {
		t.Fatal(err)
	}
	var cases []string
	for _, e := range entries {
		if e.IsDir() {
			cases = append(cases, e.Name())
		}
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", reposDir)
	}
	bin, err := bosunBinary()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runRepoCase(t, bin, filepath.Join(reposDir, name))
		})
	}
}

// repoCase is one case being run.
type repoCase struct {
	t    *testing.T
	bin  string
	dir  string // the case directory
	up   *upstream.Upstream
	home string
	// digests maps "url version" to the manifest digest the upstream pushed.
	digests map[string]string
}

func runRepoCase(t *testing.T, bin, caseDir string) {
	c := &repoCase{t: t, bin: bin, dir: caseDir, home: t.TempDir(), digests: map[string]string{}}
	c.startUpstream()
	want := filepath.Join(caseDir, "want")

	orig := c.checkout()
	applied := c.checkout()
	origTree := fstree.Read(t, orig)

	// plan -o json and plan (text) on the original tree.
	pj := c.bosun(nil, "plan", "-o", "json", "--no-cache", orig)
	c.mustExit(pj, 0, "plan -o json")
	golden.Assert(t, filepath.Join(want, "plan.json"), []byte(c.normalize(pj.stdout)))
	c.checkDigests(pj.stdout)
	pt := c.bosun(nil, "plan", "--no-cache", orig)
	c.mustExit(pt, 0, "plan")
	golden.Assert(t, filepath.Join(want, "report.txt"), []byte(c.normalize(pt.stdout)))

	// apply: every changed file, byte for byte.
	ap := c.bosun(nil, "apply", "--no-cache", applied)
	c.mustExit(ap, 0, "apply")
	appliedTree := fstree.Read(t, applied)
	changed := changedFiles(t, origTree, appliedTree)
	assertFiles(t, filepath.Join(want, "files"), changed)

	// run: the fake GitHub's main branch holds the original checkout.
	fake, env := seededForge(t, origTree)
	rr := c.bosun(env, "run", "--no-cache", "--repo", "o/r", orig)
	c.mustExit(rr, 0, "run")
	state := c.forgeState(fake)
	got, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join(want, "forge.json"), append(got, '\n'))
	c.checkBranches(fake, state, orig, origTree)

	// A second run with nothing new makes no write.
	writes := fake.Writes()
	again := c.bosun(env, "run", "--no-cache", "--repo", "o/r", orig)
	c.mustExit(again, 0, "second run")
	if n := fake.Writes() - writes; n != 0 {
		t.Errorf("second run on the original tree made %d writes, want 0\n%s", n, again.stdout)
	}

	// Second pass on the applied tree: nothing to plan, apply or publish.
	p2 := c.bosun(nil, "plan", "-o", "json", "--no-cache", "--detailed-exitcode", applied)
	var doc planDoc
	if err := json.Unmarshal([]byte(p2.stdout), &doc); err != nil {
		t.Fatalf("plan of the applied tree: not JSON (exit %d): %v\n%s", p2.code, err, p2.stderr)
	}
	if p2.code != 0 || len(doc.Groups) != 0 || len(doc.Failed) != 0 {
		t.Errorf("plan of the applied tree: exit %d, %d groups, %d failed; want exit 0 and nothing to do\n%s", p2.code, len(doc.Groups), len(doc.Failed), p2.stdout)
	}
	a2 := c.bosun(nil, "apply", "--no-cache", applied)
	c.mustExit(a2, 0, "second apply")
	if diff := cmp.Diff(appliedTree, fstree.Read(t, applied)); diff != "" {
		t.Errorf("second apply changed the tree (-before +after):\n%s", diff)
	}
	fresh, freshEnv := seededForge(t, appliedTree)
	r2 := c.bosun(freshEnv, "run", "--no-cache", "--repo", "o/r", applied)
	c.mustExit(r2, 0, "run on the applied tree")
	if n := fresh.Writes(); n != 0 || len(fresh.PullRequests()) != 0 {
		t.Errorf("run on the applied tree: %d writes, %d pull requests; want none\n%s", n, len(fresh.PullRequests()), r2.stdout)
	}
}

// startUpstream publishes the case's upstream.yaml on loopback servers.
func (c *repoCase) startUpstream() {
	t := c.t
	b, err := os.ReadFile(filepath.Join(c.dir, "upstream.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var charts []upstreamEntry
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&charts); err != nil {
		t.Fatalf("upstream.yaml: %v", err)
	}
	up, err := upstream.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(up.Close)
	c.up = up
	for _, ch := range charts {
		src := chart.Source{Kind: ch.Source.Type, URL: ch.Source.URL}
		if ch.Chart == "" || src.URL == "" || (src.Kind != chart.SourceOCI && src.Kind != chart.SourceHelm) || len(ch.Versions) == 0 {
			t.Fatalf("upstream.yaml: entry %+v needs source {type: oci|helm, url}, chart and versions", ch)
		}
		for _, v := range ch.Versions {
			r := upstream.Release{
				Version: v.Version, AppVersion: v.AppVersion, Deprecated: v.Deprecated,
				Created: publishedAt.Add(-time.Duration(v.AgeDays) * 24 * time.Hour),
			}
			d, err := up.Publish(context.Background(), src, ch.Chart, r)
			if err != nil {
				t.Fatal(err)
			}
			if d != "" {
				c.digests[src.URL+" "+v.Version] = d
			}
		}
	}
}

// checkout copies the case's repo/ into a new directory and writes its
// bosun.yaml: the case's policy, then mirrors to the upstream.
func (c *repoCase) checkout() string {
	t := c.t
	dir := t.TempDir()
	if err := copyTree(filepath.Join(c.dir, "repo"), dir); err != nil {
		t.Fatal(err)
	}
	policy, err := os.ReadFile(filepath.Join(c.dir, "bosun.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := string(policy) + "# Added by the test: every source is served on loopback.\n" + c.up.RegistriesYAML()
	if err := os.WriteFile(filepath.Join(dir, "bosun.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// bosun runs the built binary with a clean environment: no GitHub Actions,
// no user configuration or cache, and a dead proxy so that a source the
// upstream does not serve fails instead of reaching the network (loopback
// is never proxied).
func (c *repoCase) bosun(env []string, args ...string) runResult {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append([]string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + c.home,
		"XDG_CACHE_HOME=" + filepath.Join(c.home, "cache"),
		"XDG_CONFIG_HOME=" + filepath.Join(c.home, "config"),
		"DOCKER_CONFIG=" + filepath.Join(c.home, "docker"),
		"HTTP_PROXY=http://127.0.0.1:9", "HTTPS_PROXY=http://127.0.0.1:9", "NO_PROXY=",
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null",
		"LC_ALL=C", "TZ=UTC",
	}, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			c.t.Fatalf("bosun %s: %v", strings.Join(args, " "), err)
		}
		code = ee.ExitCode()
	}
	r := runResult{code, out.String(), errb.String()}
	if strings.Contains(r.stdout+r.stderr, reposToken) {
		c.t.Errorf("bosun %s: the token appears in the output", args[0])
	}
	return r
}

func (c *repoCase) mustExit(r runResult, code int, what string) {
	c.t.Helper()
	if r.code != code {
		c.t.Fatalf("%s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", what, r.code, code, r.stdout, r.stderr)
	}
}

// normalize replaces the servers' ports, which change on every run.
func (c *repoCase) normalize(s string) string {
	return strings.NewReplacer(c.up.OCIAddr(), "127.0.0.1:OCI", c.up.HelmAddr(), "127.0.0.1:HELM").Replace(s)
}

// checkDigests verifies every digest the plan proposes against the one the
// upstream really pushed for that version.
func (c *repoCase) checkDigests(planJSON string) {
	c.t.Helper()
	var doc planDoc
	if err := json.Unmarshal([]byte(planJSON), &doc); err != nil {
		c.t.Fatalf("plan: not JSON: %v", err)
	}
	for _, g := range doc.Groups {
		for _, u := range g.Updates {
			if u.Digest == "" {
				continue
			}
			if want := c.digests[u.Source.URL+" "+u.To]; u.Digest != want {
				c.t.Errorf("%s:%d: plan digest %s for %s, upstream pushed %q", u.File, u.Line, u.Digest, u.To, want)
			}
		}
	}
}

// forgeState is the deterministic part of the fake's state: each open pull
// request with the files its branch changes against main.
func (c *repoCase) forgeState(fake *forgetest.Fake) forgeState {
	main := fake.Files("main")
	s := forgeState{PullRequests: []forgePR{}}
	for _, pr := range fake.PullRequests() {
		if pr.State != "open" {
			continue
		}
		labels := slices.Clone(pr.Labels)
		sort.Strings(labels)
		head := fake.Files(pr.Head)
		var files []string
		for p, content := range head {
			if old, ok := main[p]; !ok || old != content {
				files = append(files, p)
			}
		}
		for p := range main {
			if _, ok := head[p]; !ok {
				files = append(files, p+" (deleted)")
			}
		}
		sort.Strings(files)
		s.PullRequests = append(s.PullRequests, forgePR{Branch: pr.Head, Base: pr.Base, Title: pr.Title, Labels: labels, Files: files})
	}
	sort.Slice(s.PullRequests, func(i, j int) bool { return s.PullRequests[i].Branch < s.PullRequests[j].Branch })
	return s
}

// checkBranches verifies that each pull request's branch holds exactly what
// `bosun apply --group <branch>` makes of the original checkout.
func (c *repoCase) checkBranches(fake *forgetest.Fake, state forgeState, orig string, origTree map[string]string) {
	t := c.t
	t.Helper()
	for _, pr := range state.PullRequests {
		dir := t.TempDir()
		if err := copyTree(orig, dir); err != nil {
			t.Fatal(err)
		}
		r := c.bosun(nil, "apply", "--no-cache", "--group", pr.Branch, dir)
		c.mustExit(r, 0, "apply --group "+pr.Branch)
		want := fstree.Read(t, dir)
		if diff := cmp.Diff(want, fake.Files(pr.Branch)); diff != "" {
			t.Errorf("branch %s differs from `apply --group` on the checkout (-apply +branch):\n%s", pr.Branch, diff)
		}
		if len(changedFiles(t, origTree, want)) == 0 {
			t.Errorf("branch %s: its group changes nothing", pr.Branch)
		}
	}
}

// changedFiles returns the files of after that differ from before; a file
// added or removed is an error, since apply only edits.
func changedFiles(t *testing.T, before, after map[string]string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for p, a := range after {
		b, ok := before[p]
		if !ok {
			t.Errorf("%s: created by apply", p)
			continue
		}
		if a != b {
			out[p] = a
		}
	}
	for p := range before {
		if _, ok := after[p]; !ok {
			t.Errorf("%s: removed by apply", p)
		}
	}
	return out
}

// assertFiles compares the changed files with the tree under dir, byte for
// byte, or rewrites that tree under -update.
func assertFiles(t *testing.T, dir string, got map[string]string) {
	t.Helper()
	if golden.Update() {
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		for p, content := range got {
			golden.Assert(t, filepath.Join(dir, filepath.FromSlash(p)), []byte(content))
		}
		return
	}
	want := map[string]string{}
	if _, err := os.Stat(dir); err == nil {
		want = fstree.Read(t, dir)
	}
	var wantNames, gotNames []string
	for p := range want {
		wantNames = append(wantNames, p)
	}
	for p := range got {
		gotNames = append(gotNames, p)
	}
	sort.Strings(wantNames)
	sort.Strings(gotNames)
	if diff := cmp.Diff(wantNames, gotNames); diff != "" {
		t.Errorf("files changed by apply (-want +got):\n%s", diff)
	}
	for _, p := range gotNames {
		if w, ok := want[p]; ok && w != got[p] {
			t.Errorf("%s after apply (-want +got):\n%s", p, cmp.Diff(w, got[p]))
		}
	}
}

// seededForge is a fake GitHub whose main branch of o/r holds tree, and the
// environment that points bosun at it with its token.
func seededForge(t *testing.T, tree map[string]string) (*forgetest.Fake, []string) {
	t.Helper()
	fake := forgetest.New(t, "o", "r")
	fake.RequireToken(reposToken)
	fake.Seed("main", tree)
	return fake, []string{"GITHUB_API_URL=" + fake.URL, "GITHUB_TOKEN=" + reposToken}
}
