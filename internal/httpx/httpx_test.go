package httpx

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/roundtrip"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
	"github.com/bosunhq/bosun/internal/testutil/waits"
)

func get(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	resp, b := roundtrip.Do(t, c, http.MethodGet, u, hdr...)
	return resp, string(b)
}

func TestNew_UserAgent(t *testing.T) {
	t.Parallel()
	var ua atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.UserAgent())
	}))
	t.Cleanup(srv.Close)
	get(t, New(Options{UserAgent: "bosun/1.2.3"}), srv.URL)
	if got := ua.Load(); got != "bosun/1.2.3" {
		t.Errorf("User-Agent = %v, want bosun/1.2.3", got)
	}
}

func TestRetry(t *testing.T) {
	t.Parallel()
	date := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	tests := []struct {
		name        string
		method      string
		statuses    []int // per attempt; the last one repeats
		retryAfter  string
		maxAttempts int
		wantCalls   int
		wantStatus  int
		check       func(t *testing.T, d []time.Duration)
	}{
		{name: "500s then success", statuses: []int{500, 502, 200}, wantCalls: 3, wantStatus: 200,
			check: func(t *testing.T, d []time.Duration) {
				// base 100ms, equal jitter: [50,100]ms then [100,200]ms.
				if len(d) != 2 || d[0] < 50*time.Millisecond || d[0] > 100*time.Millisecond ||
					d[1] < 100*time.Millisecond || d[1] > 200*time.Millisecond {
					t.Errorf("waits = %v, want [50ms..100ms, 100ms..200ms]", d)
				}
			}},
		{name: "429 retry-after seconds", statuses: []int{429, 200}, retryAfter: "7", wantCalls: 2, wantStatus: 200,
			check: func(t *testing.T, d []time.Duration) {
				if diff := cmp.Diff([]time.Duration{7 * time.Second}, d); diff != "" {
					t.Errorf("waits mismatch (-want +got):\n%s", diff)
				}
			}},
		{name: "503 retry-after http-date", statuses: []int{503, 200}, retryAfter: date, wantCalls: 2, wantStatus: 200,
			check: func(t *testing.T, d []time.Duration) {
				if len(d) != 1 || d[0] < 80*time.Second || d[0] > 91*time.Second {
					t.Errorf("waits = %v, want ~90s", d)
				}
			}},
		{name: "retry-after beyond cap is not waited", statuses: []int{429}, retryAfter: "3600", wantCalls: 1, wantStatus: 429,
			check: func(t *testing.T, d []time.Duration) {
				if len(d) != 0 {
					t.Errorf("waits = %v, want none", d)
				}
			}},
		{name: "attempts exhausted", statuses: []int{503}, maxAttempts: 3, wantCalls: 3, wantStatus: 503},
		{name: "404 is not retried", statuses: []int{404}, wantCalls: 1, wantStatus: 404},
		{name: "501 is not retried", statuses: []int{501}, wantCalls: 1, wantStatus: 501},
		{name: "POST is not retried", method: http.MethodPost, statuses: []int{503, 200}, wantCalls: 1, wantStatus: 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := int(calls.Add(1))
				st := tt.statuses[min(n, len(tt.statuses))-1]
				if st != 200 && tt.retryAfter != "" {
					w.Header().Set("Retry-After", tt.retryAfter)
				}
				w.WriteHeader(st)
				fmt.Fprint(w, "body")
			}))
			t.Cleanup(srv.Close)
			var s waits.Recorder
			c := New(Options{Sleep: s.Sleep, BaseRetryWait: 100 * time.Millisecond, MaxRetryWait: 2 * time.Minute, MaxAttempts: tt.maxAttempts})
			if tt.name == "retry-after beyond cap is not waited" {
				c = New(Options{Sleep: s.Sleep, MaxRetryWait: time.Minute})
			}
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequestWithContext(t.Context(), method, srv.URL, nil)
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus || int(calls.Load()) != tt.wantCalls {
				t.Errorf("status %d after %d calls, want %d after %d", resp.StatusCode, calls.Load(), tt.wantStatus, tt.wantCalls)
			}
			if tt.check != nil {
				tt.check(t, s.Got())
			}
			if tt.wantStatus == 429 {
				var se *StatusError
				if err := CheckResponse(resp); !errors.As(err, &se) || se.RetryAfter != time.Hour || !IsTransient(err) {
					t.Errorf("CheckResponse = %v, want transient StatusError with RetryAfter 1h", err)
				}
			}
		})
	}
}

