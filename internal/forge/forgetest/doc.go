// Package forgetest provides Fake, a stateful in-process fake of the parts of
// GitHub's REST API a pull-request bot uses: repository metadata, the Git Data
// API (refs, commits, trees, blobs), contents, compare, pull requests, issue
// labels and comments, issues (sharing numbers with pull requests),
// mergeability (computed asynchronously: a GET after the head or base moved
// answers null), commit statuses and check runs, merging (405 and 409 as
// GitHub answers), "Update branch" merge commits, branch protection,
// reviewers, assignees and the GraphQL enablePullRequestAutoMerge mutation,
// with GitHub's status codes, error bodies, Link pagination and rate-limit
// headers. State is an in-memory git object store plus pull requests,
// issues, labels, comments, statuses and checks; tests seed it (SetStatus,
// SetCheckRun, Protect, AllowAutoMerge, UpdateBranch, AmendCommit, EditBody)
// and assert on it.
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
