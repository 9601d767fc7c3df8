// Package forgetest provides Fake, a stateful in-process fake of the parts of
// GitHub's REST API a pull-request bot uses: repository metadata, the Git Data
// API (refs, commits, trees, blobs), contents, compare, pull requests, issue
// labels and comments, with GitHub's status codes, error bodies, Link
// pagination and rate-limit headers. State is an in-memory git object store
// plus pull requests, labels and comments; tests seed it and assert on it.
//
// Requests are routed by method and path patterns on a net/http ServeMux.
// Fault injection (one-shot or N-shot failures, primary and secondary rate
// limits, bad tokens, missing token permissions, a repository that refuses
// pull requests from GitHub Actions) and Silent, a server that never answers,
// let adapter tests exercise every error path without a network.
//
// It is for tests only: it listens on 127.0.0.1, never reaches beyond
// loopback, and must not be imported by non-test code in production paths.
package forgetest
