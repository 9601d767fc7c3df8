// Package github is bosun's GitHub forge adapter: a thin, faithful layer over
// go-github v60 for what a pull-request bot needs — reading branches and
// files, committing through the Git Data API (tree → commit → ref, with no
// author so GITHUB_TOKEN commits show as verified), and finding, opening,
// updating, labelling, commenting on and closing pull requests; their
// lifecycle (mergeability re-read while GitHub computes it, combined status
// and check runs, merging with an expected head, branch protection and
// rulesets, reviewers and assignees, GitHub's auto-merge through one small
// GraphQL mutation); and the issues a dashboard needs.
//
// It owns bounding every request (connect, TLS, response-header and
// per-attempt timeouts through httpx's client), retries of server errors
// and of failed reads, waiting out primary and secondary rate limits within
// a budget, and mapping failures onto the forge sentinels (with the token
// permission a 403 implies, or the repository setting when no permission
// helps). It decides nothing about which
// pull requests should exist: that is the caller's job. It never logs or
// returns the token.
package github
