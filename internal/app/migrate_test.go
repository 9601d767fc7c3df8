package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
)

// TestMigrateRenovate_Corpus migrates the Renovate configs of two real
// home-ops repositories (read-only): the output is a config bosun's loader
// accepts, followed by the unmapped list and the Renovate snippet, which
// disables exactly the OCI charts the scan found.
func TestMigrateRenovate_Corpus(t *testing.T) {
	t.Parallel()
	corpus.EachRepo(t, corpus.HomeOps, func(t *testing.T, name, dir string) {
		r := runApp(t, nil, "-q", "migrate", "renovate", "--dir", dir)
		if r.code != ExitOK {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
		if _, err := config.Parse("bosun.yaml", []byte(r.stdout)); err != nil {
			t.Errorf("config validate rejects the output: %v", err)
		}
		if !strings.Contains(r.stdout, `"matchDatasources": [`) || !strings.Contains(r.stdout, "# Not migrated") {
			t.Errorf("output lacks the snippet or the unmapped list")
		}
		assertGolden(t, "migrate-"+name+".golden", r.stdout)
	})
}

// TestMigrateRenovate_Write writes .github/bosun.yaml, never over an
// existing one, and finds no config where there is none.
func TestMigrateRenovate_Write(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "renovate.json"), []byte(`{"packageRules": [{"matchDatasources": ["helm"], "matchPackageNames": ["podinfo"], "enabled": false}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runApp(t, nil, "migrate", "renovate", "--write", "--dir", dir)
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "wrote ") {
		t.Fatalf("exit %d, stdout %q, stderr %s", r.code, r.stdout, r.stderr)
	}
	cfg, err := config.Load(filepath.Join(dir, ".github", "bosun.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 1 || cfg.Rules[0].Ignore == nil || !*cfg.Rules[0].Ignore || cfg.Rules[0].Match.Charts[0] != "podinfo" {
		t.Errorf("rules = %+v", cfg.Rules)
	}
	if r := runApp(t, nil, "migrate", "renovate", "--write", "--dir", dir); r.code != ExitUsage {
		t.Errorf("second --write: exit %d, want %d (no overwrite)", r.code, ExitUsage)
	}
	if r := runApp(t, nil, "migrate", "renovate", "--dir", t.TempDir()); r.code != ExitUsage || !strings.Contains(r.stderr, "no Renovate config") {
		t.Errorf("no config: exit %d, stderr %s", r.code, r.stderr)
	}
}

// TestMigrateRenovate_Lifecycle: automerge, schedule and reviewers come
// over; --org turns Renovate's team reviewers into org/team.
func TestMigrateRenovate_Lifecycle(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	renovate := `{"extends": [":timezone(Europe/Berlin)"], "schedule": ["before 4am"], "packageRules": [
	  {"matchDatasources": ["helm"], "matchUpdateTypes": ["patch"], "automerge": true, "reviewers": ["team:sre", "octocat"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "renovate.json"), []byte(renovate), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runApp(t, nil, "-q", "migrate", "renovate", "--org", "acme", "--dir", dir)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	cfg, err := config.Parse("bosun.yaml", []byte(r.stdout))
	if err != nil {
		t.Fatalf("config validate rejects the output: %v\n%s", err, r.stdout)
	}
	rule := cfg.Rules[0]
	if cfg.Timezone != "Europe/Berlin" || strings.Join(cfg.Defaults.Schedule, ",") != "* 0-3 * * *" ||
		cfg.Defaults.AutomergeType != "platform" || rule.Automerge == nil || !*rule.Automerge ||
		strings.Join(rule.Reviewers, ",") != "acme/sre,octocat" {
		t.Errorf("migrated config:\n%s", r.stdout)
	}
	if r := runApp(t, nil, "-q", "migrate", "renovate", "--org", "not an org", "--dir", dir); r.code != ExitUsage {
		t.Errorf("--org with spaces: exit %d, want %d", r.code, ExitUsage)
	}
	r = runApp(t, nil, "-q", "migrate", "renovate", "--dir", dir)
	if !strings.Contains(r.stdout, `"team:sre": the team's organisation is unknown`) {
		t.Errorf("without --org the team reviewer is listed as not migrated:\n%s", r.stdout)
	}
}

// TestMigrateRenovate_WriteRefusesRootConfig: with a root bosun.yaml,
// --write must not create .github/bosun.yaml, which config.Find reads
// first and would silently override the existing config.
func TestMigrateRenovate_WriteRefusesRootConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := "version: 1\n"
	for name, text := range map[string]string{
		"renovate.json": `{"packageRules": [{"matchDatasources": ["helm"], "matchPackageNames": ["podinfo"], "enabled": false}]}`,
		"bosun.yaml":    existing,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := runApp(t, nil, "migrate", "renovate", "--write", "--dir", dir)
	if r.code != ExitUsage || !strings.Contains(r.stderr, filepath.Join(dir, "bosun.yaml")+" already exists") {
		t.Errorf("exit %d, stderr %q; want %d naming the existing bosun.yaml", r.code, r.stderr, ExitUsage)
	}
	if _, err := os.Stat(filepath.Join(dir, ".github", "bosun.yaml")); !os.IsNotExist(err) {
		t.Errorf(".github/bosun.yaml was written next to the existing bosun.yaml (stat: %v)", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "bosun.yaml")); err != nil || string(b) != existing {
		t.Errorf("bosun.yaml = %q, %v; want it untouched", b, err)
	}
}