func TestRetry_TransportErrorThenSuccess(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close() // connection dropped before any response
			}
			return
		}
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	var s waits.Recorder
	_, body := get(t, New(Options{Sleep: s.Sleep}), srv.URL)
	if body != "ok" || calls.Load() != 2 || len(s.Got()) != 1 {
		t.Errorf("body %q after %d calls and %d waits, want ok after 2 calls, 1 wait", body, calls.Load(), len(s.Got()))
	}
}

func TestRetry_ContextCancelStopsWaiting(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
	}))
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(t.Context())
	// The real sleep, with a long backoff: only the cancel can end it. The
	// cancel comes once the wait has begun (a cancel that lands before it
	// hands back the 503 the server sent, which is another case).
	waiting := make(chan struct{})
	c := New(Options{BaseRetryWait: time.Hour, MaxRetryWait: time.Hour, Sleep: func(ctx context.Context, d time.Duration) error {
		close(waiting)
		return Sleep(ctx, d)
	}})
	go func() {
		<-waiting
		cancel()
	}()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	start := time.Now()
	_, err := c.Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("took %s: cancel did not stop the wait", time.Since(start))
	}
}

func TestNew_Timeouts(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/body" {
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("partial"))
			w.(http.Flusher).Flush()
		}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(srv.Close)
	var s waits.Recorder
	c := New(Options{ResponseHeaderTimeout: 50 * time.Millisecond, Timeout: 300 * time.Millisecond, MaxAttempts: 2, Sleep: s.Sleep})

	t.Run("no headers", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/hang", nil)
		_, err := c.Do(req)
		if err == nil || !IsTransient(err) {
			t.Errorf("err = %v, want a transient timeout", err)
		}
		if len(s.Got()) != 1 {
			t.Errorf("waits = %v, want 1 retry", s.Got())
		}
	})
	t.Run("body stalls", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/body", nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		_, err = io.ReadAll(resp.Body)
		if err == nil || !IsTransient(err) {
			t.Errorf("read err = %v, want a transient timeout", err)
		}
	})
}

func TestLimit_HostConcurrency(t *testing.T) {
	t.Parallel()
	var cur, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := cur.Add(1)
		for {
			p := peak.Load()
			if n <= p || peak.CompareAndSwap(p, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		cur.Add(-1)
	}))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	var asked atomic.Value
	c := New(Options{HostConcurrency: func(h string) int { asked.Store(h); return 2 }})
	var wg sync.WaitGroup
	for range 12 {
		wg.Go(func() { get(t, c, srv.URL) })
	}
	wg.Wait()
	if p := peak.Load(); p > 2 || p < 1 {
		t.Errorf("peak concurrency = %d, want 1..2", p)
	}
	if asked.Load() != host {
		t.Errorf("HostConcurrency asked for %v, want %s", asked.Load(), host)
	}
}

func TestLog_Redacts(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello")
	}))
	t.Cleanup(srv.Close)
	var buf bytes.Buffer
	var mu sync.Mutex
	log := slog.New(slog.NewTextHandler(&lockedWriter{w: &buf, mu: &mu}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c := New(Options{Logger: log})
	u := strings.Replace(srv.URL, "http://", "http://user:hunter2@", 1) + "/index.yaml?token=s3cret"
	get(t, c, u, "Authorization", "Bearer tok3n")
	mu.Lock()
	out := buf.String()
	mu.Unlock()
	for _, secret := range []string{"hunter2", "s3cret", "tok3n", "user:"} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q:\n%s", secret, out)
		}
	}
	for _, want := range []string{"method=GET", "status=200", "bytes=5", "token=REDACTED", "/index.yaml", "duration="} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q:\n%s", want, out)
		}
	}
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// cacheServer serves a body with validators and counts conditional hits.
type cacheServer struct {
	*httptest.Server
	mu          sync.Mutex
	body        string
	etag, lm    string
	full, n304  int
	bodyBytes   int
	shortLength bool
	authSeen    []string
}

