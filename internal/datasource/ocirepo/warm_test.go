package ocirepo_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	helmchart "helm.sh/helm/v3/pkg/chart"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

const warmRepo = "org/charts/app"

// run is one bosun run: a new httpx client and a new Source over the same
// cache directory, Releases then Describe of the newest two.
type run struct {
	r      *ocitest.Registry
	dir    string
	getenv func(string) string
}

func (w run) do(t *testing.T) []chart.Release {
	t.Helper()
	client := httpx.New(httpx.Options{CacheDir: w.dir, MaxAttempts: 1, Transport: w.r.Client().Transport})
	getenv := w.getenv
	if getenv == nil {
		getenv = noEnv
	}
	s := ocirepo.New(ocirepo.Options{Client: client, Getenv: getenv, CacheDir: w.dir, TagPageSize: 10})
	ctx := context.Background()
	rels, err := s.Releases(ctx, src(w.r, warmRepo), "app")
	if err != nil {
		t.Fatalf("Releases: %v", err)
	}
	var out []chart.Release
	for _, rel := range rels[:2] {
		d, err := s.Describe(ctx, src(w.r, warmRepo), "app", rel)
		if err != nil {
			t.Fatalf("Describe %s: %v", rel.Version, err)
		}
		out = append(out, d)
	}
	return out
}

func pushApps(t *testing.T, r *ocitest.Registry, n int) {
	t.Helper()
	for i := range n {
		r.PushChart(t, warmRepo, "app", fmt.Sprintf("0.%d.0", i), t0.Add(time.Duration(i)*time.Hour), "1.0")
	}
}

// coldCounts is a cold run over 25 tags in pages of 10: the challenge, one
// anonymous token, 3 pages, 2 manifests and 2 config blobs.
var coldCounts = ocitest.Counts{Token: 1, Tags: 1 + 3, ManifestGet: 2, BlobGet: 2, Unauthorized: 1}

// Registry tokens are kept in memory only, so every run, warm or cold,
// begins with the challenge and one token exchange: these are the requests
// (tokenCounts) and response bodies (tokenBodies) that costs.
var (
	tokenCounts = ocitest.Counts{Token: 1, Tags: 1, Unauthorized: 1}
	tokenBodies = ocitest.Counts{Token: 1, Tags: 1, Unauthorized: 1}
)

// plus adds counts.
func plus(a, b ocitest.Counts) ocitest.Counts {
	a.Token += b.Token
	a.Tags += b.Tags
	a.ManifestGet += b.ManifestGet
	a.BlobGet += b.BlobGet
	a.Unauthorized += b.Unauthorized
	a.NotModified += b.NotModified
	return a
}

// assertCounts compares every request, and the requests that carried a
// response body, with want.
func assertCounts(t *testing.T, r *ocitest.Registry, want, wantBodies ocitest.Counts) {
	t.Helper()
	if diff := cmp.Diff(want, r.TotalCounts()); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantBodies, r.TotalBodyCounts()); diff != "" {
		t.Errorf("body Counts mismatch (-want +got):\n%s", diff)
	}
	r.ResetRequests()
}

func TestSource_warmRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		validators bool
		want       ocitest.Counts
		wantBodies ocitest.Counts
	}{
		{
			// Tag pages and manifests revalidated (304), config blobs from
			// disk: no response body beyond the token exchange.
			name:       "tag list validators",
			validators: true,
			want:       plus(tokenCounts, ocitest.Counts{Tags: 3, ManifestGet: 2, NotModified: 3 + 2}),
			wantBodies: tokenBodies,
		},
		{
			// distribution sends no validators on tags/list: the pages come
			// again; manifests are still revalidated.
			name:       "no tag list validators",
			want:       plus(tokenCounts, ocitest.Counts{Tags: 3, ManifestGet: 2, NotModified: 2}),
			wantBodies: plus(tokenBodies, ocitest.Counts{Tags: 3}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []ocitest.Option
			if tt.validators {
				opts = append(opts, ocitest.WithTagListValidators())
			}
			r := ocitest.New(t, opts...)
			pushApps(t, r, 25)
			w := run{r: r, dir: t.TempDir()}

			cold := w.do(t)
			coldBodies := coldCounts // every cold response has a body
			assertCounts(t, r, coldCounts, coldBodies)

			warm := w.do(t)
			assertCounts(t, r, tt.want, tt.wantBodies)
			if diff := cmp.Diff(cold, warm); diff != "" {
				t.Errorf("warm run differs from cold (-cold +warm):\n%s", diff)
			}
			if warm[0].Version != "0.24.0" || warm[0].AppVersion != "1.0" || !warm[0].Created.Equal(t0.Add(24*time.Hour)) {
				t.Errorf("warm Describe = %+v", warm[0])
			}
		})
	}
}

