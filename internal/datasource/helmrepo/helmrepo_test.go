package helmrepo

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
	"github.com/bosunhq/bosun/internal/testutil/waits"
)

var t0 = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

var podinfo = []helmrepotest.Chart{
	{Name: "podinfo", Version: "6.5.0", AppVersion: "6.5.0", Created: t0, Changes: "- kind: added\n  description: x\n"},
	{Name: "podinfo", Version: "6.10.0", AppVersion: "6.10.0", Created: t0.Add(time.Hour), KubeVersion: ">=1.23.0-0"},
	{Name: "podinfo", Version: "7.0.0-rc.1", Created: t0.Add(2 * time.Hour)},
	{Name: "podinfo", Version: "not-semver", Created: t0},
	{Name: "old", Version: "1.0.0", Deprecated: true},
}

func client(opts httpx.Options) *http.Client {
	if opts.Sleep == nil {
		opts.Sleep = (&waits.Recorder{}).Sleep
	}
	return httpx.New(opts)
}

func helmSrc(u string) chart.Source { return chart.Source{Kind: chart.SourceHelm, URL: u} }

func versions(rs []chart.Release) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Version)
	}
	return out
}

func TestSource_Releases(t *testing.T) {
	t.Parallel()
	srv := helmrepotest.NewWithOptions(t, helmrepotest.Options{Path: "/stable"}, podinfo...)
	s := New(client(httpx.Options{}), Options{})
	got, err := s.Releases(t.Context(), helmSrc(srv.URL+"/"), "podinfo")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"7.0.0-rc.1", "6.10.0", "6.5.0", "not-semver"}, versions(got)); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
	want := chart.Release{
		Version: "6.5.0", AppVersion: "6.5.0", Created: t0, Changes: "- kind: added\n  description: x\n",
		URLs: []string{srv.URL + "/charts/podinfo-6.5.0.tgz"}, Described: true,
	}
	got[2].Digest = ""
	if diff := cmp.Diff(want, got[2]); diff != "" {
		t.Errorf("release mismatch (-want +got):\n%s", diff)
	}
	if got[1].KubeVersion != ">=1.23.0-0" {
		t.Errorf("KubeVersion = %q", got[1].KubeVersion)
	}
	old, err := s.Releases(t.Context(), helmSrc(srv.URL), "old")
	if err != nil || len(old) != 1 || !old[0].Deprecated || old[0].Created != helmrepotest.DefaultCreated {
		t.Errorf("old = %+v, %v", old, err)
	}
	d, err := s.Describe(t.Context(), helmSrc(srv.URL), "old", old[0])
	if err != nil || !cmp.Equal(d, old[0]) {
		t.Errorf("Describe changed the release: %+v, %v", d, err)
	}
	if n := srv.Requests("/stable/index.yaml"); n != 1 {
		t.Errorf("index requests = %d, want 1 (trailing slash and none share it)", n)
	}
}