// run GETs the server's URL as a new bosun run would: through a fresh
// client whose cache is dir.
func (cs *cacheServer) run(t *testing.T, dir string) (*http.Response, string) {
	t.Helper()
	return get(t, New(Options{CacheDir: dir}), cs.URL)
}

func newCacheServer(t *testing.T, etag, lm string) *cacheServer {
	cs := &cacheServer{body: "apiVersion: v1\n", etag: etag, lm: lm}
	cs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cs.mu.Lock()
		defer cs.mu.Unlock()
		cs.authSeen = append(cs.authSeen, r.Header.Get("Authorization"))
		if cs.etag != "" {
			w.Header().Set("ETag", cs.etag)
		}
		if cs.lm != "" {
			w.Header().Set("Last-Modified", cs.lm)
		}
		if (cs.etag != "" && r.Header.Get("If-None-Match") == cs.etag) ||
			(cs.etag == "" && cs.lm != "" && r.Header.Get("If-Modified-Since") == cs.lm) {
			cs.n304++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		cs.full++
		w.Header().Set("Content-Type", "text/yaml")
		if cs.shortLength {
			w.Header().Set("Content-Length", itoa(len(cs.body)+10))
		}
		n, _ := io.WriteString(w, cs.body)
		cs.bodyBytes += n
	}))
	t.Cleanup(cs.Close)
	return cs
}

func itoa(n int) string { return fmt.Sprint(n) }

func (cs *cacheServer) counts() (full, n304, bytes int) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.full, cs.n304, cs.bodyBytes
}

