package evidence_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/httpx"
)

func TestFetcher_tooLarge(t *testing.T) {
	t.Parallel()
	repo, rels, reg, r100, r200 := serveDemo(t)
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client(), MaxArchiveSize: 64})

	for _, tc := range []struct {
		name string
		src  chart.Source
		rel  chart.Release
	}{
		{"helm", repo.source(), rels["2.0.0"]},
		{"oci", reg.source("demo"), r200},
	} {
		_, err := f.Archive(context.Background(), tc.src, "demo", tc.rel)
		if !errors.Is(err, datasource.ErrTooLarge) {
			t.Errorf("%s: Archive() error = %v, want ErrTooLarge", tc.name, err)
		}
	}
	if n := reg.count.matching("/blobs/"); n != 0 {
		t.Errorf("oci: %d blob requests, want 0: an oversized layer is not downloaded", n)
	}

	ev := evidence.Analyze(context.Background(), f, update(reg.source("demo"), r100, r200), evidence.Options{})
	if n := reg.count.matching("/blobs/"); n != 0 {
		t.Errorf("oci: %d blob requests after Analyze, want 0", n)
	}
	if !ev.NotFetched || !strings.Contains(strings.Join(ev.Notes, "\n"), "over the size limit: ") || !strings.Contains(strings.Join(ev.Notes, "\n"), "(not downloaded)") {
		t.Errorf("Notes = %q, NotFetched = %v, want the archives reported as not downloaded", ev.Notes, ev.NotFetched)
	}
	if !strings.Contains(ev.RiskLine(), "evidence incomplete") || !strings.Contains(ev.Markdown(), "not downloaded") {
		t.Errorf("RiskLine() = %q; Markdown:\n%s", ev.RiskLine(), ev.Markdown())
	}

	// What the index says is still checked without the archives.
	ev = evidence.Analyze(context.Background(), f, update(repo.source(), rels["1.0.0"], rels["2.0.0"]), evidence.Options{})
	if len(ev.Kube) != 1 || ev.Kube[0].OK || !ev.NotFetched {
		t.Errorf("helm without archives: Kube = %+v, NotFetched = %v; want the index's kubeVersion checked", ev.Kube, ev.NotFetched)
	}
	if n := repo.count.matching(".tgz"); n != 2 {
		t.Errorf("helm: %d archive requests, want 2 (each tried once, none twice)", n)
	}
}

func TestFetcher_warmCacheDownloadsNothing(t *testing.T) {
	t.Parallel()
	repo, rels, reg, r100, r200 := serveDemo(t)
	// Separate cache directories: the helm archives and the OCI layers are
	// the same bytes, which one shared content-addressed cache would serve
	// from either source.
	dir, ociDir := t.TempDir(), t.TempDir()
	run := func() []byte {
		f := evidence.NewFetcher(evidence.FetcherOptions{Client: client(), CacheDir: dir})
		fo := evidence.NewFetcher(evidence.FetcherOptions{Client: client(), CacheDir: ociDir})
		var all []byte
		for _, r := range []chart.Release{rels["1.0.0"], rels["2.0.0"]} {
			b, err := f.Archive(context.Background(), repo.source(), "demo", r)
			if err != nil {
				t.Fatalf("helm Archive(%s): %v", r.Version, err)
			}
			all = append(all, b...)
		}
		for _, r := range []chart.Release{r100, r200} {
			b, err := fo.Archive(context.Background(), reg.source("demo"), "demo", r)
			if err != nil {
				t.Fatalf("oci Archive(%s): %v", r.Version, err)
			}
			all = append(all, b...)
		}
		return all
	}
	cold := run()
	if n := repo.count.matching(".tgz"); n != 2 {
		t.Errorf("cold run: %d archive requests, want 2", n)
	}
	if n := reg.count.matching("/blobs/"); n != 2 {
		t.Errorf("cold run: %d blob requests, want 2", n)
	}
	repo.count.reset()
	reg.count.reset()
	warm := run()
	if !bytes.Equal(cold, warm) {
		t.Error("warm run returned different archives")
	}
	if n := repo.count.matching(".tgz"); n != 0 {
		t.Errorf("warm run: %d archive requests to the helm repository, want 0", n)
	}
	if n := reg.count.matching("/"); n != 0 {
		t.Errorf("warm run: %d requests to the registry, want 0", n)
	}

	// A cached file that does not match its digest is never served.
	var files []string
	_ = filepath.WalkDir(filepath.Join(dir, "charts"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("nothing cached")
	}
	for _, p := range files {
		if err := os.WriteFile(p, []byte("tampered"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	repo.count.reset()
	if !bytes.Equal(run(), cold) {
		t.Error("run over a tampered cache returned different archives")
	}
	if n := repo.count.matching(".tgz"); n != 2 {
		t.Errorf("tampered cache: %d archive requests, want 2 (re-downloaded)", n)
	}
}

// TestFetcher_noSecondCopy: an archive the Fetcher keeps by digest is not
// kept a second time by the response cache of the client it is given
// (httpx's, which stores any response with an ETag).
func TestFetcher_noSecondCopy(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo100)
	rels := repo.releases(t, "demo")
	respCache, archiveCache := t.TempDir(), t.TempDir()
	c := httpx.New(httpx.Options{CacheDir: respCache, MaxAttempts: 1})
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: c, CacheDir: archiveCache})
	if _, err := f.Archive(context.Background(), repo.source(), "demo", rels["1.0.0"]); err != nil {
		t.Fatal(err)
	}
	var stored []string
	_ = filepath.WalkDir(respCache, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			stored = append(stored, p)
		}
		return nil
	})
	if len(stored) != 0 {
		t.Errorf("the response cache kept %d files besides the archive cache: %v", len(stored), stored)
	}
}

