package helmrepotest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/testutil/statuswriter"
)

// Chart is one published chart version.
type Chart = chartbuild.Chart

// DefaultCreated is the Created time of a Chart that sets none.
var DefaultCreated = chartbuild.DefaultCreated

// Options shape the served repository.
type Options struct {
	// Path is where the repository lives on the server ("/" default,
	// "/stable" serves /stable/index.yaml).
	Path string
	// AbsoluteURLs writes absolute chart URLs in the index; default relative
	// ("charts/name-1.0.0.tgz"), as `helm repo index` without --url does.
	AbsoluteURLs bool
	// Username and Password, when set, require HTTP Basic auth (401 otherwise).
	Username, Password string
	// Gzip serves the index with Content-Encoding: gzip to clients that
	// accept it.
	Gzip bool
}

// Server is a running Helm repository.
type Server struct {
	// URL is the repository URL (server URL + Options.Path, no trailing slash).
	URL string

	srv  *httptest.Server
	opts Options

	mu       sync.Mutex
	charts   []Chart
	index    []byte
	etag     string
	modified time.Time
	gen      int
	wrap     func(http.Handler) http.Handler
	requests map[string]int
	n304     map[string]int
	bytes    map[string]int64
}

// New starts a repository serving charts, closed when the test ends.
func New(t testing.TB, charts ...Chart) *Server {
	return NewWithOptions(t, Options{}, charts...)
}

// NewWithOptions is New with options.
func NewWithOptions(t testing.TB, opts Options, charts ...Chart) *Server {
	t.Helper()
	opts.Path = "/" + strings.Trim(opts.Path, "/")
	s := &Server{opts: opts, requests: map[string]int{}, n304: map[string]int{}, bytes: map[string]int64{}}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	s.URL = strings.TrimSuffix(s.srv.URL+opts.Path, "/")
	s.charts = append(s.charts, charts...)
	if err := s.rebuild(); err != nil {
		t.Fatalf("helmrepotest: %v", err)
	}
	return s
}

// ServerURL is the bare server URL ("http://127.0.0.1:port").
func (s *Server) ServerURL() string { return s.srv.URL }

// Add publishes more chart versions; the index (and its ETag) changes.
func (s *Server) Add(charts ...Chart) error {
	s.mu.Lock()
	s.charts = append(s.charts, charts...)
	s.mu.Unlock()
	return s.rebuild()
}

// Wrap installs a middleware around the repository handler (fault
// injection); nil removes it. Counting happens inside the middleware, so
// requests it answers itself are not counted.
func (s *Server) Wrap(mw func(http.Handler) http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wrap = mw
}

// Requests is how many requests reached path ("/index.yaml", relative to
// the server root, Options.Path included).
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// NotModified is how many requests to path were answered 304.
func (s *Server) NotModified(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n304[path]
}

// BodyBytes is how many body bytes were written for path.
func (s *Server) BodyBytes(path string) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bytes[path]
}

// IndexPath is the server path of index.yaml.
func (s *Server) IndexPath() string { return strings.TrimSuffix(s.opts.Path, "/") + "/index.yaml" }

// Index returns the index.yaml currently served.
func (s *Server) Index() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.index...)
}

func (s *Server) rebuild() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	base := ""
	if s.opts.AbsoluteURLs {
		base = s.URL
	}
	idx, err := IndexYAML(base, s.charts...)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(idx)
	s.index = idx
	s.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	s.gen++
	s.modified = DefaultCreated.Add(time.Duration(s.gen) * time.Hour)
	return nil
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	mw := s.wrap
	s.mu.Unlock()
	var h http.Handler = http.HandlerFunc(s.handle)
	if mw != nil {
		h = mw(h)
	}
	h.ServeHTTP(w, r)
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests[r.URL.Path]++
	index, etag, modified, charts := s.index, s.etag, s.modified, s.charts
	s.mu.Unlock()
	if s.opts.Username != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.opts.Username || p != s.opts.Password {
			w.Header().Set("WWW-Authenticate", `Basic realm="helmrepotest"`)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	cw := &statuswriter.Writer{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.bytes[r.URL.Path] += cw.Bytes()
		if cw.Status() == http.StatusNotModified {
			s.n304[r.URL.Path]++
		}
		s.mu.Unlock()
	}()
	prefix := strings.TrimSuffix(s.opts.Path, "/")
	switch p := strings.TrimPrefix(r.URL.Path, prefix); {
	case p == "/index.yaml":
		cw.Header().Set("ETag", etag)
		cw.Header().Set("Last-Modified", modified.Format(http.TimeFormat))
		cw.Header().Set("Content-Type", "application/x-yaml")
		if inm := r.Header.Get("If-None-Match"); inm != "" {
			if inm == etag {
				cw.WriteHeader(http.StatusNotModified)
				return
			}
		} else if ims, err := http.ParseTime(r.Header.Get("If-Modified-Since")); err == nil && !modified.After(ims) {
			cw.WriteHeader(http.StatusNotModified)
			return
		}
		body := index
		if s.opts.Gzip && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(index)
			zw.Close()
			body = buf.Bytes()
			cw.Header().Set("Content-Encoding", "gzip")
		}
		cw.Header().Set("Content-Length", fmt.Sprint(len(body)))
		cw.Write(body)
	case strings.HasPrefix(p, "/charts/") && strings.HasSuffix(p, ".tgz"):
		file := strings.TrimPrefix(p, "/charts/")
		for _, c := range charts {
			if c.ArchiveName() == file {
				b, err := Archive(c)
				if err != nil {
					http.Error(cw, err.Error(), http.StatusInternalServerError)
					return
				}
				cw.Header().Set("Content-Type", "application/gzip")
				cw.Write(b)
				return
			}
		}
		http.NotFound(cw, r)
	default:
		http.NotFound(cw, r)
	}
}

// Archive builds the chart's .tgz: Chart.yaml, values.yaml and one
// template, deterministic (fixed mtimes, no gzip timestamp).
func Archive(c Chart) ([]byte, error) { return chartbuild.Archive(c) }

// IndexYAML renders index.yaml for charts the way helm writes it (entries
// sorted by descending version). baseURL "" writes relative URLs
// ("charts/<name>-<version>.tgz"); otherwise URLs are baseURL + "/charts/…".
func IndexYAML(baseURL string, charts ...Chart) ([]byte, error) {
	return chartbuild.IndexYAML(baseURL, charts...)
}

// WriteRepo writes a static repository to dir: index.yaml (relative URLs)
// and charts/<name>-<version>.tgz, as served by New.
func WriteRepo(dir string, charts ...Chart) error { return chartbuild.WriteRepo(dir, charts...) }