func TestCache(t *testing.T) {
	t.Parallel()
	t.Run("etag revalidated", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, `"v1"`, "")
		dir := t.TempDir()
		_, b1 := get(t, New(Options{CacheDir: dir}), cs.URL+"/index.yaml")
		resp, b2 := get(t, New(Options{CacheDir: dir}), cs.URL+"/index.yaml")
		full, n304, bytes := cs.counts()
		if b1 != b2 || resp.StatusCode != 200 || resp.Header.Get(CacheHeader) != CacheRevalidated ||
			resp.Header.Get("Content-Type") != "text/yaml" {
			t.Errorf("second response: status %d, %s=%q, ct=%q, body %q vs %q", resp.StatusCode, CacheHeader,
				resp.Header.Get(CacheHeader), resp.Header.Get("Content-Type"), b2, b1)
		}
		if full != 1 || n304 != 1 || bytes != len(b1) {
			t.Errorf("server: %d full, %d 304, %d bytes; want 1, 1, %d", full, n304, bytes, len(b1))
		}
	})
	t.Run("last-modified revalidated", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, "", "Mon, 02 Jan 2006 15:04:05 GMT")
		dir := t.TempDir()
		cs.run(t, dir)
		resp, _ := cs.run(t, dir)
		if _, n304, _ := cs.counts(); n304 != 1 || resp.Header.Get(CacheHeader) != CacheRevalidated {
			t.Errorf("n304 = %d, header %q", n304, resp.Header.Get(CacheHeader))
		}
	})
	t.Run("no validators not stored", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, "", "")
		dir := t.TempDir()
		cs.run(t, dir)
		cs.run(t, dir)
		if full, _, _ := cs.counts(); full != 2 {
			t.Errorf("full = %d, want 2", full)
		}
	})
	t.Run("corrupt entry ignored", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, `"v1"`, "")
		dir := t.TempDir()
		cs.run(t, dir)
		files := entries(t, dir)
		if len(files) != 1 {
			t.Fatalf("cache files = %v, want 1", files)
		}
		if err := os.WriteFile(files[0], []byte("garbage\x00\x00\x00\x00\x00\x00\x00\x03"), 0o600); err != nil {
			t.Fatal(err)
		}
		resp, body := cs.run(t, dir)
		if full, n304, _ := cs.counts(); full != 2 || n304 != 0 || body != cs.body || resp.Header.Get(CacheHeader) != "" {
			t.Errorf("full=%d n304=%d body=%q", full, n304, body)
		}
		// The fresh 200 replaced the bad entry.
		cs.run(t, dir)
		if _, n304, _ := cs.counts(); n304 != 1 {
			t.Errorf("n304 = %d after repair, want 1", n304)
		}
	})
	t.Run("truncated body not stored", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, `"v1"`, "")
		cs.shortLength = true
		dir := t.TempDir()
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, cs.URL, nil)
		resp, err := New(Options{CacheDir: dir}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Fatal("read succeeded on a truncated body")
		}
		if files := entries(t, dir); len(files) != 0 {
			t.Errorf("cache files = %v, want none", files)
		}
	})
	t.Run("credentials", func(t *testing.T) {
		t.Parallel()
		cs := newCacheServer(t, `"v1"`, "")
		dir := t.TempDir()
		c := New(Options{CacheDir: dir})
		get(t, c, cs.URL, "Authorization", "Basic YTpi")
		get(t, c, cs.URL, "Authorization", "Basic YTpj")   // other credentials: own entry
		get(t, c, cs.URL, "Authorization", "Basic YTpi")   // revalidated
		get(t, c, cs.URL, "Authorization", "Bearer tok-1") // bearer: own entry
		resp, body := get(t, c, cs.URL, "Authorization", "Bearer tok-2")
		get(t, c, cs.URL, "Authorization", "Digest x") // other schemes: never cached
		get(t, c, cs.URL, "Authorization", "Digest x")
		if full, n304, _ := cs.counts(); full != 5 || n304 != 2 {
			t.Errorf("full=%d n304=%d, want 5 and 2", full, n304)
		}
		// A rotated token revalidates the entry the previous token stored.
		if resp.Header.Get(CacheHeader) != CacheRevalidated || body != cs.body {
			t.Errorf("second bearer request: %s=%q, body %q", CacheHeader, resp.Header.Get(CacheHeader), body)
		}
		if files := entries(t, dir); len(files) != 3 {
			t.Errorf("cache files = %d, want 3 (2 basic, 1 bearer)", len(files))
		}
		for _, f := range entries(t, dir) {
			b, _ := os.ReadFile(f)
			for _, secret := range []string{"YTpi", "YTpj", "tok-1", "tok-2", "Authorization"} {
				if bytes.Contains(b, []byte(secret)) {
					t.Errorf("%s holds %q", f, secret)
				}
			}
		}
		cs.mu.Lock()
		defer cs.mu.Unlock()
		want := []string{"Basic YTpi", "Basic YTpj", "Basic YTpi", "Bearer tok-1", "Bearer tok-2", "Digest x", "Digest x"}
		if diff := cmp.Diff(want, cs.authSeen); diff != "" {
			t.Errorf("Authorization sent (-want +got):\n%s", diff)
		}
	})
}

