// Package helmrepotest runs a real Helm HTTP chart repository on 127.0.0.1
// for tests: it serves chart archives and an index.yaml built by
// internal/chartbuild (loadable by helm's loader, in the layout `helm repo
// index` writes), serves the index with ETag and Last-Modified and answers
// conditional requests with 304, counts requests and body bytes per path,
// lets a test publish more versions while the server runs, and lets it wrap
// the handler to inject faults. Archive, IndexYAML and WriteRepo are
// chartbuild's builders under the names tests already use.
//
// It is test support only: production code must never import it (the demo
// builds its content with chartbuild directly), and it never listens
// beyond loopback.
package helmrepotest
