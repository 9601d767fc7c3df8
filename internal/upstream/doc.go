// Package upstream runs real chart sources on loopback for the offline demo
// and the end-to-end tests: one OCI registry (a read-only, in-memory
// handler for the pull side of the distribution spec, holding charts as
// Helm OCI artifacts) and one HTTP server hosting any number of Helm
// repositories (real index.yaml and .tgz), plus the registry mirrors that
// map real-looking source URLs ("oci://ghcr.io/…", "https://charts.jetstack.io")
// to them. The content comes from internal/chartbuild.
//
// It ships in the binary (`bosun demo`), so it must not import test
// support (internal/testutil, testing, net/http/httptest). It never
// reaches beyond 127.0.0.1.
package upstream
