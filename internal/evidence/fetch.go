package evidence

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Archives gives the bytes of one published chart version's archive (.tgz).
// *Fetcher implements it; tests and callers may supply their own.
type Archives interface {
	Archive(ctx context.Context, src chart.Source, name string, rel chart.Release) ([]byte, error)
}

// DefaultMaxArchiveSize is the per-archive cap when FetcherOptions sets none:
// Flux's limit for a chart (10 MiB).
const DefaultMaxArchiveSize = 10 << 20

// DefaultTimeout bounds one archive download, registry round trips
// included, when FetcherOptions sets no bound.
const DefaultTimeout = 2 * time.Minute

// DefaultConcurrency bounds archive downloads in flight when FetcherOptions
// sets no bound.
const DefaultConcurrency = 4

// FetcherOptions configure a Fetcher. The zero value downloads anonymously
// with http.DefaultClient and keeps nothing on disk.
type FetcherOptions struct {
	// Client sends every request (bosun's httpx client in production: it
	// adds retries, per-host limits and logging); nil means http.DefaultClient.
	Client *http.Client
	// Hosts maps source and archive URLs to mirrors and plain-HTTP endpoints.
	Hosts datasource.Hosts
	// HelmCredentials returns HTTP Basic credentials for a Helm repository
	// URL. They are sent only to the host the repository itself is fetched
	// from, never to another host named in the index.
	HelmCredentials func(repoURL string) (user, pass string, ok bool)
	// OCICredentials resolves credentials for a registry host (for example
	// ocirepo.DockerCredentials); nil means anonymous.
	OCICredentials auth.CredentialFunc
	// MaxArchiveSize caps one archive in bytes; an archive over it is not
	// downloaded and Archive fails with datasource.ErrTooLarge. 0 means
	// DefaultMaxArchiveSize.
	MaxArchiveSize int64
	// Concurrency bounds downloads in flight; 0 means DefaultConcurrency.
	Concurrency int
	// Timeout bounds one archive's download (waiting for a slot included);
	// 0 means DefaultTimeout. A download that times out is not retried
	// within the run.
	Timeout time.Duration
	// CacheDir, when set, keeps archives (and OCI manifests) by sha256
	// digest under CacheDir/charts, verified on every read. "" keeps them
	// in memory for the Fetcher's lifetime only.
	CacheDir string
	// Logger receives a debug line per download; nil discards.
	Logger *slog.Logger
}

// Fetcher downloads chart archives from Helm HTTP repositories and OCI
// registries. It memoizes results for its lifetime (make one per run) and
// is safe for concurrent use.
type Fetcher struct {
	opts  FetcherOptions
	log   *slog.Logger
	cache ocirepo.BlobCache
	sem   chan struct{}
	helm  *helmRemote
	oci   *ociRemote
	memo  datasource.OnceMap[string, []byte]
}

var _ Archives = (*Fetcher)(nil)

// NewFetcher returns a Fetcher.
func NewFetcher(opts FetcherOptions) *Fetcher {
	if opts.MaxArchiveSize <= 0 {
		opts.MaxArchiveSize = DefaultMaxArchiveSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Client == nil {
		opts.Client = http.DefaultClient
	}
	opts.Client = noStoreClient(opts.Client)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &Fetcher{opts: opts, log: log, sem: make(chan struct{}, opts.Concurrency)}
	f.cache = ocirepo.BlobCache{Dir: cacheRoot(opts.CacheDir), Log: log}
	f.helm = &helmRemote{client: opts.Client, hosts: opts.Hosts, creds: opts.HelmCredentials}
	f.oci = newOCIRemote(opts.Client, opts.OCICredentials)
	return f
}

// Archive returns the archive of rel, downloading it at most once per
// Fetcher (concurrent callers share one download) and not at all when the
// disk cache holds it. Helm HTTP releases need URLs (as helmrepo fills
// them); rel.Digest, when set, is verified and lets a warm cache answer
// without any request. OCI releases are found by rel.Tag (else the version
// with "+" as "_"); rel.Digest, the manifest digest, when set, pins the
// manifest and lets a warm cache answer without any request.
func (f *Fetcher) Archive(ctx context.Context, src chart.Source, name string, rel chart.Release) ([]byte, error) {
	key := string(src.Kind) + " " + src.URL + " " + name + " " + rel.Version + " " + rel.Tag + " " + rel.Digest
	b, err := f.memo.Do(ctx, key, func(ctx context.Context) ([]byte, error) {
		return f.fetch(ctx, src, name, rel)
	})
	if err != nil {
		return nil, fmt.Errorf("chart archive %s %s from %s: %w", name, rel.Version, httpx.RedactURL(src.URL), err)
	}
	return b, nil
}

func (f *Fetcher) fetch(ctx context.Context, src chart.Source, name string, rel chart.Release) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	switch src.Kind {
	case chart.SourceHelm:
		return f.fetchHelm(ctx, src, rel)
	case chart.SourceOCI:
		return f.fetchOCI(ctx, src, name, rel)
	default:
		return nil, fmt.Errorf("%w: kind %q", datasource.ErrUnsupported, src.Kind)
	}
}

