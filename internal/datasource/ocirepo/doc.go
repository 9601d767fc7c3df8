// Package ocirepo lists and describes Helm charts stored in OCI registries:
// every page of the tag list (its own pager over oras-go v2's auth.Client,
// following Link rel="next" with loop detection and size caps, tags.go),
// tags that parse as Flux versions with "_" mapped back to "+" (versioning),
// and, for candidate versions only, the manifest (at most 4 MiB) and the
// small config blob (chart metadata) through oras-go v2; with
// Options.ManifestOnly (a report without release details), the manifest
// alone.
//
// It owns registry access for OCI chart sources: mirror and plain-HTTP
// resolution through datasource.Hosts, credentials from the Docker config
// (as `helm registry login` writes it) plus GITHUB_TOKEN for ghcr.io, and
// the classification of registry failures into datasource.Error. The run's
// memo is datasource.Memo and the per-host limit is the injected client's
// (httpx): neither is repeated here.
//
// With Options.CacheDir it also owns CacheDir/oci/blobs: chart config blobs
// by digest, verified on every read (BlobCache, which the evidence fetcher
// uses for chart archives too). Manifests and tag lists are not kept here:
// the injected client's conditional-request cache (httpx) revalidates them,
// so a warm run downloads a body only for what changed.
// Credentials and registry tokens are never written anywhere: tokens live in
// memory for one run (one token exchange per repository per run), because
// the cache directory is saved with actions/cache, which pull-request
// workflows of the repository, forks included, can restore.
//
// It must not download chart layers, send credentials to any host other than
// the one they are stored for (oras-go scopes them per host and strips
// Authorization on cross-origin redirects), put secrets in errors or logs,
// retry by itself (the injected *http.Client decides), read the process
// environment except through Options.Getenv, or serve anything from disk
// that is not either content-addressed and verified (blobs) or confirmed by
// the registry (manifests and tag lists, through a 304).
package ocirepo
