package helmbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/repo"

	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// charts builds charts×versions entries shaped like real ones (description,
// changes, keywords, sources, annotations, absolute URLs).
func charts(n, versions int) []helmrepotest.Chart {
	var out []helmrepotest.Chart
	for c := range n {
		name := fmt.Sprintf("chart-%03d", c)
		for v := range versions {
			out = append(out, helmrepotest.Chart{
				Name: name, Version: fmt.Sprintf("%d.%d.%d", v/10, v%10, c%3), AppVersion: fmt.Sprintf("v%d.%d.0", v, c),
				Created:     time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(c*versions+v) * time.Hour),
				Description: strings.Repeat("A Helm chart for deploying a service on Kubernetes with batteries included. ", 3),
				KubeVersion: ">=1.25.0-0",
				Changes:     fmt.Sprintf("- kind: added\n  description: Support for feature %d\n- kind: fixed\n  description: \"Fix a bug: values were ignored\"\n", v),
				Annotations: map[string]string{"artifacthub.io/license": "Apache-2.0", "artifacthub.io/containsSecurityUpdates": "false"},
				Home:        "https://example.com/" + name,
				Sources:     []string{"https://github.com/example/charts", "https://github.com/example/" + name},
				Keywords:    []string{"example", "service", name},
				URL:         fmt.Sprintf("https://github.com/example/charts/releases/download/%s-%d/%s-%d.tgz", name, v, name, v),
			})
		}
	}
	return out
}

// indexPath writes a 300×50 index (about 8 MB) to a temporary file.
func indexPath(b *testing.B) string {
	b.Helper()
	body, err := helmrepotest.IndexYAML("", charts(300, 50)...)
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(b.TempDir(), "index.yaml")
	if err := os.WriteFile(p, body, 0o644); err != nil {
		b.Fatal(err)
	}
	return p
}

// BenchmarkHelmLoadIndexFile measures helm's own loader.
func BenchmarkHelmLoadIndexFile(b *testing.B) {
	path := indexPath(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := repo.LoadIndexFile(path); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBosunParseIndexFile measures bosun's parser on the same file,
// reading included, as LoadIndexFile does.
func BenchmarkBosunParseIndexFile(b *testing.B) {
	path := indexPath(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(st.Size())
	for b.Loop() {
		body, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := helmrepo.ParseIndex(body); err != nil {
			b.Fatal(err)
		}
	}
}
