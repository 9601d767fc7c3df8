// Package glob matches "/"-separated paths (file paths, URLs) against
// doublestar globs, in time linear in the path: the one glob matcher of
// bosun, used for ignore lists, policy rule matches and config validation.
//
// A pattern is split at "/" into segments. A segment "**" matches any number
// of path segments, zero included; any other segment matches exactly one
// path segment with path.Match syntax ("*", "?", "[...]", "\\" escapes, none
// of which cross a "/"). Consecutive "**" segments act as one. Empty
// segments are literal: "oci://ghcr.io/**" has one between "oci:" and
// "ghcr.io".
//
// Matching simulates the pattern as a non-deterministic automaton over the
// path's segments, keeping the set of reachable pattern positions, so no
// pattern makes it backtrack: the cost is at most (pattern segments) ×
// (path segments) path.Match calls, each linear in its inputs.
//
// It does no I/O and knows nothing of repositories, charts or policy.
package glob
