package ocirepo_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	helmchart "helm.sh/helm/v3/pkg/chart"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// noEnv is a Getenv for tests: no variable is set.
func noEnv(string) string { return "" }

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func src(r *ocitest.Registry, repo string) chart.Source {
	return chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Ref(repo)}
}

func newSource(r *ocitest.Registry, o ocirepo.Options) *ocirepo.Source {
	if o.Client == nil {
		o.Client = r.Client()
	}
	if o.Getenv == nil && o.Credentials == nil {
		o.Getenv = noEnv
	}
	return ocirepo.New(o)
}

// versions returns Version/Tag pairs, the part of undescribed releases tests compare.
func versions(rels []chart.Release) [][2]string {
	out := make([][2]string, 0, len(rels))
	for _, r := range rels {
		out = append(out, [2]string{r.Version, r.Tag})
	}
	return out
}

func TestSource_Releases(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	for _, v := range []string{"1.0.0", "1.10.0", "1.2.0", "2.0.0-rc.1", "1.2.0+build.2", "1.2.0+build.10", "v3.0.0"} {
		r.PushChart(t, "charts/app", "app", v, t0, "")
	}
	r.PushChart(t, "charts/app", "app", "1.2", t0, "") // two parts: not a Flux version
	r.PushImage(t, "charts/app", "latest")
	r.PushImage(t, "charts/app", "sha-abc123")

	s := newSource(r, ocirepo.Options{})
	got, err := s.Releases(context.Background(), src(r, "charts/app"), "app")
	if err != nil {
		t.Fatalf("Releases: %v", err)
	}
	want := [][2]string{
		{"v3.0.0", "v3.0.0"},
		{"2.0.0-rc.1", "2.0.0-rc.1"},
		{"1.10.0", "1.10.0"},
		{"1.2.0+build.2", "1.2.0_build.2"}, // equal precedence: tag order, descending
		{"1.2.0+build.10", "1.2.0_build.10"},
		{"1.2.0", "1.2.0"},
		{"1.0.0", "1.0.0"},
	}
	if diff := cmp.Diff(want, versions(got)); diff != "" {
		t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
	}
	for _, rel := range got {
		if rel.Described {
			t.Errorf("release %s is Described", rel.Version)
		}
	}
}

func TestReleasesFromTags_order(t *testing.T) {
	t.Parallel()
	// Any registry order gives the same result (GHCR lists oldest first).
	tags := []string{"0.9.0", "1.0.0", "1.1.0-alpha.1", "1.1.0", "10.0.0", "2.0.0"}
	want := [][2]string{{"10.0.0", "10.0.0"}, {"2.0.0", "2.0.0"}, {"1.1.0", "1.1.0"}, {"1.1.0-alpha.1", "1.1.0-alpha.1"}, {"1.0.0", "1.0.0"}, {"0.9.0", "0.9.0"}}
	orders := map[string][]string{
		"lexical":  tags,
		"reversed": {"2.0.0", "10.0.0", "1.1.0", "1.1.0-alpha.1", "1.0.0", "0.9.0"},
		"shuffled": {"1.1.0", "0.9.0", "10.0.0", "1.1.0-alpha.1", "2.0.0", "1.0.0"},
	}
	for name, order := range orders {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone), ocitest.WithMiddleware(serveTags("a", order, 2)))
			got, err := newSource(r, ocirepo.Options{}).Releases(context.Background(), src(r, "a"), "a")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, versions(got)); diff != "" {
				t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
			}
			if c := r.Counts("a").Tags; c != 3 {
				t.Errorf("tag pages read = %d, want 3", c)
			}
		})
	}
}

