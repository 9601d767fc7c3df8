package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkPlanWorld runs the real bosun binary, `bosun plan DIR` with the
// default text output, on the offline world of each corpus repository:
// every chart it references published in several versions on loopback
// registries (a distribution registry and static Helm repositories), its
// sources sent there by the config's mirrors. Each iteration is one run of
// the binary under /usr/bin/time -v:
//
//   - cold: --cache-dir pointing at an empty directory;
//   - warm: --cache-dir of a cache one earlier run filled.
//
// Metrics are medians over the iterations (-benchtime=5x gives five runs):
// wall-ms and cpu-ms (user+system) of the process, maxRSS-MB, and the
// requests the registries received in one run, by kind: token, tags (tag
// list pages), manifest, blob (config blobs), index (Helm index.yaml),
// other, and the 304s among them (not-modified); and the connections
// opened to the registries (connection). The registries serve
// strong validators (ETag) on every response. A summary line per case is
// logged (-v).
//
//	go test ./internal/e2e -run '^$' -bench PlanWorld -benchtime 5x -v
//
// BOSUN_BENCH_OUTPUT=json (or markdown) runs `plan -o json` instead;
// BOSUN_BENCH_BIN=/path/to/bosun runs that binary instead of building one
// from this tree, to compare two builds on the same world; and
// BOSUN_BENCH_LATENCY=30ms delays every request by that much, as the round
// trip to a remote registry would (loopback answers in about 1 ms, which
// leaves the scan to dominate the wall time).
func BenchmarkPlanWorld(b *testing.B) {
	bin, err := os.Getenv("BOSUN_BENCH_BIN"), error(nil)
	if bin == "" {
		bin, err = bosunBinary()
	}
	if err != nil {
		b.Skip(err)
	}
	if _, err := os.Stat(timeBin); err != nil {
		b.Skipf("%s: %v", timeBin, err)
	}
	output := os.Getenv("BOSUN_BENCH_OUTPUT")
	for _, repo := range repos {
		b.Run(repo, func(b *testing.B) {
			fx := getFixture(b, repo)
			w := newWorld(b, fx)
			base := []string{"plan", w.dir}
			if output != "" {
				base = append(base, "-o", output)
			}
			b.Run("cold", func(b *testing.B) {
				var ms []runMetrics
				for b.Loop() {
					args := append(slices.Clone(base), "--cache-dir", b.TempDir())
					ms = append(ms, w.run(b, bin, args))
				}
				report(b, repo+" cold", ms)
			})
			b.Run("warm", func(b *testing.B) {
				cache := b.TempDir()
				args := append(slices.Clone(base), "--cache-dir", cache)
				w.run(b, bin, args) // fills the cache
				var ms []runMetrics
				for b.Loop() {
					ms = append(ms, w.run(b, bin, args))
				}
				report(b, repo+" warm", ms)
			})
		})
	}
}

const timeBin = "/usr/bin/time"

// world is a corpus fixture behind counting proxies.
type world struct {
	dir   string
	count *requestCounter
	// latency delays every request, as a registry's round trip would.
	latency time.Duration
}

// newWorld copies fx's template and puts a counting reverse proxy in front
// of each of its upstream servers; the config's mirrors point at the proxies.
func newWorld(b testing.TB, fx *fixture) *world {
	w := &world{dir: fx.copyTo(b), count: &requestCounter{}}
	if d, err := time.ParseDuration(os.Getenv("BOSUN_BENCH_LATENCY")); err == nil {
		w.latency = d
	}
	cfg := "version: 1\n" + fx.up.RegistriesYAML()
	for _, addr := range []string{fx.up.OCIAddr(), fx.up.HelmAddr()} {
		cfg = strings.ReplaceAll(cfg, "http://"+addr+"/", "http://"+w.proxy(b, addr)+"/")
	}
	if err := os.WriteFile(filepath.Join(w.dir, "bosun.yaml"), []byte(cfg), 0o644); err != nil {
		b.Fatal(err)
	}
	return w
}

// proxy starts a counting reverse proxy to addr and returns its address.
func (w *world) proxy(b testing.TB, addr string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: addr})
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: rw, status: http.StatusOK}
		if w.latency > 0 {
			time.Sleep(w.latency)
		}
		rp.ServeHTTP(sw, r)
		w.count.add(r, sw.status)
	})}
	srv.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			w.count.conn()
		}
	}
	go srv.Serve(l) //nolint:errcheck // ends with Close
	b.Cleanup(func() { srv.Close() })
	return l.Addr().String()
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// requestKinds are the kinds requests are counted by, in report order.
var requestKinds = []string{"token", "tags", "manifest", "blob", "index", "other", "not-modified", "connection"}

