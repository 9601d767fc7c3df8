// Package ocitest runs a real OCI registry on 127.0.0.1 for tests:
// go-containerregistry's in-memory registry (the demo serves its own read-only one),
// with distribution's paged tag lists and manifest ETags, behind a token
// access controller that gives the real 401 → Bearer challenge → token flow
// of the distribution token spec, anonymous or with username/password
// (tokens are Ed25519-signed JWTs carrying the granted access). It pushes
// real Helm chart artifacts and plain images with oras-go, counts the
// requests clients make (by kind, repository, status and body size: Counts,
// BodyCounts) and lets tests wrap the registry handler to inject faults.
// Options emulate what hosted registries do and distribution does not
// (WithTagListValidators: ETags and 304s on tags/list) and control tokens
// (WithTokenLifetime; RevokeTokens makes the registry refuse every token
// issued so far).
//
// It is test support only: it must never be imported by production code, it
// never listens beyond loopback, and it does not mimic any particular hosted
// registry's quirks beyond what a handler wrapper can express.
package ocitest
