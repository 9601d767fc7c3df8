package helmrepo

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
)

// DefaultMaxIndexSize is Flux's index cap (50 MiB).
const DefaultMaxIndexSize = 50 << 20

// Options configure a Source.
type Options struct {
	// Hosts rewrites source URLs to mirrors.
	Hosts datasource.Hosts
	// MaxIndexSize caps the (decompressed) index; default 50 MiB.
	MaxIndexSize int64
	// Credentials returns HTTP Basic credentials for a source URL.
	Credentials func(url string) (user, pass string, ok bool)
	// Logger receives Debug records; nil discards.
	Logger *slog.Logger
}

// Source is a datasource.Datasource for Helm HTTP repositories. One Source
// serves one run: each index is fetched and parsed once.
type Source struct {
	client  *http.Client
	opts    Options
	log     *slog.Logger
	indexes datasource.OnceMap[string, *repoIndex]
}

// New returns a Source fetching through client (an httpx client).
func New(client *http.Client, opts Options) *Source {
	if opts.MaxIndexSize <= 0 {
		opts.MaxIndexSize = DefaultMaxIndexSize
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if client == nil {
		client = http.DefaultClient
	}
	return &Source{client: client, opts: opts, log: log}
}

// repoIndex is a parsed index and its per-chart release lists.
type repoIndex struct {
	base string // endpoint URL that relative chart URLs resolve against
	cat  *catalog

	mu       sync.Mutex
	releases map[string][]chart.Release
	errs     map[string]error
}

// Releases implements datasource.Datasource: every version of name in the
// repository's index, sorted by descending semver (unparsable last),
// described.
func (s *Source) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	fail := func(err error) error {
		return &datasource.Error{Source: src, Chart: name, Transient: transient(err), Err: err}
	}
	if src.Kind != chart.SourceHelm {
		return nil, fail(fmt.Errorf("%w: kind %q", datasource.ErrUnsupported, src.Kind))
	}
	ep := s.opts.Hosts.Resolve(src.URL)
	indexURL, err := ResolveReferenceURL(ep.URL, "index.yaml")
	if err != nil || !(strings.HasPrefix(indexURL, "http://") || strings.HasPrefix(indexURL, "https://")) {
		return nil, fail(fmt.Errorf("%w: not an http(s) repository url %s", datasource.ErrUnsupported, httpx.RedactURL(ep.URL)))
	}
	ri, err := s.indexes.Do(ctx, indexURL, func(ctx context.Context) (*repoIndex, error) {
		return s.fetch(ctx, src, ep.URL, indexURL)
	})
	if err != nil {
		return nil, fail(err)
	}
	rs, ok, err := ri.get(name)
	if err != nil {
		return nil, fail(fmt.Errorf("index %s: %w: %w", httpx.RedactURL(indexURL), datasource.ErrInvalid, err))
	}
	if !ok {
		return nil, fail(fmt.Errorf("chart %q in index %s: %w", name, httpx.RedactURL(indexURL), datasource.ErrNotFound))
	}
	return rs, nil
}

// Describe implements datasource.Datasource: index entries are complete, so
// r is returned unchanged.
func (s *Source) Describe(_ context.Context, _ chart.Source, _ string, r chart.Release) (chart.Release, error) {
	return r, nil
}

func transient(err error) bool {
	for _, perm := range []error{datasource.ErrNotFound, datasource.ErrUnauthorized, datasource.ErrTooLarge,
		datasource.ErrInvalid, datasource.ErrUnsupported} {
		if errors.Is(err, perm) {
			return false
		}
	}
	return httpx.IsTransient(err)
}

func (s *Source) fetch(ctx context.Context, src chart.Source, base, indexURL string) (*repoIndex, error) {
	redacted := httpx.RedactURL(indexURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, indexURL, nil)
	if err != nil {
		return nil, fmt.Errorf("fetch index %s: %w", redacted, datasource.ErrInvalid)
	}
	req.Header.Set("Accept", "application/x-yaml, text/yaml, application/json;q=0.9, */*;q=0.8")
	if s.opts.Credentials != nil {
		if u, p, ok := s.opts.Credentials(src.URL); ok {
			req.SetBasicAuth(u, p)
		}
	}
	start := time.Now()
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch index %s: %w", redacted, httpx.ScrubError(err))
	}
	defer resp.Body.Close()
	if err := httpx.CheckResponse(resp); err != nil {
		if sentinel := datasource.StatusSentinel(resp.StatusCode); sentinel != nil {
			return nil, fmt.Errorf("fetch index %s: %w: %w", redacted, sentinel, err)
		}
		return nil, fmt.Errorf("fetch index: %w", err)
	}
	body, err := readCapped(resp.Body, resp.ContentLength, s.opts.MaxIndexSize)
	if err != nil {
		return nil, fmt.Errorf("read index %s: %w", redacted, err)
	}
	cat, err := openCatalog(body)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w: %w", redacted, datasource.ErrInvalid, err)
	}
	s.log.Debug("helm index loaded", slog.String("source", httpx.RedactURL(src.URL)),
		slog.Int("charts", cat.size()), slog.Int("bytes", len(body)), slog.Bool("helm_layout", cat.helm),
		slog.Bool("revalidated", resp.Header.Get(httpx.CacheHeader) == httpx.CacheRevalidated),
		slog.Duration("duration", time.Since(start)))
	return &repoIndex{base: base, cat: cat, releases: map[string][]chart.Release{}, errs: map[string]error{}}, nil
}