// serveTags answers tag listings of repo from order, in that order, pageSize
// tags per page with a relative Link to the next page, the way registries
// that ignore lexical order (GHCR) do.
func serveTags(repo string, order []string, pageSize int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if req.URL.Path != "/v2/"+repo+"/tags/list" {
				next.ServeHTTP(w, req)
				return
			}
			start := 0
			if last := req.URL.Query().Get("last"); last != "" {
				start, _ = strconv.Atoi(last)
			}
			end := min(start+pageSize, len(order))
			if end < len(order) {
				w.Header().Set("Link", fmt.Sprintf(`</v2/%s/tags/list?last=%d>; rel="next"`, repo, end))
			}
			w.Header().Set("Content-Type", "application/json")
			_ = json.NewEncoder(w).Encode(map[string]any{"name": repo, "tags": order[start:end]})
		})
	}
}

func TestSource_Releases_pagination(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	var want [][2]string
	for i := 34; i >= 0; i-- { // 35 tags, lexical order differs from semver order
		v := fmt.Sprintf("1.%d.0", i)
		want = append(want, [2]string{v, v})
	}
	for i := range 35 {
		r.PushChart(t, "big", "big", fmt.Sprintf("1.%d.0", i), time.Time{}, "")
	}
	s := newSource(r, ocirepo.Options{TagPageSize: 10})
	got, err := s.Releases(context.Background(), src(r, "big"), "big")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, versions(got)); diff != "" {
		t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
	}
	// 4 pages of at most 10, plus the challenge that starts the token flow.
	if diff := cmp.Diff(ocitest.Counts{Token: 1, Tags: 5, Unauthorized: 1}, r.Counts("big")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
	for _, q := range r.Requests() {
		if q.Kind == ocitest.KindTags && q.Status == http.StatusOK && !strings.Contains(q.Path, "n=10") {
			t.Errorf("page request %s lacks n=10", q.Path)
		}
	}

	t.Run("max pages", func(t *testing.T) {
		t.Parallel()
		s := newSource(r, ocirepo.Options{TagPageSize: 10, MaxTagPages: 2})
		_, err := s.Releases(context.Background(), src(r, "big"), "big")
		assertError(t, err, datasource.ErrTooLarge, false)
	})
}

// assertError checks err is a *datasource.Error wrapping sentinel (nil: any)
// with the given transience.
func assertError(t *testing.T, err, sentinel error, transient bool) {
	t.Helper()
	var de *datasource.Error
	if !errors.As(err, &de) {
		t.Fatalf("error = %v (%T), want *datasource.Error", err, err)
	}
	if sentinel != nil && !errors.Is(err, sentinel) {
		t.Errorf("error = %v, want it to wrap %v", err, sentinel)
	}
	if de.Transient != transient {
		t.Errorf("Transient = %v, want %v (error %v)", de.Transient, transient, err)
	}
}

