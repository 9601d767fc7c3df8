// Package ocirepo lists and describes Helm charts stored in OCI registries
// with oras-go v2: every page of the tag list (Link pagination), tags that
// parse as Flux versions with "_" mapped back to "+", and, for candidate
// versions only, the manifest and the small config blob (chart metadata).
//
// It owns registry access for OCI chart sources: mirror and plain-HTTP
// resolution through datasource.Hosts, credentials from the Docker config
// (as `helm registry login` writes it) plus GITHUB_TOKEN for ghcr.io, the
// per-run memo with singleflight, per-host concurrency limits and the
// classification of registry failures into datasource.Error.
//
// It must not download chart layers, send credentials to any host other than
// the one they are stored for (oras-go scopes them per host and strips
// Authorization on cross-origin redirects), put secrets in errors or logs,
// retry by itself (the injected *http.Client decides), or read the process
// environment except through Options.Getenv.
package ocirepo