// acquire takes a download slot; the returned func gives it back.
func (f *Fetcher) acquire(ctx context.Context) (func(), error) {
	select {
	case f.sem <- struct{}{}:
		return func() { <-f.sem }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (f *Fetcher) fetchHelm(ctx context.Context, src chart.Source, rel chart.Release) ([]byte, error) {
	want := normalizeDigest(rel.Digest)
	if b, ok := f.cache.Get(want, f.opts.MaxArchiveSize); ok {
		return b, nil
	}
	if len(rel.URLs) == 0 {
		return nil, fmt.Errorf("%w: the index entry lists no urls", datasource.ErrNotFound)
	}
	release, err := f.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	if want != "" {
		ctx = withNoStore(ctx) // kept here by digest, not again by the client
	}
	b, err := f.helm.download(ctx, src, rel.URLs[0], f.opts.MaxArchiveSize)
	if err != nil {
		return nil, err
	}
	got := digest.SHA256.FromBytes(b).String()
	if want != "" && got != want {
		return nil, fmt.Errorf("%w: archive digest %s, index says %s", datasource.ErrInvalid, got, want)
	}
	f.log.Debug("chart archive downloaded", "source", httpx.RedactURL(src.URL), "bytes", len(b))
	f.cache.Put(got, b)
	return b, nil
}

func (f *Fetcher) fetchOCI(ctx context.Context, src chart.Source, name string, rel chart.Release) ([]byte, error) {
	t, err := ocirepo.Resolve(f.opts.Hosts, src)
	if err != nil {
		return nil, err
	}
	ref := rel.Tag
	if ref == "" {
		ref = versioning.ToTag(rel.Version)
	}
	manifestDigest := normalizeDigest(rel.Digest)
	if manifestDigest != "" {
		if m, ok := f.cache.Get(manifestDigest, ocirepo.MaxManifestBytes); ok {
			if layer, err := chartLayer(m); err == nil {
				if b, ok := f.cache.Get(layer.Digest.String(), f.opts.MaxArchiveSize); ok {
					return b, nil
				}
			}
		}
		ref = manifestDigest
	}
	release, err := f.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	m, mdigest, err := f.oci.manifest(ctx, t, ref)
	if err != nil {
		return nil, err
	}
	f.cache.Put(mdigest, m)
	layer, err := chartLayer(m)
	if err != nil {
		return nil, err
	}
	if layer.Size > f.opts.MaxArchiveSize {
		return nil, fmt.Errorf("%w: chart layer of %d bytes, limit %d (not downloaded)", datasource.ErrTooLarge, layer.Size, f.opts.MaxArchiveSize)
	}
	if b, ok := f.cache.Get(layer.Digest.String(), f.opts.MaxArchiveSize); ok {
		return b, nil
	}
	b, err := f.oci.blob(withNoStore(ctx), t, layer)
	if err != nil {
		return nil, err
	}
	f.log.Debug("chart layer downloaded", "source", httpx.RedactURL(src.URL), "chart", name, "bytes", len(b))
	f.cache.Put(layer.Digest.String(), b)
	return b, nil
}

// cacheRoot is the archive cache directory under base ("" when base is "").
func cacheRoot(base string) string {
	if base == "" {
		return ""
	}
	return filepath.Join(base, "charts")
}

// normalizeDigest turns a Helm index digest (bare sha256 hex) or an OCI
// digest into "sha256:<hex>"; anything else gives "".
func normalizeDigest(d string) string {
	d = strings.ToLower(strings.TrimSpace(d))
	d = strings.TrimPrefix(d, "sha256:")
	if len(d) != 64 || strings.Trim(d, "0123456789abcdef") != "" {
		return ""
	}
	return "sha256:" + d
}

type noStoreKey struct{}

// withNoStore marks the requests made with ctx as content the Fetcher keeps
// by digest itself.
func withNoStore(ctx context.Context) context.Context {
	return context.WithValue(ctx, noStoreKey{}, true)
}

// noStoreClient is c sending marked requests with "Cache-Control:
// no-store", so a response cache inside c (httpx's) keeps no second copy of
// an archive the Fetcher caches by digest. Everything else about c (its
// retries, per-host limits, redirect policy) is unchanged.
func noStoreClient(c *http.Client) *http.Client {
	out := *c
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	out.Transport = noStoreTransport{next: next}
	return &out
}

type noStoreTransport struct{ next http.RoundTripper }

func (t noStoreTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if v, _ := req.Context().Value(noStoreKey{}).(bool); v {
		req = req.Clone(req.Context())
		req.Header.Set("Cache-Control", "no-store")
	}
	return t.next.RoundTrip(req)
}
