// Package helmrepo lists chart versions from Helm HTTP(S) repositories: it
// fetches <repo>/index.yaml once per URL per run (concurrent callers share
// one request), enforces a size cap while reading, splits the index by
// chart with a scan of its text and decodes only the charts asked for
// (helm's own layout with a line reader, other block, flow and JSON
// layouts with yaml.v3 or encoding/json a few entries at a time, into a
// minimal struct; a document the scan does not understand is decoded
// whole by yaml.v3), and turns entries into chart.Release values sorted
// by descending semver with absolute download URLs.
//
// It must not download chart archives, import helm's pkg/repo (which pulls
// in client-go), retry on its own (the httpx client does), or log or return
// credentials.
package helmrepo
