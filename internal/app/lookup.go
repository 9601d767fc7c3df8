package app

import (
	"net/http"

	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/buildinfo"
	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
)

// lookupOptions are the flags of commands that look versions up.
type lookupOptions struct {
	CacheDir string
	NoCache  bool
	// Lazy (set by plan for its text report, not a flag) describes only
	// what deciding needs: OCI releases by their manifest alone, lower
	// buckets' candidates and the current release not at all unless the
	// policy needs their age or digest (pipeline.Options.LazyDescribe).
	Lazy bool
}

// newLookup builds the datasources for one run from the config.
func (d *Deps) newLookup(cfg *config.Config, lo lookupOptions) *datasource.Memo {
	return d.newLookupKit(cfg, lo).lookup
}

// lookupKit is what one run's lookups share with the rest of the run: the
// memoized datasources, the HTTP client (retries, per-host limits, the
// response cache), the cache directory ("" with --no-cache), the host
// settings and the credentials (nil: anonymous, or the URL's userinfo).
type lookupKit struct {
	lookup    *datasource.Memo
	client    *http.Client
	cacheDir  string
	hosts     datasource.Hosts
	helmCreds func(url string) (string, string, bool)
	ociCreds  auth.CredentialFunc
}

// newLookupKit builds the datasources for one run from the config.
// lookup.timeout is a deadline per source (token exchange, every page,
// manifests, retries), not per request: a registry answering each request
// just in time cannot stretch a run.
func (d *Deps) newLookupKit(cfg *config.Config, lo lookupOptions) *lookupKit {
	hosts := cfg.Hosts()
	cacheDir := lo.CacheDir
	if cacheDir == "" {
		cacheDir = d.Getenv("BOSUN_CACHE_DIR")
	}
	if cacheDir == "" {
		cacheDir = httpx.DefaultCacheDir()
	}
	if lo.NoCache {
		cacheDir = ""
	}
	perHost := hostLimits(hosts)
	retries := 3
	if cfg.Lookup.Retries != nil {
		retries = *cfg.Lookup.Retries
	}
	client := httpx.New(httpx.Options{
		UserAgent:   buildinfo.UserAgent(),
		MaxAttempts: retries + 1,
		CacheDir:    cacheDir,
		Logger:      d.Logger,
		HostConcurrency: func(host string) int {
			return perHost[host]
		},
	})
	helmOpts := helmrepo.Options{
		Hosts:        hosts,
		MaxIndexSize: cfg.Lookup.MaxIndexSize.Bytes(),
		Logger:       d.Logger,
	}
	ociOpts := ocirepo.Options{
		Client:       client,
		Hosts:        hosts,
		Getenv:       d.Getenv,
		Logger:       d.Logger,
		CacheDir:     cacheDir,
		ManifestOnly: lo.Lazy,
	}
	if logins := newRegistryLogins(cfg); !logins.empty() {
		helmOpts.Credentials = logins.helm(d.Getenv)
		docker, err := ocirepo.DockerCredentials(d.Getenv)
		if err != nil {
			d.Logger.Warn("docker config not read", "err", err)
		}
		ociOpts.Credentials = logins.oci(d.Getenv, docker)
	}
	helm := helmrepo.New(client, helmOpts)
	oci := ocirepo.New(ociOpts)
	d.Logger.Debug("lookup ready", "cache", cacheDir != "")
	memo := datasource.New(helm, oci, datasource.WithSourceTimeout(cfg.Lookup.Timeout.Duration()))
	return &lookupKit{lookup: memo, client: client, cacheDir: cacheDir, hosts: hosts,
		helmCreds: helmOpts.Credentials, ociCreds: ociOpts.Credentials}
}

// hostLimits maps registries[].concurrency to the host actually contacted:
// the host itself, or its mirror's host.
func hostLimits(hosts datasource.Hosts) map[string]int {
	out := map[string]int{}
	for _, h := range hosts {
		if h.Concurrency > 0 {
			out[chart.Source{URL: h.Match}.Host()] = h.Concurrency
			if h.Mirror != "" {
				out[chart.Source{URL: h.Mirror}.Host()] = h.Concurrency
			}
		}
	}
	return out
}
