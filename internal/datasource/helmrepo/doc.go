// Package helmrepo lists chart versions from Helm HTTP(S) repositories: it
// fetches <repo>/index.yaml once per URL per run (concurrent callers share
// one request), enforces a size cap while reading, parses the index into a
// minimal struct with a fast reader of helm's own layout (yaml.v3 and JSON
// as fallbacks), and turns entries into chart.Release values sorted by
// descending semver with absolute download URLs.
//
// It must not download chart archives, import helm's pkg/repo (which pulls
// in client-go), retry on its own (the httpx client does), or log or return
// credentials.
package helmrepo
