// Package forge holds the value types bosun exchanges with a code forge
// (repository, file change, pull request spec, pull request, commit) and the
// sentinel errors every forge adapter wraps its failures into.
//
// It does no I/O and holds no policy: which pull request to open, update or
// close is decided by the caller. Adapters live in subpackages (github), and
// forgetest holds a stateful in-process fake of GitHub's REST API.
package forge
