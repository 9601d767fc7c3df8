package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/testutil/golden"
	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/demo"
)

// fixedNow makes release ages, and so the demo's output, deterministic.
var fixedNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

type result struct {
	code           int
	stdout, stderr string
}

// runApp runs bosun in process with env as the whole environment.
func runApp(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	deps := NewDeps(IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	deps.Now = func() time.Time { return fixedNow }
	deps.Getenv = func(k string) string { return env[k] }
	code := run(context.Background(), deps, args)
	return result{code, out.String(), errb.String()}
}

// sampleRepo copies the embedded sample repository to a temp dir.
func sampleRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, demo.Repo()); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestMain_Version(t *testing.T) {
	t.Parallel()
	r := runApp(t, nil, "version")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "bosun ") {
		t.Errorf("version: code %d, stdout %q", r.code, r.stdout)
	}
}

func TestMain_UsageErrors(t *testing.T) {
	t.Parallel()
	badConfig := filepath.Join(t.TempDir(), "bosun.yaml")
	if err := os.WriteFile(badConfig, []byte("version: 1\nrules:\n  - match: {namespaces: [a]}\n    updateTypes: [mayor]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"unknown flag", []string{"scan", "--nope"}, "unknown flag: --nope"},
		{"bad output", []string{"scan", "-o", "yaml"}, "must be one of text, json"},
		{"too many args", []string{"scan", "a", "b"}, "accepts at most 1 arg"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"bad config", []string{"--config", badConfig, "scan", t.TempDir()}, `unknown update type "mayor"`},
		{"bad log level", []string{"--log-level", "loud", "version"}, "must be one of debug, info, warn, error"},
		{"run without repo", []string{"run", "--dry-run", t.TempDir()}, "want owner/name"},
		{"run without token", []string{"run", "--repo", "o/r", t.TempDir()}, "no token: set GITHUB_TOKEN"},
		{"versions without chart", []string{"versions", "https://charts.example.com"}, "needs a chart name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := runApp(t, nil, tt.args...)
			if r.code != ExitUsage {
				t.Errorf("exit code = %d, want %d; stderr:\n%s", r.code, ExitUsage, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q:\n%s", tt.wantErr, r.stderr)
			}
		})
	}
}

func TestScan_SampleRepo(t *testing.T) {
	t.Parallel()
	dir := sampleRepo(t)
	r := runApp(t, nil, "scan", "-o", "json", dir)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	assertGolden(t, "scan-sample.json", r.stdout)
	text := runApp(t, nil, "scan", dir)
	assertGolden(t, "scan-sample.txt", text.stdout)
}

func TestScan_PartialExit(t *testing.T) {
	t.Parallel()
	dir := sampleRepo(t)
	if err := os.WriteFile(filepath.Join(dir, "broken.yaml"), []byte("a: [1, 2\nb: c\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runApp(t, nil, "scan", dir)
	if r.code != ExitPartial {
		t.Errorf("exit = %d, want %d (a file could not be parsed)", r.code, ExitPartial)
	}
	if !strings.Contains(r.stdout, "broken.yaml:") || !strings.Contains(r.stdout, "10 references") {
		t.Errorf("the report must list the broken file and still every reference:\n%s", r.stdout)
	}
}

func TestDemo(t *testing.T) {
	t.Parallel()
	r := runApp(t, nil, "demo", "-o", "json")
	if r.code != ExitOK {
		t.Fatalf("demo exit %d: %s", r.code, r.stderr)
	}
	assertGolden(t, "demo.json", r.stdout)
	var doc struct {
		Summary struct{ Updates, Failed int }
		Groups  []struct{ Branch string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Summary.Updates == 0 || doc.Summary.Failed != 0 {
		t.Errorf("demo summary = %+v: want updates and no failures", doc.Summary)
	}
	md := runApp(t, nil, "demo", "-o", "markdown")
	assertGolden(t, "demo.md", md.stdout)
	txt := runApp(t, nil, "demo")
	assertGolden(t, "demo.txt", txt.stdout)
}

func TestPlan_DetailedExitCode(t *testing.T) {
	t.Parallel()
	env := prepareDemo(t)
	r := runApp(t, nil, "plan", "--no-cache", "--detailed-exitcode", env.Dir)
	if r.code != ExitPending {
		t.Errorf("plan --detailed-exitcode with updates: exit %d, want %d\n%s", r.code, ExitPending, r.stderr)
	}
	// Stop the registries: every lookup fails, the plan says so and exits 3.
	env.Upstream.Close()
	r = runApp(t, nil, "plan", "--no-cache", "--detailed-exitcode", env.Dir)
	if r.code != ExitPartial {
		t.Errorf("plan with failed lookups: exit %d, want %d", r.code, ExitPartial)
	}
	if !strings.Contains(r.stdout, "failed\n") || strings.Contains(r.stdout, " 0 failed") {
		t.Errorf("the report must list the failed lookups:\n%s", r.stdout)
	}
}

func TestConfigSchema(t *testing.T) {
	t.Parallel()
	r := runApp(t, nil, "config", "schema")
	var v map[string]any
	if r.code != 0 || json.Unmarshal([]byte(r.stdout), &v) != nil || v["$schema"] == nil {
		t.Errorf("config schema: code %d, not a JSON schema:\n%.200s", r.code, r.stdout)
	}
	dir := sampleRepo(t)
	ok := runApp(t, nil, "config", "validate", filepath.Join(dir, "bosun.yaml"))
	if ok.code != 0 || !strings.Contains(ok.stdout, "valid") {
		t.Errorf("config validate: %d %s %s", ok.code, ok.stdout, ok.stderr)
	}
}

var _ fs.FS = demo.Repo()

func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name), []byte(got))
}

func TestVersions(t *testing.T) {
	t.Parallel()
	env := prepareDemo(t)
	cfg := filepath.Join(env.Dir, "bosun.yaml")
	r := runApp(t, nil, "--config", cfg, "versions", "--no-cache", "-o", "json", "oci://ghcr.io/bjw-s-labs/helm/app-template")
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	var doc struct {
		Chart    string
		Versions []struct {
			Version, AppVersion string
			Created             *time.Time
			Chart               *bool
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Chart != "app-template" || len(doc.Versions) != 6 || doc.Versions[0].Version != "5.0.0-beta.1" {
		t.Fatalf("versions = %+v", doc)
	}
	for _, v := range doc.Versions {
		if v.Created == nil || v.Chart == nil || !*v.Chart || v.AppVersion != v.Version {
			t.Errorf("%s: created %v chart %v appVersion %q: want the OCI details described", v.Version, v.Created, v.Chart, v.AppVersion)
		}
	}
	helm := runApp(t, nil, "--config", cfg, "versions", "--no-cache", "https://charts.jetstack.io", "cert-manager")
	if helm.code != ExitOK || !strings.Contains(helm.stdout, "v1.18.0") || !strings.HasPrefix(helm.stdout, "VERSION") {
		t.Errorf("helm versions: exit %d\n%s%s", helm.code, helm.stdout, helm.stderr)
	}
	missing := runApp(t, nil, "--config", cfg, "versions", "--no-cache", "https://charts.jetstack.io", "nope")
	if missing.code != ExitFatal || !strings.Contains(missing.stderr, "not found") {
		t.Errorf("unknown chart: exit %d, stderr %s", missing.code, missing.stderr)
	}
}

func TestHostLimits(t *testing.T) {
	t.Parallel()
	got := hostLimits(datasource.Hosts{
		{Match: "registry.internal:5000", Insecure: true, Concurrency: 2},
		{Match: "ghcr.io", Mirror: "http://127.0.0.1:5000/ghcr.io", Concurrency: 3},
		{Match: "https://charts.example.com/stable", Concurrency: 1},
		{Match: "quay.io"},
	})
	want := map[string]int{"registry.internal:5000": 2, "ghcr.io": 3, "127.0.0.1:5000": 3, "charts.example.com": 1}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("hostLimits (-want +got):\n%s", diff)
	}
}