func TestSource_URLs(t *testing.T) {
	t.Parallel()
	abs := helmrepotest.NewWithOptions(t, helmrepotest.Options{AbsoluteURLs: true}, podinfo[0])
	rel := helmrepotest.NewWithOptions(t, helmrepotest.Options{Path: "/a/b"}, podinfo[0])
	ext := helmrepotest.New(t, helmrepotest.Chart{Name: "podinfo", Version: "1.0.0", URL: "https://cdn.example.com/podinfo-1.0.0.tgz"})
	tests := []struct{ name, repo, want string }{
		{"absolute", abs.URL, abs.URL + "/charts/podinfo-6.5.0.tgz"},
		{"relative under a path", rel.URL, rel.URL + "/charts/podinfo-6.5.0.tgz"},
		{"relative keeps query", rel.URL + "?token=abc", rel.URL + "/charts/podinfo-6.5.0.tgz?token=abc"},
		{"other host", ext.URL, "https://cdn.example.com/podinfo-1.0.0.tgz"},
	}
	s := New(client(httpx.Options{}), Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs, err := s.Releases(t.Context(), helmSrc(tt.repo), "podinfo")
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{tt.want}, rs[0].URLs); diff != "" {
				t.Errorf("URLs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSource_Mirror(t *testing.T) {
	t.Parallel()
	srv := helmrepotest.NewWithOptions(t, helmrepotest.Options{Path: "/mirror/stable"}, podinfo...)
	s := New(client(httpx.Options{}), Options{Hosts: datasource.Hosts{
		{Match: "https://charts.example.com", Mirror: srv.ServerURL() + "/mirror"},
	}})
	rs, err := s.Releases(t.Context(), helmSrc("https://charts.example.com/stable"), "podinfo")
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].URLs[0] != srv.URL+"/charts/podinfo-7.0.0-rc.1.tgz" {
		t.Errorf("URL = %s", rs[0].URLs[0])
	}
}

// wrapped starts a repository whose handler is wrapped by mw.
func wrapped(t *testing.T, mw func(http.Handler) http.Handler, charts ...helmrepotest.Chart) *helmrepotest.Server {
	srv := helmrepotest.New(t, charts...)
	srv.Wrap(mw)
	return srv
}

func TestSource_Faults(t *testing.T) {
	t.Parallel()
	type want struct {
		err       error // errors.Is target; nil means success
		transient bool
		msg       string
	}
	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		zw.Write(b)
		zw.Close()
		return buf.Bytes()
	}
	index, _ := helmrepotest.IndexYAML("", podinfo...)
	tests := []struct {
		name  string
		mw    func(calls *atomic.Int32) func(http.Handler) http.Handler
		opts  Options
		copts httpx.Options
		chart string
		want  want
		calls int32 // requests that reached the wrapper, 0 = don't check
	}{
		{name: "same-host redirect", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					c.Add(1)
					if r.URL.Path == "/old/index.yaml" {
						http.Redirect(w, r, "/index.yaml", http.StatusMovedPermanently)
						return
					}
					h.ServeHTTP(w, r)
				})
			}
		}, chart: "podinfo", calls: 2},
		{name: "gzip content-encoding", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if !strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
						http.Error(w, "want gzip", 400)
						return
					}
					w.Header().Set("Content-Encoding", "gzip")
					w.Write(gz(index))
				})
			}
		}, chart: "podinfo"},
		{name: "gzip body without encoding", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/gzip")
					w.Write(gz(index))
				})
			}
		}, chart: "podinfo"},
		{name: "500s then success", mw: failFirst(2, http.StatusInternalServerError, ""), chart: "podinfo", calls: 3},
		{name: "500s exhaust retries", mw: failFirst(100, http.StatusBadGateway, ""), chart: "podinfo", calls: 4,
			want: want{err: &httpx.StatusError{}, transient: true, msg: "status 502"}},
		{name: "401", mw: failFirst(100, http.StatusUnauthorized, ""), chart: "podinfo", calls: 1,
			want: want{err: datasource.ErrUnauthorized}},
		{name: "404 index", mw: failFirst(100, http.StatusNotFound, ""), chart: "podinfo", calls: 1,
			want: want{err: datasource.ErrNotFound}},
		{name: "429 beyond max wait", mw: failFirst(100, http.StatusTooManyRequests, "3600"), chart: "podinfo", calls: 1,
			want: want{err: datasource.ErrRateLimited, transient: true, msg: "retry after 1h0m0s"}},
		{name: "hanging server", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					c.Add(1)
					<-r.Context().Done()
				})
			}
		}, copts: httpx.Options{ResponseHeaderTimeout: 50 * time.Millisecond, MaxAttempts: 2}, chart: "podinfo", calls: 2,
			want: want{err: context.DeadlineExceeded, transient: true, msg: "timeout"}},
		{name: "truncated body", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Length", fmt.Sprint(len(index)))
					w.Write(index[:len(index)/2])
				})
			}
		}, chart: "podinfo", want: want{err: errAny, transient: true, msg: "unexpected EOF"}},
		{name: "malformed yaml", mw: serve("apiVersion: v1\nentries:\n  podinfo: [\n"), chart: "podinfo",
			want: want{err: datasource.ErrInvalid, msg: "parse index yaml"}},
		{name: "no apiVersion", mw: serve("entries: {}\n"), chart: "podinfo", want: want{err: datasource.ErrInvalid}},
		{name: "over the cap", opts: Options{MaxIndexSize: 100}, chart: "podinfo", want: want{err: datasource.ErrTooLarge}},
		{name: "over the cap, chunked", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					for i := 0; i < len(index); i += 10 {
						w.Write(index[i:min(i+10, len(index))])
						w.(http.Flusher).Flush()
					}
				})
			}
		}, opts: Options{MaxIndexSize: 100}, chart: "podinfo", want: want{err: datasource.ErrTooLarge}},
		{name: "gzip bomb over the cap", mw: serveBytes(gz(bytes.Repeat([]byte("a"), 1<<20))), opts: Options{MaxIndexSize: 1 << 16},
			chart: "podinfo", want: want{err: datasource.ErrTooLarge}},
		{name: "redirect loop", mw: func(c *atomic.Int32) func(http.Handler) http.Handler {
			return func(h http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, r.URL.Path, http.StatusFound)
				})
			}
		}, chart: "podinfo", want: want{err: httpx.ErrRedirectLoop}},
		{name: "chart missing", chart: "nope", want: want{err: datasource.ErrNotFound, msg: `chart "nope"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := helmrepotest.New(t, podinfo...)
			if tt.mw != nil {
				srv.Wrap(tt.mw(&calls))
			}
			repo := srv.URL
			if tt.name == "same-host redirect" {
				repo += "/old"
			}
			s := New(client(tt.copts), tt.opts)
			start := time.Now()
			rs, err := s.Releases(t.Context(), helmSrc(repo), tt.chart)
			if time.Since(start) > 5*time.Second {
				t.Errorf("took %s", time.Since(start))
			}
			if tt.calls != 0 && calls.Load() != tt.calls {
				t.Errorf("requests = %d, want %d", calls.Load(), tt.calls)
			}
			if tt.want.err == nil {
				if err != nil {
					t.Fatal(err)
				}
				if len(rs) != 4 {
					t.Errorf("got %d releases, want 4", len(rs))
				}
				return
			}
			var de *datasource.Error
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *datasource.Error", err)
			}
			if de.Transient != tt.want.transient || de.Chart != tt.chart || de.Source != helmSrc(repo) {
				t.Errorf("err = %+v, want transient=%v", de, tt.want.transient)
			}
			var se *httpx.StatusError
			switch target := tt.want.err; {
			case target == errAny:
			case errors.As(target, &se):
				if !errors.As(err, &se) {
					t.Errorf("err = %v, want a StatusError", err)
				}
			case !errors.Is(err, target):
				t.Errorf("err = %v, want %v", err, target)
			}
			if !strings.Contains(err.Error(), tt.want.msg) {
				t.Errorf("err = %v, want containing %q", err, tt.want.msg)
			}
		})
	}
}

var errAny = errors.New("any error")

func failFirst(n int32, status int, retryAfter string) func(*atomic.Int32) func(http.Handler) http.Handler {
	return func(c *atomic.Int32) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if c.Add(1) <= n {
					if retryAfter != "" {
						w.Header().Set("Retry-After", retryAfter)
					}
					http.Error(w, "nope", status)
					return
				}
				h.ServeHTTP(w, r)
			})
		}
	}
}

func serve(body string) func(*atomic.Int32) func(http.Handler) http.Handler {
	return serveBytes([]byte(body))
}

func serveBytes(body []byte) func(*atomic.Int32) func(http.Handler) http.Handler {
	return func(c *atomic.Int32) func(http.Handler) http.Handler {
		return func(http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
		}
	}
}

func TestSource_RetryAfter(t *testing.T) {
	t.Parallel()
	srv := helmrepotest.New(t, podinfo...)
	srv.Wrap(failFirst(1, http.StatusTooManyRequests, "3")(&atomic.Int32{}))
	var rec waits.Recorder
	s := New(client(httpx.Options{Sleep: rec.Sleep}), Options{})
	if _, err := s.Releases(t.Context(), helmSrc(srv.URL), "podinfo"); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]time.Duration{3 * time.Second}, rec.Got()); diff != "" {
		t.Errorf("waits mismatch (-want +got):\n%s", diff)
	}
}

func TestSource_Credentials(t *testing.T) {
	t.Parallel()
	srv := helmrepotest.NewWithOptions(t, helmrepotest.Options{Username: "bot", Password: "s3cret"}, podinfo...)
	creds := func(u string) (string, string, bool) { return "bot", "s3cret", u == srv.URL }
	s := New(client(httpx.Options{}), Options{Credentials: creds})
	if _, err := s.Releases(t.Context(), helmSrc(srv.URL), "podinfo"); err != nil {
		t.Fatal(err)
	}
	_, err := New(client(httpx.Options{}), Options{}).Releases(t.Context(), helmSrc(srv.URL), "podinfo")
	var de *datasource.Error
	if !errors.Is(err, datasource.ErrUnauthorized) || !errors.As(err, &de) || de.Transient {
		t.Errorf("anonymous: err = %v, want permanent ErrUnauthorized", err)
	}
	// Userinfo in the URL works too and never shows in errors.
	u := strings.Replace(srv.URL, "http://", "http://bot:wrong@", 1)
	_, err = New(client(httpx.Options{}), Options{}).Releases(t.Context(), helmSrc(u), "podinfo")
	if err == nil || strings.Contains(err.Error(), "wrong") {
		t.Errorf("err = %v, want 401 without the password", err)
	}
}

func TestSource_RedirectDropsCredentials(t *testing.T) {
	t.Parallel()
	var seen atomic.Value
	seen.Store("unset")
	other := helmrepotest.New(t, podinfo...)
	other.Wrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seen.Store(r.Header.Get("Authorization"))
			h.ServeHTTP(w, r)
		})
	})
	target := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) + "/index.yaml"
	front := helmrepotest.NewWithOptions(t, helmrepotest.Options{Username: "bot", Password: "s3cret"})
	front.Wrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, _, _ := r.BasicAuth(); u != "bot" {
				http.Error(w, "no", 401)
				return
			}
			http.Redirect(w, r, target, http.StatusFound)
		})
	})
	s := New(client(httpx.Options{}), Options{Credentials: func(string) (string, string, bool) { return "bot", "s3cret", true }})
	rs, err := s.Releases(t.Context(), helmSrc(front.URL), "podinfo")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 4 || seen.Load() != "" {
		t.Errorf("other host saw Authorization %q", seen.Load())
	}
	// Relative chart URLs resolve against the repository URL, as Helm does.
	if !strings.HasPrefix(rs[0].URLs[0], front.URL+"/charts/") {
		t.Errorf("URL = %s", rs[0].URLs[0])
	}
}

func TestSource_RequestAccounting(t *testing.T) {
	t.Parallel()
	srv := helmrepotest.New(t, podinfo...)
	cache := t.TempDir()
	path := srv.IndexPath()
	names := []string{"podinfo", "old", "podinfo", "missing", "old"}

	run := func() {
		s := New(client(httpx.Options{CacheDir: cache}), Options{})
		for _, n := range names {
			_, err := s.Releases(t.Context(), helmSrc(srv.URL), n)
			if err != nil && !errors.Is(err, datasource.ErrNotFound) {
				t.Fatal(err)
			}
		}
	}
	run()
	bytesCold := srv.BodyBytes(path)
	if r := srv.Requests(path); r != 1 {
		t.Errorf("cold run: %d index requests, want 1", r)
	}
	run()
	if r, nm := srv.Requests(path), srv.NotModified(path); r != 2 || nm != 1 {
		t.Errorf("warm run: %d requests, %d answered 304; want 2 and 1", r, nm)
	}
	if b := srv.BodyBytes(path); b != bytesCold {
		t.Errorf("warm run served %d body bytes, want 0", b-bytesCold)
	}
	// A new version changes the index: the next run downloads it again.
	if err := srv.Add(helmrepotest.Chart{Name: "podinfo", Version: "8.0.0"}); err != nil {
		t.Fatal(err)
	}
	s := New(client(httpx.Options{CacheDir: cache}), Options{})
	rs, err := s.Releases(t.Context(), helmSrc(srv.URL), "podinfo")
	if err != nil || rs[0].Version != "8.0.0" {
		t.Errorf("after Add: %v, %v", versions(rs), err)
	}
}

func TestSource_Concurrent(t *testing.T) {
	t.Parallel()
	var charts []helmrepotest.Chart
	for i := range 20 {
		charts = append(charts, helmrepotest.Chart{Name: fmt.Sprintf("c%d", i), Version: "1.0.0"})
	}
	release := make(chan struct{})
	srv := helmrepotest.New(t, charts...)
	srv.Wrap(func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-release // hold the one request until every caller is waiting
			h.ServeHTTP(w, r)
		})
	})
	s := New(client(httpx.Options{}), Options{})
	var wg sync.WaitGroup
	errs := make([]error, 20)
	for i := range 20 {
		wg.Go(func() {
			_, errs[i] = s.Releases(t.Context(), helmSrc(srv.URL), fmt.Sprintf("c%d", i))
		})
	}
	time.Sleep(20 * time.Millisecond) // not needed for correctness: only widens the overlap
	close(release)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if r := srv.Requests(srv.IndexPath()); r != 1 {
		t.Errorf("%d index requests for 20 concurrent callers, want 1", r)
	}
}

func TestSource_ErrorsMemoized(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := helmrepotest.New(t, podinfo...)
	srv.Wrap(failFirst(100, http.StatusNotFound, "")(&calls))
	s := New(client(httpx.Options{}), Options{})
	for _, n := range []string{"podinfo", "old", "x"} {
		if _, err := s.Releases(t.Context(), helmSrc(srv.URL), n); !errors.Is(err, datasource.ErrNotFound) {
			t.Errorf("%s: err = %v", n, err)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("failing index fetched %d times, want 1", calls.Load())
	}
}

func TestSource_Unsupported(t *testing.T) {
	t.Parallel()
	s := New(client(httpx.Options{}), Options{})
	for _, src := range []chart.Source{{Kind: chart.SourceOCI, URL: "oci://ghcr.io/x"}, helmSrc("oci://ghcr.io/x"), helmSrc("ftp://x")} {
		if _, err := s.Releases(t.Context(), src, "x"); !errors.Is(err, datasource.ErrUnsupported) {
			t.Errorf("%v: err = %v, want ErrUnsupported", src, err)
		}
	}
}

// An index that cannot be reached is named in the error without the
// secrets of its URL, even after a redirect to a signed URL.
func TestSource_Releases_unreachableIndexRedacted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // nothing listens there
	for _, u := range []string{
		"http://alice:pw-secret@" + closed + "/charts?token=secret",
		"http://" + closed + "/charts?token=secret",
	} {
		_, err := New(http.DefaultClient, Options{}).Releases(t.Context(), chart.Source{Kind: chart.SourceHelm, URL: u}, "app")
		if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "token=REDACTED") {
			t.Errorf("Releases(%s) = %v: want an error naming the index without its secrets", u, err)
		}
	}
}