func TestSource_requestAccounting(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	for i := range 25 {
		r.PushChart(t, "org/charts/app", "app", fmt.Sprintf("0.%d.0", i), t0.Add(time.Duration(i)*time.Hour), "1.0")
	}
	// The run's lookup, as the pipeline gets it: datasource.Memo is the memo.
	s := datasource.New(nil, newSource(r, ocirepo.Options{TagPageSize: 10}))
	ctx := context.Background()
	rels, err := s.Releases(ctx, src(r, "org/charts/app"), "app")
	if err != nil {
		t.Fatal(err)
	}
	for _, rel := range rels[:2] {
		if _, err := s.Describe(ctx, src(r, "org/charts/app"), "app", rel); err != nil {
			t.Fatal(err)
		}
	}
	// Memoized: none of these may reach the registry.
	if _, err := s.Releases(ctx, src(r, "org/charts/app"), "app"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Describe(ctx, src(r, "org/charts/app"), "app", rels[0]); err != nil {
		t.Fatal(err)
	}
	want := ocitest.Counts{
		Token:        1, // one anonymous pull token, cached for every later request
		Tags:         1 + 3,
		ManifestGet:  2,
		BlobGet:      2,
		Unauthorized: 1, // the challenge on the first tag page
	}
	if diff := cmp.Diff(want, r.TotalCounts()); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}

func TestSource_Describe(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	digest := r.PushChartMeta(t, "charts/full", &helmchart.Metadata{
		APIVersion: "v2", Name: "full", Version: "2.1.0+up1", AppVersion: "v9.9", KubeVersion: ">=1.28.0-0",
		Deprecated: true, Annotations: map[string]string{"artifacthub.io/changes": "- kind: fixed\n  description: a bug\n"},
	}, t0)
	plain := r.PushChart(t, "charts/full", "full", "1.0.0", time.Time{}, "")
	img := r.PushImage(t, "charts/full", "3.0.0")

	s := newSource(r, ocirepo.Options{})
	tests := []struct {
		name string
		in   chart.Release
		want chart.Release
	}{
		{
			name: "chart with metadata, tag derived from version",
			in:   chart.Release{Version: "2.1.0+up1"},
			want: chart.Release{
				Version: "2.1.0+up1", Tag: "2.1.0_up1", Created: t0, AppVersion: "v9.9", KubeVersion: ">=1.28.0-0",
				Deprecated: true, Digest: digest, Changes: "- kind: fixed\n  description: a bug\n", Described: true,
			},
		},
		{
			name: "no created annotation",
			in:   chart.Release{Version: "1.0.0", Tag: "1.0.0"},
			want: chart.Release{Version: "1.0.0", Tag: "1.0.0", Digest: plain, Described: true},
		},
		{
			name: "image, not a chart",
			in:   chart.Release{Version: "3.0.0", Tag: "3.0.0"},
			want: chart.Release{Version: "3.0.0", Tag: "3.0.0", Digest: img, NotChart: true, Described: true},
		},
	}
	t.Run("cases", func(t *testing.T) {
		for _, tt := range tests { // sequential, for exact request counts
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Describe(context.Background(), src(r, "charts/full"), "full", tt.in)
				if err != nil {
					t.Fatalf("Describe: %v", err)
				}
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Describe() mismatch (-want +got):\n%s", diff)
				}
			})
		}
	})
	// The chart layer is never downloaded: only the config blobs of the 2
	// charts. The first manifest GET is the challenge before the token.
	want := ocitest.Counts{Token: 1, ManifestGet: 1 + 3, BlobGet: 2, Unauthorized: 1}
	if diff := cmp.Diff(want, r.Counts("charts/full")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}

	t.Run("missing tag", func(t *testing.T) {
		t.Parallel()
		_, err := newSource(r, ocirepo.Options{}).Describe(context.Background(), src(r, "charts/full"), "full", chart.Release{Version: "9.9.9"})
		assertError(t, err, datasource.ErrNotFound, false)
	})
}

