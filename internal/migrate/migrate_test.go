package migrate

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
	"github.com/bosunhq/bosun/internal/testutil/golden"
)

func items(list []Item) []byte {
	var b strings.Builder
	for _, it := range list {
		b.WriteString(it.String() + "\n")
	}
	return []byte(b.String())
}

// TestConvert_Corpus migrates the Renovate configs of two real home-ops
// repositories; bosun's own loader must accept the result.
func TestConvert_Corpus(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"onedr0p__home-ops", "xunholy__k8s-gitops"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			dir := corpus.Repo(t, name)
			file, err := Find(dir)
			if err != nil {
				t.Fatal(err)
			}
			files, notes, err := Load(dir, file)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Convert(files, Options{})
			if err != nil {
				t.Fatal(err)
			}
			res.Notes = append(notes, res.Notes...)
			if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
				t.Errorf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
			}
			golden.Assert(t, filepath.Join("testdata", name, "bosun.yaml"), res.Config)
			golden.Assert(t, filepath.Join("testdata", name, "unmapped.txt"), items(res.Unmapped))
			golden.Assert(t, filepath.Join("testdata", name, "notes.txt"), items(res.Notes))
			golden.Assert(t, filepath.Join("testdata", name, "kept.txt"), items(res.Kept))
		})
	}
}

// TestConvert_EveryKey maps each Renovate key the migration knows, from a
// config that extends a local preset.
func TestConvert_EveryKey(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "every-key")
	file, err := Find(dir)
	if err != nil || file != ".github/renovate.json5" {
		t.Fatalf("Find = %q, %v", file, err)
	}
	files, notes, err := Load(dir, file)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Name != "presets/charts.json5" {
		t.Fatalf("Load: want the preset first, got %+v", files)
	}
	res, err := Convert(files, Options{Scanned: true, OCICharts: []string{"ghcr.io/x/charts/b", "ghcr.io/x/charts/a", "ghcr.io/x/charts/a"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Notes = append(notes, res.Notes...)
	if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
		t.Errorf("bosun's loader rejects the migrated config: %v\n%s", err, res.Config)
	}
	var report strings.Builder
	if err := res.WriteReport(&report, ""); err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "every-key.golden"), append(append(res.Config, '\n'), report.String()...))
}