// requestCounter tallies requests by kind.
type requestCounter struct {
	mu    sync.Mutex
	reqs  []countedRequest
	conns int
}

// conn counts a connection opened to a registry.
func (c *requestCounter) conn() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.conns++
}

// countedRequest is one request the registries received.
type countedRequest struct {
	kind string
	// repo is the OCI repository or the Helm repository's path.
	repo   string
	status int
}

func (c *requestCounter) add(r *http.Request, status int) {
	p := r.URL.Path
	cr := countedRequest{kind: "other", repo: p, status: status}
	name := strings.TrimPrefix(p, "/v2/")
	switch {
	case strings.Contains(p, "/token") || r.URL.Query().Get("scope") != "":
		cr.kind = "token"
	case strings.HasSuffix(p, "/tags/list"):
		cr.kind, cr.repo = "tags", strings.TrimSuffix(name, "/tags/list")
	case strings.Contains(p, "/manifests/"):
		cr.kind, cr.repo = "manifest", name[:strings.LastIndex(name, "/manifests/")]
	case strings.Contains(p, "/blobs/"):
		cr.kind, cr.repo = "blob", name[:strings.LastIndex(name, "/blobs/")]
	case strings.HasSuffix(p, "/index.yaml"):
		cr.kind, cr.repo = "index", strings.TrimSuffix(p, "/index.yaml")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.reqs = append(c.reqs, cr)
}

// take returns the requests and the number of connections so far, and
// starts over.
func (c *requestCounter) take() ([]countedRequest, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, n := c.reqs, c.conns
	c.reqs, c.conns = nil, 0
	return r, n
}

// byKind counts requests by kind; "not-modified" counts the 304s among them.
func byKind(reqs []countedRequest) map[string]int {
	n := map[string]int{}
	for _, r := range reqs {
		n[r.kind]++
		if r.status == http.StatusNotModified {
			n["not-modified"]++
		}
	}
	return n
}

// runMetrics is what one run of the binary cost.
type runMetrics struct {
	wall, cpu time.Duration
	rssMiB    float64
	requests  map[string]int
}

// run runs the binary once under /usr/bin/time -v.
func (w *world) run(b *testing.B, bin string, args []string) runMetrics {
	w.count.take()
	var errb bytes.Buffer
	cmd := exec.Command(timeBin, append([]string{"-v", bin}, args...)...)
	cmd.Stdout = io.Discard
	cmd.Stderr = &errb
	cmd.Env = append(os.Environ(), "BOSUN_CACHE_DIR=", "GITHUB_TOKEN=", "DOCKER_CONFIG="+b.TempDir())
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	if err != nil {
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 0 && ee.ExitCode() != 4 {
			b.Fatalf("%s %v: %v\n%s", bin, args, err, errb.String())
		}
	}
	reqs, conns := w.count.take()
	m := runMetrics{wall: wall, requests: byKind(reqs)}
	m.requests["connection"] = conns
	sc := bufio.NewScanner(&errb)
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), ": ")
		if !ok {
			continue
		}
		f, perr := strconv.ParseFloat(strings.TrimSpace(v), 64)
		switch {
		case perr != nil:
		case k == "User time (seconds)" || k == "System time (seconds)":
			m.cpu += time.Duration(f * float64(time.Second))
		case k == "Maximum resident set size (kbytes)":
			m.rssMiB = f / 1024
		}
	}
	return m
}

// report reports the medians of ms and logs a summary line.
func report(b *testing.B, name string, ms []runMetrics) {
	if len(ms) == 0 {
		return
	}
	med := func(f func(runMetrics) float64) float64 {
		v := make([]float64, len(ms))
		for i, m := range ms {
			v[i] = f(m)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	wall := med(func(m runMetrics) float64 { return float64(m.wall) / 1e6 })
	cpu := med(func(m runMetrics) float64 { return float64(m.cpu) / 1e6 })
	rss := med(func(m runMetrics) float64 { return m.rssMiB })
	b.ReportMetric(wall, "wall-ms")
	b.ReportMetric(cpu, "cpu-ms")
	b.ReportMetric(rss, "maxRSS-MB")
	var parts []string
	total := 0
	for _, k := range requestKinds {
		n := int(med(func(m runMetrics) float64 { return float64(m.requests[k]) }))
		b.ReportMetric(float64(n), k+"-req")
		parts = append(parts, fmt.Sprintf("%s %d", k, n))
		if k != "not-modified" && k != "connection" {
			total += n
		}
	}
	b.Logf("%s (median of %d): wall %.0f ms, cpu %.0f ms, max RSS %.1f MiB, %d requests: %s",
		name, len(ms), wall, cpu, rss, total, strings.Join(parts, ", "))
}
