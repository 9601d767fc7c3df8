// Package versioning compares chart versions with Flux's semantics:
// Masterminds semver v3, a version must have three dot-separated parts
// (fluxcd/pkg/version.ParseVersion), a "v" prefix is accepted and kept, and a
// version field that is not an exact version is a Masterminds constraint.
// It also maps chart versions to OCI tags ("+" ↔ "_", as Helm and Flux do)
// and classifies a change as a major, minor, patch or digest update.
//
// It owns no policy (which versions are allowed) and does no I/O.
package versioning
