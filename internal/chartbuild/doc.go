// Package chartbuild builds real Helm chart content in memory: chart
// archives (.tgz) that helm's loader accepts, index.yaml in the layout
// `helm repo index` writes, static repository trees, and OCI artifacts
// (config blob, one layer, manifest), pushed with oras-go or served as
// built. The demo's registries (internal/upstream) and the test servers
// (internal/testutil) both build their content here.
//
// Its output is deterministic: fixed modes and mtimes, no gzip timestamp,
// sorted entries. It must not import helm (its Metadata mirrors the JSON
// field names of helm's chart.Metadata) nor anything test-only (testing,
// net/http/httptest), because it ships in the binary for the demo.
package chartbuild
