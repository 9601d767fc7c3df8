package app

import (
	"github.com/bosunhq/bosun/internal/buildinfo"
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
}

// newLookup builds the datasources for one run from the config.
func (d *Deps) newLookup(cfg *config.Config, lo lookupOptions) datasource.Datasource {
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
	perHost := map[string]int{}
	for _, h := range hosts {
		if h.Concurrency > 0 {
			perHost[h.Match] = h.Concurrency
		}
	}
	retries := 3
	if cfg.Lookup.Retries != nil {
		retries = *cfg.Lookup.Retries
	}
	client := httpx.New(httpx.Options{
		UserAgent:   buildinfo.UserAgent(),
		Timeout:     cfg.Lookup.Timeout.Duration(),
		MaxAttempts: retries + 1,
		CacheDir:    cacheDir,
		Logger:      d.Logger,
		HostConcurrency: func(host string) int {
			return perHost[host]
		},
	})
	helm := helmrepo.New(client, helmrepo.Options{
		Hosts:        hosts,
		MaxIndexSize: cfg.Lookup.MaxIndexSize.Bytes(),
		Logger:       d.Logger,
	})
	oci := ocirepo.New(ocirepo.Options{
		Client:   client,
		Hosts:    hosts,
		Getenv:   d.Getenv,
		Logger:   d.Logger,
		CacheDir: cacheDir,
	})
	d.Logger.Debug("lookup ready", "cache", cacheDir != "")
	return datasource.New(helm, oci)
}
