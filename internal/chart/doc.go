// Package chart holds the leaf value types that flow between bosun's stages:
// a chart Source, a Ref found by the scanner (with its exact location in a
// file), a published Release, skip reasons and update types.
//
// It does no I/O and imports nothing from the rest of bosun but
// httpx.RedactURL, the one URL redactor: a Source shows (String, JSON) and
// keys (Ref.Key) its URL redacted, so credentials written into a source URL
// reach neither reports, logs nor PR bodies, while Source.URL keeps them for
// the lookup to authenticate with.
package chart
