// Package helmrepotest runs a real Helm HTTP chart repository on 127.0.0.1
// for tests: it builds real chart archives (loadable by helm's loader) and an
// index.yaml in the exact layout `helm repo index` writes (sigs.k8s.io/yaml
// over helm's own chart.Metadata), serves the index with ETag and
// Last-Modified and answers conditional requests with 304, counts requests
// and body bytes per path, lets a test publish more versions while the
// server runs, and lets it wrap the handler to inject faults. WriteRepo and
// IndexYAML produce the same files without a server (for demos and
// benchmarks).
//
// It is test support only: production code must never import it, it never
// listens beyond loopback, and it imports helm only through pkg/chart.
package helmrepotest