// TestSource_warmRun_noStaleData: a warm run after the registry changed sees
// the change; the cache only ever saves the bodies the registry confirms.
func TestSource_warmRun_noStaleData(t *testing.T) {
	t.Parallel()
	for _, validators := range []bool{true, false} {
		t.Run(fmt.Sprintf("validators=%v", validators), func(t *testing.T) {
			t.Parallel()
			var opts []ocitest.Option
			if validators {
				opts = append(opts, ocitest.WithTagListValidators())
			}
			r := ocitest.New(t, opts...)
			pushApps(t, r, 25)
			w := run{r: r, dir: t.TempDir()}
			w.do(t)
			r.ResetRequests()

			// A new version, and 0.24.0's tag moved to a rebuilt chart.
			newDigest := r.PushChart(t, warmRepo, "app", "0.25.0", t0.Add(48*time.Hour), "2.0")
			moved := r.PushChartMeta(t, warmRepo, &helmchart.Metadata{
				APIVersion: "v2", Name: "app", Version: "0.24.0", AppVersion: "1.1",
			}, t0.Add(47*time.Hour))
			got := w.do(t)
			want := []chart.Release{
				{Version: "0.25.0", Tag: "0.25.0", Created: t0.Add(48 * time.Hour), AppVersion: "2.0", Digest: newDigest, Described: true},
				{Version: "0.24.0", Tag: "0.24.0", Created: t0.Add(47 * time.Hour), AppVersion: "1.1", Digest: moved, Described: true},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("warm run after changes (-want +got):\n%s", diff)
			}
			// Lexically, 0.25.0 lands in page 2, which changes, and so does
			// page 3 (it starts after another tag); page 1 is unchanged. Both
			// manifests changed and come with bodies, with their new config
			// blobs.
			c := r.TotalCounts()
			b := r.TotalBodyCounts()
			wantC := plus(tokenCounts, ocitest.Counts{Tags: 3, ManifestGet: 2, BlobGet: 2})
			wantB := plus(tokenBodies, ocitest.Counts{Tags: 3, ManifestGet: 2, BlobGet: 2})
			if validators {
				wantC.NotModified = 1
				wantB.Tags = tokenBodies.Tags + 2
			}
			if diff := cmp.Diff(wantC, c); diff != "" {
				t.Errorf("Counts mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantB, b); diff != "" {
				t.Errorf("body Counts mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSource_warmRun_tokens: registry tokens never reach the cache
// directory (the Action saves it with actions/cache, which pull-request runs
// of forks can restore), so a warm run exchanges a token again; a revoked
// token costs nothing extra.
func TestSource_warmRun_tokens(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		between func(r *ocitest.Registry)
	}{
		{name: "warm"},
		{name: "revoked", between: func(r *ocitest.Registry) { r.RevokeTokens() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ocitest.New(t, ocitest.WithTagListValidators())
			pushApps(t, r, 25)
			w := run{r: r, dir: t.TempDir()}
			w.do(t)
			assertCounts(t, r, coldCounts, coldCounts)
			if tt.between != nil {
				tt.between(r)
			}
			w.do(t)
			if first := r.Requests()[0]; first.Authorized {
				t.Errorf("first request of the warm run carries a token from an earlier run: %+v", first)
			}
			assertCounts(t, r, plus(tokenCounts, ocitest.Counts{Tags: 3, ManifestGet: 2, NotModified: 3 + 2}), tokenBodies)
			assertNoTokens(t, w.dir)
		})
	}
}

// assertNoTokens fails when anything under dir holds a bearer token (a JWT)
// or a file or directory for tokens.
func assertNoTokens(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "oci", "tokens")); !os.IsNotExist(err) {
		t.Errorf("%s/oci/tokens exists (err %v)", dir, err)
	}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if jwtLike.Match(b) {
			t.Errorf("%s holds a bearer token", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// jwtLike matches a JWS compact serialization such as the registry's tokens.
var jwtLike = regexp.MustCompile(`eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

func TestSource_warmRun_credentials(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("alice", "alice-secret-pw"),
		ocitest.WithUser("bob", "bob-secret-pw"), ocitest.WithTagListValidators())
	pushApps(t, r, 25)
	dir := t.TempDir()
	as := func(user string) run {
		cfg := dockerConfig(t, r.Host(), user, user+"-secret-pw", "")
		return run{r: r, dir: dir, getenv: env(map[string]string{"DOCKER_CONFIG": cfg})}
	}
	as("alice").do(t)
	assertCounts(t, r, coldCounts, coldCounts)
	// Bob's run may use the entries alice's run stored (after a 304 to bob's
	// own token) but never alice's token. Every run exchanges its own token.
	warm := plus(tokenCounts, ocitest.Counts{Tags: 3, ManifestGet: 2, NotModified: 3 + 2})
	as("bob").do(t)
	assertCounts(t, r, warm, tokenBodies)
	as("alice").do(t)
	assertCounts(t, r, warm, tokenBodies)
	// Anonymous is refused here: a stored token of a user must not help it.
	client := httpx.New(httpx.Options{CacheDir: dir, MaxAttempts: 1, Transport: r.Client().Transport})
	_, err := ocirepo.New(ocirepo.Options{Client: client, Getenv: noEnv, CacheDir: dir}).Releases(context.Background(), src(r, warmRepo), "app")
	if err == nil {
		t.Fatal("anonymous Releases succeeded with a cache written by users")
	}

	// Nothing on disk holds a password, a Basic header, or lets others read it.
	secrets := []string{"alice-secret-pw", "bob-secret-pw",
		base64.StdEncoding.EncodeToString([]byte("alice:alice-secret-pw")),
		base64.StdEncoding.EncodeToString([]byte("bob:bob-secret-pw"))}
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.Contains(p, "oci") && info.Mode().Perm() != 0o700 {
				t.Errorf("%s: mode %v, want 0700", p, info.Mode().Perm())
			}
			return nil
		}
		if info.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, info.Mode().Perm())
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range secrets {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%s holds a credential", p)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	assertNoTokens(t, dir)
}

func TestSource_blobCache_corrupt(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	pushApps(t, r, 3)
	w := run{r: r, dir: t.TempDir()}
	want := w.do(t)
	blobs := files(t, filepath.Join(w.dir, "oci", "blobs", "sha256"), "")
	if len(blobs) != 2 {
		t.Fatalf("cached blobs = %v, want 2", blobs)
	}
	if err := os.WriteFile(blobs[0], []byte(`{"appVersion":"forged"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r.ResetRequests()
	got := w.do(t)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("run over a corrupt blob (-want +got):\n%s", diff)
	}
	if c := r.TotalCounts(); c.BlobGet != 1 {
		t.Errorf("blob GETs = %d, want 1 (the corrupt one, again)", c.BlobGet)
	}
	r.ResetRequests()
	w.do(t)
	if c := r.TotalCounts(); c.BlobGet != 0 {
		t.Errorf("blob GETs = %d after repair, want 0", c.BlobGet)
	}
}

// files lists the regular files in dir whose names end in suffix, ignoring
// temp files.
func files(t *testing.T, dir, suffix string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Type().IsRegular() && strings.HasSuffix(e.Name(), suffix) && !strings.HasPrefix(e.Name(), ".tmp-") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// TestSource_warmRun_concurrent: many repositories listed and described at
// once, as the app does, share one token per scope, and one revalidation
// per tag page and manifest, on the warm run too.
func TestSource_warmRun_concurrent(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithTagListValidators())
	const repos = 6
	for i := range repos {
		for _, v := range []string{"1.0.0", "1.1.0"} {
			// Distinct config blobs: the blob cache would share equal ones.
			r.PushChart(t, fmt.Sprintf("c%d", i), "c", v, t0, fmt.Sprintf("app-%d", i))
		}
	}
	dir := t.TempDir()
	runAll := func() {
		client := httpx.New(httpx.Options{CacheDir: dir, MaxAttempts: 1, Transport: r.Client().Transport})
		s := datasource.New(nil, ocirepo.New(ocirepo.Options{Client: client, Getenv: noEnv, CacheDir: dir}))
		var wg sync.WaitGroup
		for i := range repos * 3 { // each repository from 3 goroutines
			wg.Go(func() {
				source := src(r, fmt.Sprintf("c%d", i%repos))
				rels, err := s.Releases(context.Background(), source, "c")
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Describe(context.Background(), source, "c", rels[0]); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
	}
	runAll()
	assertCounts(t, r,
		ocitest.Counts{Token: repos, Tags: 2 * repos, ManifestGet: repos, BlobGet: repos, Unauthorized: repos},
		ocitest.Counts{Token: repos, Tags: 2 * repos, ManifestGet: repos, BlobGet: repos, Unauthorized: repos})
	runAll()
	assertCounts(t, r,
		ocitest.Counts{Token: repos, Tags: 2 * repos, ManifestGet: repos, NotModified: 2 * repos, Unauthorized: repos},
		ocitest.Counts{Token: repos, Tags: repos, Unauthorized: repos})
}