// readCapped reads at most max bytes (after transparent or explicit gzip
// decoding), failing with datasource.ErrTooLarge beyond it.
func readCapped(r io.Reader, length, max int64) ([]byte, error) {
	if length > max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", datasource.ErrTooLarge, length, max)
	}
	var buf bytes.Buffer
	if length > 0 {
		buf.Grow(int(length) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(io.LimitReader(r, max+1)); err != nil {
		return nil, err
	}
	if int64(buf.Len()) > max {
		return nil, fmt.Errorf("%w: over %d bytes", datasource.ErrTooLarge, max)
	}
	b := buf.Bytes()
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", datasource.ErrInvalid, err)
		}
		var out bytes.Buffer
		if _, err := out.ReadFrom(io.LimitReader(zr, max+1)); err != nil {
			return nil, fmt.Errorf("%w: gzip: %w", datasource.ErrInvalid, err)
		}
		if int64(out.Len()) > max {
			return nil, fmt.Errorf("%w: decompressed index over %d bytes", datasource.ErrTooLarge, max)
		}
		b = out.Bytes()
	}
	return b, nil
}

// get decodes the entries of one chart on first use; the index's other
// charts are never decoded.
func (ri *repoIndex) get(name string) ([]chart.Release, bool, error) {
	ri.mu.Lock()
	defer ri.mu.Unlock()
	if rs, ok := ri.releases[name]; ok {
		return slices.Clone(rs), true, nil
	}
	if err, ok := ri.errs[name]; ok {
		return nil, false, err
	}
	es, ok, err := ri.cat.entries(name)
	if err != nil {
		ri.errs[name] = err
		return nil, false, err
	}
	if !ok {
		return nil, false, nil
	}
	rs := toReleases(ri.base, es)
	ri.releases[name] = rs
	return slices.Clone(rs), true, nil
}

func toReleases(base string, es []Entry) []chart.Release {
	type item struct {
		r chart.Release
		v *semver.Version
	}
	items := make([]item, 0, len(es))
	for _, e := range es {
		r := chart.Release{
			Version:     e.Version,
			AppVersion:  e.AppVersion,
			KubeVersion: e.KubeVersion,
			Deprecated:  e.Deprecated,
			Digest:      e.Digest,
			Changes:     e.Changes,
			Described:   true,
		}
		if t, err := time.Parse(time.RFC3339Nano, e.Created); err == nil {
			r.Created = t
		}
		for _, u := range e.URLs {
			if abs, err := ResolveReferenceURL(base, u); err == nil {
				r.URLs = append(r.URLs, abs)
			}
		}
		v, err := semver.NewVersion(e.Version)
		if err != nil {
			v = nil
		}
		items = append(items, item{r, v})
	}
	slices.SortStableFunc(items, func(a, b item) int {
		switch {
		case a.v == nil && b.v == nil:
			return 0
		case a.v == nil:
			return 1
		case b.v == nil:
			return -1
		}
		if c := b.v.Compare(a.v); c != 0 {
			return c
		}
		return b.r.Created.Compare(a.r.Created) // equal precedence: later first (Flux)
	})
	out := make([]chart.Release, len(items))
	for i, it := range items {
		out[i] = it.r
	}
	return out
}

// ResolveReferenceURL resolves ref against base the way Helm does
// (pkg/repo ResolveReferenceURL): an absolute ref is returned unchanged;
// otherwise base gets exactly one trailing slash, RFC 3986 resolution
// applies, and base's query string is kept.
func ResolveReferenceURL(base, ref string) (string, error) {
	r, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("parse chart url: %w", err)
	}
	if r.IsAbs() {
		return ref, nil
	}
	b, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("parse repository url: %w", err)
	}
	b.RawPath = strings.TrimRight(b.RawPath, "/") + "/"
	b.Path = strings.TrimRight(b.Path, "/") + "/"
	res := b.ResolveReference(r)
	res.RawQuery = b.RawQuery
	return res.String(), nil
}