func TestSource_errors(t *testing.T) {
	t.Parallel()
	status := func(code int) ocitest.Option {
		return ocitest.WithMiddleware(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if strings.HasSuffix(req.URL.Path, "/tags/list") {
					if code == http.StatusTooManyRequests {
						w.Header().Set("Retry-After", "30")
					}
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(code)
					fmt.Fprintf(w, `{"errors":[{"code":"TOOMANYREQUESTS","message":"status %d"}]}`, code)
					return
				}
				next.ServeHTTP(w, req)
			})
		})
	}
	const secret = "s3cr3t-password"
	tests := []struct {
		name      string
		opts      []ocitest.Option
		repo      string
		cred      *string // password for user "u" in a docker config; nil: none
		sentinel  error
		transient bool
	}{
		{name: "unknown repository", repo: "nope/nothing", sentinel: datasource.ErrNotFound},
		{name: "anonymous refused", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthRequired)}, repo: "a", sentinel: datasource.ErrUnauthorized},
		{name: "bad credentials", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("u", "right")}, repo: "a", cred: new(secret), sentinel: datasource.ErrUnauthorized},
		{name: "rate limited", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthNone), status(http.StatusTooManyRequests)}, repo: "a", sentinel: datasource.ErrRateLimited, transient: true},
		{name: "server error", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthNone), status(http.StatusInternalServerError)}, repo: "a", transient: true},
		{name: "bad gateway", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthNone), status(http.StatusBadGateway)}, repo: "a", transient: true},
		{name: "forbidden", opts: []ocitest.Option{ocitest.WithAuth(ocitest.AuthNone), status(http.StatusForbidden)}, repo: "a", sentinel: datasource.ErrUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ocitest.New(t, tt.opts...)
			r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
			o := ocirepo.Options{}
			if tt.cred != nil {
				o.Getenv = env(map[string]string{"DOCKER_CONFIG": dockerConfig(t, r.Host(), "u", *tt.cred, "")})
			}
			_, err := newSource(r, o).Releases(context.Background(), src(r, tt.repo), "chart")
			assertError(t, err, tt.sentinel, tt.transient)
			if strings.Contains(err.Error(), secret) || strings.Contains(err.Error(), base64.StdEncoding.EncodeToString([]byte("u:"+secret))) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}

	t.Run("network", func(t *testing.T) {
		t.Parallel()
		ln := httptest.NewServer(http.NotFoundHandler())
		addr := ln.Listener.Addr().String()
		ln.Close() // nothing listens there any more
		s := ocirepo.New(ocirepo.Options{Getenv: noEnv})
		_, err := s.Releases(context.Background(), chart.Source{Kind: chart.SourceOCI, URL: "oci://" + addr + "/a"}, "a")
		assertError(t, err, nil, true)
	})

	t.Run("unsupported sources", func(t *testing.T) {
		t.Parallel()
		s := ocirepo.New(ocirepo.Options{Getenv: noEnv})
		for _, u := range []string{"https://charts.example.com", "oci://ghcr.io", "oci://ghcr.io/UPPER/case", "oci://user:pw@ghcr.io/a:1.0.0"} {
			_, err := s.Releases(context.Background(), chart.Source{Kind: chart.SourceOCI, URL: u}, "x")
			assertError(t, err, datasource.ErrUnsupported, false)
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("error leaks userinfo: %v", err)
			}
		}
	})
}

