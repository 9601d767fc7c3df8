package ocirepo

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Defaults for zero Options fields.
const (
	DefaultMaxTagPages = 1000
	// MaxManifestBytes caps an OCI manifest: the distribution spec suggests
	// 4 MiB as the manifest size registries should accept and clients may
	// expect, and oras-go caps metadata responses at 4 MiB by default. A
	// Helm chart's manifest is under 1 KiB.
	MaxManifestBytes = 4 << 20
	// maxConfigBytes caps the chart config blob (Chart.yaml as JSON, a few
	// KiB); source-controller caps a whole chart archive at 10 MiB.
	maxConfigBytes = 1 << 20
)

// Options configures a Source. The zero value works: anonymous access with
// http.DefaultClient and no environment.
type Options struct {
	// Client sends every request (retries, caching and the per-host
	// concurrency limit are its business: httpx.New); nil means
	// http.DefaultClient.
	Client *http.Client
	// Hosts maps source URLs to mirrors and plain-HTTP endpoints.
	Hosts datasource.Hosts
	// Credentials resolves credentials for the registry host actually
	// contacted (a mirror's host when one applies). nil means
	// DockerCredentials(Getenv).
	Credentials auth.CredentialFunc
	// Getenv reads DOCKER_CONFIG, HOME and GITHUB_TOKEN when Credentials is
	// nil; nil means no environment at all (pass os.Getenv in production).
	Getenv func(string) string
	// Logger receives debug lines per listing and warnings; nil discards.
	Logger *slog.Logger
	// MaxTagPages caps tag-list pages per repository; 0 means DefaultMaxTagPages.
	MaxTagPages int
	// MaxTags caps the distinct tags kept per repository; 0 means
	// DefaultMaxTags. A longer list fails with datasource.ErrTooLarge
	// rather than being cut, since the newest version could be in the part
	// cut off.
	MaxTags int
	// TagPageSize asks the registry for pages of this many tags (the "n"
	// parameter); 0 leaves it to the registry.
	TagPageSize int
	// CacheDir, when set, keeps chart config blobs by digest across runs
	// under CacheDir/oci/blobs. Manifests and tag lists are revalidated by
	// the Client's own cache (httpx), not here. Registry tokens are never
	// written there (nor anywhere): the directory is saved with
	// actions/cache, which pull-request runs, forks included, can restore.
	CacheDir string
	// ManifestOnly makes Describe read the manifest alone: Digest, Created
	// (the manifest's org.opencontainers.image.created annotation) and
	// NotChart, one request per release. AppVersion, KubeVersion,
	// Deprecated and Changes, which only the chart's config blob holds,
	// stay empty. For runs whose report shows none of them.
	ManifestOnly bool
}

// Source is the OCI datasource. It memoizes nothing but credentials and
// tokens (datasource.Memo is the run's memo): make one per run. It is safe
// for concurrent use.
type Source struct {
	opts    Options
	log     *slog.Logger
	auth    primingClient
	credErr error
	blobs   BlobCache
	shared  sharedScopes
}

