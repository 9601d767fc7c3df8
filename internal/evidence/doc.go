// Package evidence tells a reviewer what a chart update actually changes. It
// downloads the current and the proposed chart archive (Helm HTTP: the
// index entry's urls; OCI: the chart layer), loads them with helm's
// pkg/chart/loader, and reports per update: appVersion and the deprecated
// flag, the artifacthub.io/changes changelog of every version in between,
// home/source links with GitHub compare and release-notes links (built, never
// fetched), a unified diff of the default values.yaml, the HelmRelease's
// values checked against the new values.schema.json and against the keys the
// new defaults dropped, the kubeVersion constraint against the given cluster
// versions, CRD changes against the release's CRD policy, and a one-line
// risk summary. Markdown renders all of it for a pull request body within a
// size budget, with registry text escaped and @mentions and #references
// neutralised.
//
// Releases reads, from a repository's parsed files, what each HelmRelease
// sets (inline values merged over the ConfigMaps of spec.valuesFrom that a
// configMapGenerator or a ConfigMap document in the repository provides,
// and the CRD policy), as Update.Values and Update.CRDs.
//
// Fetcher owns archive downloads: a size cap per archive (an archive over it
// is not downloaded), one download per archive per run (singleflight), a
// bound on downloads in flight, and a content-addressed disk cache
// (CacheDir/charts) verified on every read, so a warm run downloads nothing.
//
// It must not import helm packages beyond pkg/chart and pkg/chart/loader
// (pkg/repo, getter, action and chartutil pull client-go into the binary),
// send credentials to a host other than the one they belong to, put secrets
// in errors, logs, the cache or rendered Markdown, follow $ref out of a
// values schema (no file or network loads), read a file outside the
// repository root or a Secret, or fail a whole run because one
// archive could not be had: such problems become notes on that update.
package evidence