// dockerConfig writes a config.json in a temp dir and returns the dir (the
// DOCKER_CONFIG value). With a password, host gets an auths entry; with a
// helper, host gets credHelpers[host] = helper.
func dockerConfig(t *testing.T, host, user, password, helper string) string {
	t.Helper()
	cfg := map[string]any{}
	if password != "" {
		cfg["auths"] = map[string]any{host: map[string]string{
			"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + password)),
		}}
	}
	if helper != "" {
		cfg["credHelpers"] = map[string]string{host: helper}
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSource_credentials(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("robot", "hunter2"))
	r.PushChart(t, "private/app", "app", "1.0.0", time.Time{}, "")

	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfgDir := dockerConfig(t, r.Host(), "robot", "hunter2", "")
	b, err := os.ReadFile(filepath.Join(cfgDir, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".docker", "config.json"), b, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		env  map[string]string
	}{
		{"DOCKER_CONFIG auths", map[string]string{"DOCKER_CONFIG": cfgDir}},
		{"HOME/.docker auths", map[string]string{"HOME": home}},
		{"DOCKER_CONFIG wins over HOME", map[string]string{"DOCKER_CONFIG": cfgDir, "HOME": t.TempDir()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantPrivateApp(t, newSource(r, ocirepo.Options{Getenv: env(tt.env)}), r)
		})
	}

	t.Run("malformed config", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte("{not json"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := newSource(r, ocirepo.Options{Getenv: env(map[string]string{"DOCKER_CONFIG": dir})}).
			Releases(context.Background(), src(r, "private/app"), "app")
		assertError(t, err, nil, false)
	})
}

func TestDockerCredentials_gitHubToken(t *testing.T) {
	t.Parallel()
	cred, err := ocirepo.DockerCredentials(env(map[string]string{"GITHUB_TOKEN": "ghs_token", "HOME": t.TempDir()}))
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{"ghcr.io": "ghs_token", "ghcr.io:443": "", "docker.io": "", "127.0.0.1:5000": ""} {
		c, err := cred(context.Background(), host)
		if err != nil {
			t.Fatal(err)
		}
		if c.Password != want || (want != "" && c.Username == "") {
			t.Errorf("credential for %s = %q/%q, want password %q", host, c.Username, c.Password, want)
		}
	}
}

// TestSource_credentialHelper runs a docker-credential-* helper found on PATH,
// as `helm registry login` with a credsStore configures. It changes PATH, so
// it cannot run in parallel.
func TestSource_credentialHelper(t *testing.T) {
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("helper-user", "helper-pass"))
	r.PushChart(t, "private/app", "app", "1.0.0", time.Time{}, "")

	bin := t.TempDir()
	script := "#!/bin/sh\nread server\nif [ \"$1\" = get ] && [ \"$server\" = \"" + r.Host() + "\" ]; then\n" +
		"  printf '{\"ServerURL\":\"%s\",\"Username\":\"helper-user\",\"Secret\":\"helper-pass\"}' \"$server\"\n" +
		"  exit 0\nfi\necho 'credentials not found in native keychain'\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-ocitest"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))

	dir := dockerConfig(t, r.Host(), "", "", "ocitest")
	wantPrivateApp(t, newSource(r, ocirepo.Options{Getenv: env(map[string]string{"DOCKER_CONFIG": dir})}), r)
}

// wantPrivateApp checks that s, given credentials, lists private/app on r:
// the one chart the credential tests push, at 1.0.0.
func wantPrivateApp(t *testing.T, s *ocirepo.Source, r *ocitest.Registry) {
	t.Helper()
	got, err := s.Releases(context.Background(), src(r, "private/app"), "app")
	if err != nil {
		t.Fatalf("Releases: %v", err)
	}
	if diff := cmp.Diff([][2]string{{"1.0.0", "1.0.0"}}, versions(got)); diff != "" {
		t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
	}
}

func TestSource_mirror(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("mirror", "mirror-pass"))
	r.PushChart(t, "ghcr.io/x/y", "y", "1.2.3", t0, "")

	// GITHUB_TOKEN is for ghcr.io only: the mirror must get its own credentials.
	getenv := env(map[string]string{
		"GITHUB_TOKEN":  "ghs_must_not_be_sent",
		"DOCKER_CONFIG": dockerConfig(t, r.Host(), "mirror", "mirror-pass", ""),
	})
	tests := []struct {
		name   string
		mirror string
	}{
		{"http mirror", "http://" + r.Host() + "/ghcr.io"},
		{"oci mirror on loopback", "oci://" + r.Host() + "/ghcr.io/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newSource(r, ocirepo.Options{Getenv: getenv, Hosts: datasource.Hosts{{Match: "ghcr.io", Mirror: tt.mirror}}})
			source := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/x/y"}
			got, err := s.Releases(context.Background(), source, "y")
			if err != nil {
				t.Fatalf("Releases: %v", err)
			}
			if diff := cmp.Diff([][2]string{{"1.2.3", "1.2.3"}}, versions(got)); diff != "" {
				t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
			}
			d, err := s.Describe(context.Background(), source, "y", got[0])
			if err != nil {
				t.Fatalf("Describe: %v", err)
			}
			if !d.Created.Equal(t0) {
				t.Errorf("Created = %v, want %v", d.Created, t0)
			}
		})
	}
}