// New returns a Source.
func New(opts Options) *Source {
	if opts.MaxTagPages <= 0 {
		opts.MaxTagPages = DefaultMaxTagPages
	}
	if opts.MaxTags <= 0 {
		opts.MaxTags = DefaultMaxTags
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Source{opts: opts, log: log}
	cred := opts.Credentials
	if cred == nil {
		c, err := DockerCredentials(opts.Getenv)
		if err != nil {
			s.credErr = err
			log.Warn("docker credentials unusable", "err", err)
		}
		cred = c
	}
	cred = memoCredential(cred)
	blobDir := ""
	if opts.CacheDir != "" {
		blobDir = filepath.Join(opts.CacheDir, "oci", "blobs")
	}
	s.blobs = BlobCache{Dir: blobDir, Log: log}
	// Tokens live in memory for the Source's lifetime (one run): one
	// token exchange per scope per run.
	s.auth = primingClient{&auth.Client{
		Client:     opts.Client,
		Credential: cred,
		Cache:      primingCache{auth.NewCache()},
	}}
	return s
}

// Target is the registry repository an oci:// source resolves to.
type Target struct {
	Ref   registry.Reference // Registry and Repository; no Reference
	Plain bool               // plain HTTP, as the host settings say
}

// Resolve maps an oci:// source through hosts (mirrors, plain-HTTP
// endpoints) to the repository to contact. Its errors wrap
// datasource.ErrUnsupported and name URLs without userinfo.
func Resolve(hosts datasource.Hosts, src chart.Source) (Target, error) {
	if src.Kind != chart.SourceOCI || !strings.HasPrefix(src.URL, "oci://") {
		return Target{}, fmt.Errorf("%w: not an oci:// source: %s", datasource.ErrUnsupported, httpx.RedactURL(src.URL))
	}
	ep := hosts.Resolve(src.URL)
	rest := ep.URL
	for _, p := range []string{"oci://", "https://", "http://"} {
		if r, ok := strings.CutPrefix(rest, p); ok {
			rest = r
			break
		}
	}
	rest = strings.TrimSuffix(rest, "/")
	host, repo, ok := strings.Cut(rest, "/")
	if i := strings.LastIndex(host, "@"); i >= 0 {
		host = host[i+1:]
	}
	if !ok || host == "" || repo == "" || strings.ContainsAny(repo, "?#@:") {
		return Target{}, fmt.Errorf("%w: no repository in %s", datasource.ErrUnsupported, httpx.RedactURL(ep.URL))
	}
	t := Target{Ref: registry.Reference{Registry: host, Repository: repo}, Plain: ep.PlainHTTP}
	if err := t.Ref.ValidateRegistry(); err != nil {
		return Target{}, fmt.Errorf("%w: %s: %v", datasource.ErrUnsupported, httpx.RedactURL(ep.URL), err)
	}
	if err := t.Ref.ValidateRepository(); err != nil {
		return Target{}, fmt.Errorf("%w: %s: %v", datasource.ErrUnsupported, httpx.RedactURL(ep.URL), err)
	}
	return t, nil
}

// Repository returns t as an oras-go repository whose requests go through
// client, with manifests capped at MaxManifestBytes.
func (t Target) Repository(client remote.Client) *remote.Repository {
	return &remote.Repository{
		Client:           client,
		Reference:        t.Ref,
		PlainHTTP:        t.Plain,
		MaxMetadataBytes: MaxManifestBytes,
	}
}

// target is a resolved source with the source as given, userinfo removed
// (for errors).
type target struct {
	Target
	src chart.Source
}

// resolve is Resolve with the Source's credential error first and errors
// as *datasource.Error.
func (s *Source) resolve(src chart.Source, name string) (target, error) {
	clean := chart.Source{Kind: src.Kind, URL: httpx.RedactURL(src.URL)}
	if s.credErr != nil {
		return target{src: clean}, &datasource.Error{Source: clean, Chart: name, Err: s.credErr}
	}
	t, err := Resolve(s.opts.Hosts, src)
	if err != nil {
		return target{src: clean}, &datasource.Error{Source: clean, Chart: name, Err: err}
	}
	return target{Target: t, src: clean}, nil
}

func (s *Source) repository(t target) *remote.Repository {
	return t.Repository(s.auth)
}

// Releases lists every tag of the chart's repository that is a Flux version
// (three dot-separated parts, Masterminds-parsable, after "_"→"+"), newest
// first. Releases are undescribed.
func (s *Source) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	t, err := s.resolve(src, name)
	if err != nil {
		return nil, err
	}
	var rels []chart.Release
	err = s.withShared(ctx, t, func(ctx context.Context) error {
		var err error
		rels, err = s.list(ctx, t, name)
		return err
	})
	if err != nil {
		return nil, lookupError(t.src, name, "list tags "+t.Ref.Registry+"/"+t.Ref.Repository, err)
	}
	return rels, nil
}

func (s *Source) list(ctx context.Context, t target, name string) ([]chart.Release, error) {
	start := time.Now()
	l := tagLister{client: s.auth, t: t, pageSize: s.opts.TagPageSize, maxPages: s.opts.MaxTagPages, maxTags: s.opts.MaxTags}
	tags, pages, dropped, err := l.list(ctx)
	if err != nil {
		return nil, err
	}
	rels, skipped := releasesFromTags(tags)
	s.log.Debug("listed oci tags", "source", t.src.URL, "chart", name, "registry", t.Ref.Registry,
		"pages", pages, "tags", len(tags), "versions", len(rels), "ignored", skipped+dropped, "took", time.Since(start))
	return rels, nil
}

type parsed struct {
	rel chart.Release
	v   *semver.Version
}

// releasesFromTags keeps the tags that are Flux versions and sorts them
// newest first; equal versions (build metadata differs) order by tag,
// descending, so the result never depends on registry order.
func releasesFromTags(tags []string) ([]chart.Release, int) {
	var ps []parsed
	skipped := 0
	for _, tag := range tags {
		ver := versioning.FromTag(tag)
		v, err := versioning.Parse(ver)
		if err != nil {
			skipped++
			continue
		}
		ps = append(ps, parsed{rel: chart.Release{Version: ver, Tag: tag}, v: v})
	}
	slices.SortFunc(ps, func(a, b parsed) int {
		if c := b.v.Compare(a.v); c != 0 {
			return c
		}
		return cmp.Compare(b.rel.Tag, a.rel.Tag)
	})
	out := make([]chart.Release, len(ps))
	for i, p := range ps {
		out[i] = p.rel
	}
	return out, skipped
}