// TestCache_alwaysRevalidates: a stored entry is served only in place of a
// 304 to the request at hand, whatever else the server answers.
// TestCache_oneDirectory: filling an empty cache makes one directory, not
// one per entry, and a later run still finds every entry (a mkdir is the
// dearest call of a cold run's cache writes). If the directory goes away
// during a run, the next entry makes it again.
func TestCache_oneDirectory(t *testing.T) {
	t.Parallel()
	cs := newCacheServer(t, `"v1"`, "")
	dir := t.TempDir()
	c := New(Options{CacheDir: dir})
	const n = 40
	for i := range n {
		get(t, c, fmt.Sprintf("%s/chart-%d/index.yaml", cs.URL, i))
	}
	var dirs []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != dir {
			dirs = append(dirs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 1 || len(entries(t, dir)) != n {
		t.Errorf("%d directories %v and %d entries; want one directory and %d entries", len(dirs), dirs, len(entries(t, dir)), n)
	}
	for i := range n {
		if resp, _ := get(t, New(Options{CacheDir: dir}), fmt.Sprintf("%s/chart-%d/index.yaml", cs.URL, i)); resp.Header.Get(CacheHeader) != CacheRevalidated {
			t.Fatalf("entry %d not found by the next run", i)
		}
	}
	if err := os.RemoveAll(dirs[0]); err != nil {
		t.Fatal(err)
	}
	get(t, c, cs.URL+"/gone/index.yaml")
	get(t, c, cs.URL+"/again/index.yaml")
	if got := len(entries(t, dir)); got == 0 {
		t.Error("no entry written after the cache directory was removed during the run")
	}
}

func TestCache_alwaysRevalidates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		status   int // the second answer
		wantBody string
	}{
		{"changed", http.StatusOK, "v2 body"},
		{"token refused", http.StatusUnauthorized, "denied"},
		{"gone", http.StatusNotFound, "not found"},
		{"server error", http.StatusInternalServerError, "boom"},
		{"not modified", http.StatusNotModified, "v1 body"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("ETag", `"v1"`)
					io.WriteString(w, "v1 body")
					return
				}
				if r.Header.Get("If-None-Match") != `"v1"` {
					t.Errorf("revalidation without If-None-Match: %q", r.Header.Get("If-None-Match"))
				}
				switch tt.status {
				case http.StatusOK:
					w.Header().Set("ETag", `"v2"`)
					io.WriteString(w, tt.wantBody)
				case http.StatusNotModified:
					w.WriteHeader(http.StatusNotModified)
				default:
					http.Error(w, tt.wantBody, tt.status)
				}
			}))
			t.Cleanup(srv.Close)
			dir := t.TempDir()
			get(t, New(Options{CacheDir: dir}), srv.URL, "Authorization", "Bearer first")
			resp, body := get(t, New(Options{CacheDir: dir, MaxAttempts: 1}), srv.URL, "Authorization", "Bearer second")
			wantStatus := tt.status
			if wantStatus == http.StatusNotModified {
				wantStatus = http.StatusOK
			}
			if resp.StatusCode != wantStatus || strings.TrimSpace(body) != tt.wantBody {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, wantStatus, tt.wantBody)
			}
			if got, want := resp.Header.Get(CacheHeader) == CacheRevalidated, tt.status == http.StatusNotModified; got != want {
				t.Errorf("served from cache = %v, want %v", got, want)
			}
		})
	}
}

// TestCache_storedHeaders: a 304 need not repeat the headers of the 200
// (RFC 9110 §15.4.5); the stored ones come back, updated by the 304's.
func TestCache_storedHeaders(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("ETag", `"p1"`)
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Link", `</v2/a/tags/list?last=b>; rel="next"`)
			w.Header().Set("Docker-Content-Digest", "sha256:abc")
			w.Header().Set("Set-Cookie", "session=secret-cookie")
			w.Header().Set("Cache-Control", "private")
			io.WriteString(w, `{"tags":["a","b"]}`)
			return
		}
		w.Header().Set("ETag", `"p1"`)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("Content-Type", "text/plain") // wrong on a 304: ignored
		w.WriteHeader(http.StatusNotModified)
	}))
	t.Cleanup(srv.Close)
	dir := t.TempDir()
	get(t, New(Options{CacheDir: dir}), srv.URL)
	resp, body := get(t, New(Options{CacheDir: dir}), srv.URL)
	want := map[string]string{
		"Content-Type":          "application/json",
		"Link":                  `</v2/a/tags/list?last=b>; rel="next"`,
		"Docker-Content-Digest": "sha256:abc",
		"Cache-Control":         "no-cache",
		"Etag":                  `"p1"`,
		"Set-Cookie":            "",
		"Content-Length":        itoa(len(body)),
		CacheHeader:             CacheRevalidated,
	}
	got := map[string]string{}
	for k := range want {
		got[k] = resp.Header.Get(k)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("revalidated headers (-want +got):\n%s", diff)
	}
	for _, f := range entries(t, dir) {
		if b, _ := os.ReadFile(f); bytes.Contains(b, []byte("secret-cookie")) {
			t.Errorf("%s holds the cookie", f)
		}
	}
}

