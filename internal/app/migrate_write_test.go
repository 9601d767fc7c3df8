package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

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