func TestFetcher_onceEachConcurrently(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo100, demo200)
	rels := repo.releases(t, "demo")
	reg := newOCIRegistry(t)
	r200 := reg.push(t, demo200)
	r200.Digest = "" // by tag: the manifest is resolved once too
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: client(), Concurrency: 2})
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for range 8 {
		for _, c := range []struct {
			src chart.Source
			rel chart.Release
		}{{repo.source(), rels["1.0.0"]}, {repo.source(), rels["2.0.0"]}, {reg.source("demo"), r200}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := f.Archive(context.Background(), c.src, "demo", c.rel)
				errs <- err
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("Archive: %v", err)
		}
	}
	for _, p := range []string{"GET /charts/demo-1.0.0.tgz", "GET /charts/demo-2.0.0.tgz"} {
		if n := repo.count.get(p); n != 1 {
			t.Errorf("%s: %d requests, want 1", p, n)
		}
	}
	if n := reg.count.matching("GET /v2/charts/demo/blobs/"); n != 1 {
		t.Errorf("oci blob GETs = %d, want 1", n)
	}
	if n := reg.count.matching("GET /v2/charts/demo/manifests/"); n != 1 {
		t.Errorf("oci manifest GETs = %d, want 1", n)
	}
}

func TestFetcher_digestMismatch(t *testing.T) {
	t.Parallel()
	repo := newHelmRepo(t, demo100)
	rel := repo.releases(t, "demo")["1.0.0"]
	rel.Digest = strings.Repeat("ab", 32)
	_, err := evidence.NewFetcher(evidence.FetcherOptions{Client: client()}).Archive(context.Background(), repo.source(), "demo", rel)
	if !errors.Is(err, datasource.ErrInvalid) {
		t.Errorf("Archive() error = %v, want ErrInvalid (digest mismatch)", err)
	}
}

func TestFetcher_credentialsStayOnTheirHost(t *testing.T) {
	t.Parallel()
	archives := newHelmRepo(t, demo100) // another host serving the archive
	var mu sync.Mutex
	var sawAuth []string
	seen := func(h string) {
		mu.Lock()
		sawAuth = append(sawAuth, h)
		mu.Unlock()
	}
	repo := newHelmRepo(t, demo100)
	rel := repo.releases(t, "demo")["1.0.0"]
	creds := func(string) (string, string, bool) { return "user", "s3cret", true }
	f := evidence.NewFetcher(evidence.FetcherOptions{Client: recordingClient{seen: seen}.client(), HelmCredentials: creds})
	if _, err := f.Archive(context.Background(), repo.source(), "demo", rel); err != nil {
		t.Fatal(err)
	}
	foreign := rel
	foreign.URLs = []string{archives.URL + "/charts/demo-1.0.0.tgz"}
	foreign.Version = "1.0.0-foreign"
	if _, err := f.Archive(context.Background(), repo.source(), "demo", foreign); err != nil {
		t.Fatal(err)
	}
	if len(sawAuth) != 2 || sawAuth[0] == "" || sawAuth[1] != "" {
		t.Errorf("Authorization per request = %q, want set for the repository's host only", sawAuth)
	}
}