func TestSource_Describe_redirect(t *testing.T) {
	t.Parallel()
	// Blobs are served by another origin (127.0.0.1, another port), as
	// registries redirect to object storage. The registry's bearer token must
	// not follow the redirect.
	var (
		mu    sync.Mutex
		blobs = map[string][]byte{}
		auths []string
	)
	store := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		auths = append(auths, req.Header.Get("Authorization"))
		b, ok := blobs[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		_, _ = w.Write(b)
	}))
	t.Cleanup(store.Close)
	isBlobGet := func(req *http.Request) bool {
		return req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/blobs/sha256:")
	}
	redirect := func(next http.Handler) http.Handler {
		return ocitest.OnSuccess(next, isBlobGet, func(w http.ResponseWriter, req *http.Request, rec *httptest.ResponseRecorder) {
			key := "/store/" + req.URL.Path[strings.LastIndex(req.URL.Path, "/")+1:]
			mu.Lock()
			blobs[key] = bytes.Clone(rec.Body.Bytes())
			mu.Unlock()
			http.Redirect(w, req, store.URL+key, http.StatusTemporaryRedirect)
		})
	}
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("u", "p"), ocitest.WithMiddleware(redirect))
	r.PushChart(t, "app", "app", "1.0.0", t0, "4.5.6")

	s := newSource(r, ocirepo.Options{Getenv: env(map[string]string{"DOCKER_CONFIG": dockerConfig(t, r.Host(), "u", "p", "")})})
	got, err := s.Describe(context.Background(), src(r, "app"), "app", chart.Release{Version: "1.0.0", Tag: "1.0.0"})
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	if got.AppVersion != "4.5.6" {
		t.Errorf("AppVersion = %q, want 4.5.6", got.AppVersion)
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff([]string{""}, auths); diff != "" {
		t.Errorf("Authorization headers at the blob store (-want +got):\n%s", diff)
	}
	for _, q := range r.Requests() {
		if q.Kind == ocitest.KindBlobGet && !q.Authorized {
			t.Errorf("blob request to the registry without a token: %+v", q)
		}
	}
}

func TestSource_retryingClient(t *testing.T) {
	t.Parallel()
	// The first tag-list request fails with 500: a plain client reports a
	// transient error; a retrying client (what httpx provides) recovers.
	failOnce := func() ocitest.Option {
		var failed atomic.Bool
		return ocitest.WithMiddleware(func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if strings.HasSuffix(req.URL.Path, "/tags/list") && failed.CompareAndSwap(false, true) {
					http.Error(w, "boom", http.StatusInternalServerError)
					return
				}
				next.ServeHTTP(w, req)
			})
		})
	}
	t.Run("plain client", func(t *testing.T) {
		t.Parallel()
		r := ocitest.New(t, failOnce())
		r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
		_, err := newSource(r, ocirepo.Options{}).Releases(context.Background(), src(r, "a"), "a")
		assertError(t, err, nil, true)
	})
	t.Run("retrying client", func(t *testing.T) {
		t.Parallel()
		r := ocitest.New(t, failOnce())
		r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
		client := &http.Client{Transport: retryOnce{http.DefaultTransport}}
		got, err := newSource(r, ocirepo.Options{Client: client}).Releases(context.Background(), src(r, "a"), "a")
		if err != nil {
			t.Fatalf("Releases: %v", err)
		}
		if diff := cmp.Diff([][2]string{{"1.0.0", "1.0.0"}}, versions(got)); diff != "" {
			t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
		}
	})
}

// retryOnce retries a GET once on a 5xx response.
type retryOnce struct{ next http.RoundTripper }

func (rt retryOnce) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := rt.next.RoundTrip(req)
	if err != nil || resp.StatusCode < 500 || req.Method != http.MethodGet {
		return resp, err
	}
	resp.Body.Close()
	return rt.next.RoundTrip(req)
}