// Describe fetches the manifest of r's tag (never the chart layer) and, when
// it is a Helm chart and Options.ManifestOnly is unset, its config blob:
// Created from the manifest's
// org.opencontainers.image.created annotation (zero when absent or
// unparsable), AppVersion, KubeVersion, Deprecated and Changes from the chart
// metadata, Digest = manifest digest. A tag holding anything else (an image)
// comes back with NotChart set and no error.
func (s *Source) Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error) {
	t, err := s.resolve(src, name)
	if err != nil {
		return r, err
	}
	tag := r.Tag
	if tag == "" {
		tag = versioning.ToTag(r.Version)
	}
	op := "describe " + t.Ref.Registry + "/" + t.Ref.Repository + ":" + tag
	if err := (registry.Reference{Registry: t.Ref.Registry, Repository: t.Ref.Repository, Reference: tag}).ValidateReferenceAsTag(); err != nil {
		return r, &datasource.Error{Source: t.src, Chart: name, Err: fmt.Errorf("%s: %w: %v", op, datasource.ErrInvalid, err)}
	}
	var d chart.Release
	err = s.withShared(ctx, t, func(ctx context.Context) error {
		var err error
		d, err = s.fetchDetails(ctx, t, tag)
		return err
	})
	if err != nil {
		return r, lookupError(t.src, name, op, err)
	}
	out := r
	out.Tag = tag
	out.Created, out.AppVersion, out.KubeVersion = d.Created, d.AppVersion, d.KubeVersion
	out.Deprecated, out.Digest, out.Changes, out.NotChart = d.Deprecated, d.Digest, d.Changes, d.NotChart
	out.Described = true
	return out, nil
}

// chartMeta is the part of the Helm config blob (Chart.yaml as JSON) we use.
type chartMeta struct {
	Version     string            `json:"version"`
	AppVersion  string            `json:"appVersion"`
	KubeVersion string            `json:"kubeVersion"`
	Deprecated  bool              `json:"deprecated"`
	Annotations map[string]string `json:"annotations"`
}

func (s *Source) fetchDetails(ctx context.Context, t target, tag string) (chart.Release, error) {
	repo := s.repository(t)
	desc, rc, err := repo.FetchReference(ctx, tag)
	if err != nil {
		return chart.Release{}, err
	}
	defer rc.Close()
	// oras-go does not cap a manifest whose response carries
	// Docker-Content-Digest: check the size before reading a byte.
	if desc.Size > MaxManifestBytes {
		return chart.Release{}, fmt.Errorf("%w: manifest of %d bytes (cap %d)", datasource.ErrTooLarge, desc.Size, MaxManifestBytes)
	}
	body, err := content.ReadAll(io.LimitReader(rc, MaxManifestBytes), desc)
	if err != nil {
		return chart.Release{}, fmt.Errorf("read manifest: %w", err)
	}
	var m struct {
		MediaType   string             `json:"mediaType"`
		Config      ocispec.Descriptor `json:"config"`
		Annotations map[string]string  `json:"annotations"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return chart.Release{}, fmt.Errorf("%w: manifest: %v", datasource.ErrInvalid, err)
	}
	d := chart.Release{Digest: desc.Digest.String(), Described: true}
	if ts := m.Annotations[ocispec.AnnotationCreated]; ts != "" {
		if c, err := time.Parse(time.RFC3339Nano, ts); err == nil {
			d.Created = c.UTC()
		}
	}
	if desc.MediaType == ocispec.MediaTypeImageIndex || m.Config.MediaType != versioning.HelmConfigMediaType {
		d.NotChart = true
		return d, nil
	}
	if s.opts.ManifestOnly {
		return d, nil
	}
	if m.Config.Size > maxConfigBytes {
		return chart.Release{}, fmt.Errorf("%w: config blob of %d bytes", datasource.ErrTooLarge, m.Config.Size)
	}
	cfg, ok := s.blobs.Get(m.Config.Digest.String(), m.Config.Size)
	if !ok || int64(len(cfg)) != m.Config.Size {
		cfg, err = content.FetchAll(ctx, repo, m.Config) // verifies size and digest
		if err != nil {
			return chart.Release{}, fmt.Errorf("fetch config %s: %w", m.Config.Digest, err)
		}
		s.blobs.Put(m.Config.Digest.String(), cfg)
	}
	var meta chartMeta
	if err := json.Unmarshal(cfg, &meta); err != nil {
		return chart.Release{}, fmt.Errorf("%w: chart config: %v", datasource.ErrInvalid, err)
	}
	d.AppVersion, d.KubeVersion, d.Deprecated = meta.AppVersion, meta.KubeVersion, meta.Deprecated
	d.Changes = meta.Annotations["artifacthub.io/changes"]
	return d, nil
}
