package evidence_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	ggcrregistry "github.com/google/go-containerregistry/pkg/registry"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/versioning"
)

// fixture is one chart version: its Chart.yaml fields and extra files.
type fixture struct {
	name, version, appVersion, kubeVersion string
	changes                                string
	deprecated                             bool
	files                                  map[string]string // path inside the chart dir → content
}

func (f fixture) chartYAML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: v2\nname: %s\nversion: %s\nappVersion: %q\ntype: application\n", f.name, f.version, f.appVersion)
	fmt.Fprintf(&b, "home: https://example.com/%s\nsources:\n  - https://github.com/example/helm-charts/tree/main/charts/%s\n", f.name, f.name)
	if f.kubeVersion != "" {
		fmt.Fprintf(&b, "kubeVersion: %q\n", f.kubeVersion)
	}
	if f.deprecated {
		b.WriteString("deprecated: true\n")
	}
	if f.changes != "" {
		b.WriteString("annotations:\n  artifacthub.io/changes: |\n")
		for _, l := range strings.Split(strings.TrimRight(f.changes, "\n"), "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
	return b.String()
}

// tgz builds the chart archive, deterministic (sorted names, fixed times).
func (f fixture) tgz(t testing.TB) []byte {
	t.Helper()
	files := map[string]string{"Chart.yaml": f.chartYAML()}
	for k, v := range f.files {
		files[k] = v
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, n := range names {
		hdr := &tar.Header{Name: f.name + "/" + n, Mode: 0o644, Size: int64(len(files[n])), ModTime: time.Unix(0, 0), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(files[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// counter counts requests per URL path.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		if c.n == nil {
			c.n = map[string]int{}
		}
		c.n[r.Method+" "+r.URL.Path]++
		c.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

func (c *counter) get(key string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[key]
}

// matching counts requests whose "METHOD path" contains sub.
func (c *counter) matching(sub string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for k, v := range c.n {
		if strings.Contains(k, sub) {
			n += v
		}
	}
	return n
}

func (c *counter) reset() {
	c.mu.Lock()
	c.n = nil
	c.mu.Unlock()
}

// helmRepo is a Helm HTTP repository on loopback: index.yaml (in the
// layout `helm repo index` writes, relative urls) plus the archives.
type helmRepo struct {
	URL   string
	count counter
	files map[string][]byte
}

func newHelmRepo(t *testing.T, fs ...fixture) *helmRepo {
	t.Helper()
	r := &helmRepo{files: map[string][]byte{}}
	var idx strings.Builder
	idx.WriteString("apiVersion: v1\nentries:\n")
	byName := map[string][]fixture{}
	var names []string
	for _, f := range fs {
		if _, ok := byName[f.name]; !ok {
			names = append(names, f.name)
		}
		byName[f.name] = append(byName[f.name], f)
	}
	for _, n := range names {
		fmt.Fprintf(&idx, "  %s:\n", n)
		for _, f := range byName[n] {
			b := f.tgz(t)
			file := fmt.Sprintf("%s-%s.tgz", f.name, f.version)
			r.files["/charts/"+file] = b
			sum := sha256.Sum256(b)
			fmt.Fprintf(&idx, "  - apiVersion: v2\n    name: %s\n    version: %s\n    appVersion: %q\n", f.name, f.version, f.appVersion)
			if f.kubeVersion != "" {
				fmt.Fprintf(&idx, "    kubeVersion: %q\n", f.kubeVersion)
			}
			if f.changes != "" {
				js, _ := json.Marshal(f.changes)
				fmt.Fprintf(&idx, "    annotations:\n      artifacthub.io/changes: %s\n", js)
			}
			fmt.Fprintf(&idx, "    created: \"2024-01-01T00:00:00Z\"\n    digest: %s\n    urls:\n    - charts/%s\n", hex.EncodeToString(sum[:]), file)
		}
	}
	idx.WriteString("generated: \"2024-01-01T00:00:00Z\"\n")
	r.files["/index.yaml"] = []byte(idx.String())
	srv := httptest.NewServer(r.count.wrap(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, ok := r.files[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		sum := sha256.Sum256(b)
		w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:8])+`"`) // as static hosts send
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		_, _ = w.Write(b)
	})))
	t.Cleanup(srv.Close)
	r.URL = srv.URL
	return r
}

func (r *helmRepo) source() chart.Source { return chart.Source{Kind: chart.SourceHelm, URL: r.URL} }

// releases lists the chart's releases through bosun's own index reader.
func (r *helmRepo) releases(t *testing.T, name string) map[string]chart.Release {
	t.Helper()
	rs, err := helmrepo.New(client(), helmrepo.Options{}).Releases(context.Background(), r.source(), name)
	if err != nil {
		t.Fatalf("Releases: %v", err)
	}
	out := map[string]chart.Release{}
	for _, x := range rs {
		out[x.Version] = x
	}
	return out
}

// serveDemo serves demo 1.0.0 and 2.0.0 from a Helm repository and from an
// OCI registry: the repository with its releases by version, and the
// registry with the releases of its two pushes.
func serveDemo(t *testing.T) (repo *helmRepo, rels map[string]chart.Release, reg *ociRegistry, r100, r200 chart.Release) {
	t.Helper()
	repo = newHelmRepo(t, demo100, demo200)
	reg = newOCIRegistry(t)
	return repo, repo.releases(t, "demo"), reg, reg.push(t, demo100), reg.push(t, demo200)
}

// client talks to loopback only: no proxy from the environment.
func client() *http.Client { return &http.Client{Transport: &http.Transport{}} }

// ociRegistry is go-containerregistry's registry on loopback, with charts
// pushed as `helm push` lays them out.
type ociRegistry struct {
	Host  string
	count counter
}

func newOCIRegistry(t *testing.T) *ociRegistry {
	t.Helper()
	r := &ociRegistry{}
	h := ggcrregistry.New(ggcrregistry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(r.count.wrap(h))
	t.Cleanup(srv.Close)
	r.Host = strings.TrimPrefix(srv.URL, "http://")
	return r
}

func (r *ociRegistry) source(name string) chart.Source {
	return chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Host + "/charts/" + name}
}

// push pushes f and returns its release (tag and manifest digest), as a
// described OCI listing would.
func (r *ociRegistry) push(t *testing.T, f fixture) chart.Release {
	t.Helper()
	ctx := context.Background()
	rp, err := remote.NewRepository(r.Host + "/charts/" + f.name)
	if err != nil {
		t.Fatal(err)
	}
	rp.PlainHTTP = true
	rp.Client = client()
	meta := map[string]any{"apiVersion": "v2", "name": f.name, "version": f.version, "appVersion": f.appVersion}
	if f.changes != "" {
		meta["annotations"] = map[string]string{"artifacthub.io/changes": f.changes}
	}
	cfg, _ := json.Marshal(meta)
	tag := versioning.ToTag(f.version)
	md, err := chartbuild.Push(ctx, rp, tag, chartbuild.Artifact{
		ConfigMediaType: versioning.HelmConfigMediaType, Config: cfg,
		LayerMediaType: versioning.HelmChartMediaType, Layer: f.tgz(t),
		ManifestMediaType: ocispec.MediaTypeImageManifest,
	})
	if err != nil {
		t.Fatal(err)
	}
	r.count.reset()
	return chart.Release{Version: f.version, Tag: tag, AppVersion: f.appVersion, Digest: md.Digest.String(), Changes: f.changes, Described: true}
}

// recordingClient reports the Authorization header of every request.
type recordingClient struct{ seen func(auth string) }

func (c recordingClient) client() *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		c.seen(r.Header.Get("Authorization"))
		return (&http.Transport{}).RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