func TestSource_singleflight(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
	s := datasource.New(nil, newSource(r, ocirepo.Options{}))
	var wg sync.WaitGroup
	results := make([][]chart.Release, 8)
	for i := range results {
		wg.Go(func() {
			rels, err := s.Releases(context.Background(), src(r, "a"), "a")
			if err != nil {
				t.Error(err)
			}
			results[i] = rels
		})
	}
	wg.Wait()
	for i, rels := range results {
		if diff := cmp.Diff([][2]string{{"1.0.0", "1.0.0"}}, versions(rels)); diff != "" {
			t.Errorf("caller %d mismatch (-want +got):\n%s", i, diff)
		}
	}
	if diff := cmp.Diff(ocitest.Counts{Token: 1, Tags: 2, Unauthorized: 1}, r.Counts("a")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
	// Callers get copies: editing one does not change the memo.
	results[0][0].Version = "edited"
	again, _ := s.Releases(context.Background(), src(r, "a"), "a")
	if again[0].Version != "1.0.0" {
		t.Errorf("memo was modified through a returned slice: %q", again[0].Version)
	}
}

func TestSource_hostConcurrency(t *testing.T) {
	t.Parallel()
	var inflight, peak atomic.Int32
	gate := func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			n := inflight.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			defer inflight.Add(-1)
			next.ServeHTTP(w, req)
		})
	}
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone), ocitest.WithMiddleware(gate))
	const repos = 12
	for i := range repos {
		r.PushChart(t, fmt.Sprintf("c%d", i), "c", "1.0.0", time.Time{}, "")
	}
	// The limit is the client's (httpx, the one limiter of a run): the app
	// maps registries[].concurrency onto it per contacted host.
	tests := []struct {
		name  string
		limit func(host string) int
		want  int32
	}{
		{"every host", func(string) int { return 2 }, 2},
		{"this host", func(h string) int {
			if h == r.Host() {
				return 1
			}
			return 0
		}, 1},
	}
	for _, tt := range tests { // sequential: they share the peak counter
		t.Run(tt.name, func(t *testing.T) {
			peak.Store(0)
			client := httpx.New(httpx.Options{HostConcurrency: tt.limit, MaxAttempts: 1, Transport: r.Client().Transport})
			s := newSource(r, ocirepo.Options{Client: client})
			var wg sync.WaitGroup
			for i := range repos {
				wg.Go(func() {
					if _, err := s.Releases(context.Background(), src(r, fmt.Sprintf("c%d", i)), "c"); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			if p := peak.Load(); p > tt.want {
				t.Errorf("peak requests in flight = %d, want <= %d", p, tt.want)
			}
		})
	}
}

func TestSource_contextCancelNotMemoized(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t)
	r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
	s := datasource.New(nil, newSource(r, ocirepo.Options{}))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Releases(ctx, src(r, "a"), "a")
	assertError(t, err, nil, true)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	got, err := s.Releases(context.Background(), src(r, "a"), "a")
	if err != nil {
		t.Fatalf("Releases after cancel: %v", err)
	}
	if diff := cmp.Diff([]chart.Release{{Version: "1.0.0", Tag: "1.0.0"}}, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Releases() mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkReleases150(b *testing.B) {
	r := ocitest.New(b)
	const repos = 150
	for i := range repos {
		for _, v := range []string{"1.0.0", "1.1.0", "2.0.0"} {
			r.PushChart(b, fmt.Sprintf("charts/c%03d", i), "c", v, t0, "")
		}
	}
	client := r.Client()
	b.ResetTimer()
	for b.Loop() {
		s := ocirepo.New(ocirepo.Options{Client: client, Getenv: noEnv}) // cold token cache
		var wg sync.WaitGroup
		for i := range repos {
			wg.Go(func() {
				rels, err := s.Releases(context.Background(), src(r, fmt.Sprintf("charts/c%03d", i)), "c")
				if err != nil || len(rels) != 3 {
					b.Errorf("Releases: %d releases, %v", len(rels), err)
				}
			})
		}
		wg.Wait()
	}
}