func entries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			out = append(out, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	var otherAuth atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		otherAuth.Store(r.Header.Get("Authorization") + "|" + r.Header.Get("Cookie"))
		fmt.Fprint(w, "other")
	}))
	t.Cleanup(other.Close)
	// Same IP, other port, and "localhost" instead of 127.0.0.1: both other hosts.
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1)
	var sameAuth atomic.Value
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/same":
			http.Redirect(w, r, "/final", http.StatusFound)
		case "/final":
			sameAuth.Store(r.Header.Get("Authorization"))
			fmt.Fprint(w, "final")
		case "/away":
			http.Redirect(w, r, otherURL+"/x", http.StatusMovedPermanently)
		case "/loop-a":
			http.Redirect(w, r, "/loop-b", http.StatusFound)
		case "/loop-b":
			http.Redirect(w, r, "/loop-a", http.StatusFound)
		default: // /chain/N
			var n int
			fmt.Sscanf(r.URL.Path, "/chain/%d", &n)
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", n+1), http.StatusFound)
		}
	}))
	t.Cleanup(srv.Close)
	c := New(Options{})

	t.Run("same host keeps credentials", func(t *testing.T) {
		_, body := get(t, c, srv.URL+"/same", "Authorization", "Basic dTpw")
		if body != "final" || sameAuth.Load() != "Basic dTpw" {
			t.Errorf("body %q auth %v", body, sameAuth.Load())
		}
	})
	t.Run("other host gets no credentials", func(t *testing.T) {
		_, body := get(t, c, srv.URL+"/away", "Authorization", "Basic dTpw", "Cookie", "s=1")
		if body != "other" || otherAuth.Load() != "|" {
			t.Errorf("body %q, other host saw auth|cookie %q", body, otherAuth.Load())
		}
		u := strings.Replace(srv.URL, "http://", "http://u:p@", 1) + "/away"
		get(t, c, u)
		if otherAuth.Load() != "|" {
			t.Errorf("userinfo credentials forwarded: %q", otherAuth.Load())
		}
	})
	t.Run("loop", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/loop-a", nil)
		_, err := c.Do(req)
		if !errors.Is(err, ErrRedirectLoop) || IsTransient(err) {
			t.Errorf("err = %v, want permanent ErrRedirectLoop", err)
		}
	})
	t.Run("too many", func(t *testing.T) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL+"/chain/0", nil)
		_, err := c.Do(req)
		if err == nil || !strings.Contains(err.Error(), "stopped after 10 redirects") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestIsTransient(t *testing.T) {
	t.Parallel()
	tabletest.RunNamed(t, "IsTransient", IsTransient, []tabletest.Named[error, bool]{
		{Name: "nil", In: nil, Want: false},
		{Name: "500", In: &StatusError{StatusCode: 500}, Want: true},
		{Name: "429", In: fmt.Errorf("x: %w", &StatusError{StatusCode: 429}), Want: true},
		{Name: "404", In: &StatusError{StatusCode: 404}, Want: false},
		{Name: "401", In: &StatusError{StatusCode: 401}, Want: false},
		{Name: "deadline", In: context.DeadlineExceeded, Want: true},
		{Name: "reset", In: &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}}, Want: true},
		{Name: "refused", In: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, Want: true},
		{Name: "unexpected eof", In: io.ErrUnexpectedEOF, Want: true},
		{Name: "no such host", In: &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, Want: false},
		{Name: "redirect loop", In: &url.Error{Op: "Get", URL: "u", Err: ErrRedirectLoop}, Want: false},
		{Name: "plain error", In: errors.New("boom"), Want: false},
	})
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(v string) time.Duration { return ParseRetryAfter(v, now) }
	tabletest.Run(t, "ParseRetryAfter", at, map[string]time.Duration{
		"": 0, "0": 0, "-3": 0, "12": 12 * time.Second, "soon": 0,
		now.Add(30 * time.Second).Format(http.TimeFormat): 30 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
	})
}

func TestDefaultCacheDir(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", "/tmp/xdg")
	if got := DefaultCacheDir(); got != filepath.Join("/tmp/xdg", "bosun") {
		t.Errorf("DefaultCacheDir() = %q", got)
	}
}
