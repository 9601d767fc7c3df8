package helmrepotest

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/bosunhq/bosun/internal/testutil/golden"
	"github.com/bosunhq/bosun/internal/testutil/roundtrip"
)

var sample = []Chart{
	{Name: "podinfo", Version: "6.5.0", AppVersion: "6.5.0", Created: time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC),
		Description: "Podinfo Helm chart for Kubernetes", Changes: "- kind: added\n  description: arm64 images\n"},
	{Name: "podinfo", Version: "6.10.1", AppVersion: "6.10.1", KubeVersion: ">=1.23.0-0"},
	{Name: "legacy", Version: "1.0", AppVersion: "true", Deprecated: true},
}

func TestIndexYAML_Golden(t *testing.T) {
	t.Parallel()
	got, err := IndexYAML("", sample...)
	if err != nil {
		t.Fatal(err)
	}
	golden.Assert(t, filepath.Join("testdata", "index.yaml.golden"), got)
}

func TestArchive_Loadable(t *testing.T) {
	t.Parallel()
	for _, c := range sample {
		b, err := Archive(c)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := loader.LoadArchive(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("LoadArchive(%s): %v", c.Name, err)
		}
		if ch.Metadata.Name != c.Name || ch.Metadata.Version != c.Version || ch.Metadata.AppVersion != c.AppVersion || ch.Metadata.Deprecated != c.Deprecated {
			t.Errorf("loaded %+v, want %+v", ch.Metadata, c)
		}
		if len(ch.Templates) != 1 {
			t.Errorf("templates = %d, want 1", len(ch.Templates))
		}
		b2, _ := Archive(c)
		if !bytes.Equal(b, b2) {
			t.Errorf("Archive(%s) is not deterministic", c.Name)
		}
	}
}

func TestServer(t *testing.T) {
	t.Parallel()
	srv := NewWithOptions(t, Options{Path: "/stable", Username: "u", Password: "p"}, sample...)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("u:p"))
	do := func(path string, hdr ...string) (*http.Response, []byte) {
		t.Helper()
		return roundtrip.Do(t, nil, http.MethodGet, srv.ServerURL()+path, append([]string{"Authorization", basic}, hdr...)...)
	}
	resp, body := do("/stable/index.yaml")
	if resp.StatusCode != 200 || !bytes.Equal(body, srv.Index()) {
		t.Fatalf("index: status %d", resp.StatusCode)
	}
	etag := resp.Header.Get("ETag")
	if resp, _ := do("/stable/index.yaml", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional: status %d, want 304", resp.StatusCode)
	}
	if resp, _ := do("/stable/index.yaml", "If-Modified-Since", resp.Header.Get("Last-Modified")); resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-Modified-Since: status %d, want 304", resp.StatusCode)
	}
	if resp, b := do("/stable/charts/podinfo-6.5.0.tgz"); resp.StatusCode != 200 {
		t.Errorf("chart: status %d", resp.StatusCode)
	} else if _, err := loader.LoadArchive(bytes.NewReader(b)); err != nil {
		t.Errorf("served chart: %v", err)
	}
	if err := srv.Add(Chart{Name: "podinfo", Version: "6.11.0"}); err != nil {
		t.Fatal(err)
	}
	if resp, _ := do("/stable/index.yaml", "If-None-Match", etag); resp.StatusCode != 200 {
		t.Errorf("after Add: status %d, want 200", resp.StatusCode)
	}
	if got, want := srv.Requests("/stable/index.yaml"), 4; got != want {
		t.Errorf("Requests = %d, want %d", got, want)
	}
	if got := srv.NotModified("/stable/index.yaml"); got != 2 {
		t.Errorf("NotModified = %d, want 2", got)
	}
	if got, want := srv.BodyBytes("/stable/index.yaml"), int64(len(body)+len(srv.Index())); got != want {
		t.Errorf("BodyBytes = %d, want %d", got, want)
	}
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/index.yaml", nil)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous: %v %v, want 401", resp, err)
	} else {
		resp.Body.Close()
	}
}

func TestWriteRepo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := WriteRepo(dir, sample...); err != nil {
		t.Fatal(err)
	}
	idx, err := os.ReadFile(filepath.Join(dir, "index.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := IndexYAML("", sample...)
	if !bytes.Equal(idx, want) {
		t.Error("WriteRepo index differs from IndexYAML")
	}
	if _, err := loader.Load(filepath.Join(dir, "charts", "legacy-1.0.tgz")); err != nil {
		t.Errorf("load written chart: %v", err)
	}
}
