// Package docs holds the tests that keep the user's manual and the release
// machinery true: every command and snippet in README.md and docs/*.md is
// executed or validated; the config reference (docs/config.md) and the
// action reference (README.md) are generated from config/bosun.schema.json
// and action.yml; action.yml is checked and its steps run the way the
// GitHub Actions runner runs them, the install step against a release
// server on loopback; .goreleaser.yaml is checked against what the Action
// downloads; and the project's workflows are linted and checked for pinned
// actions and least permissions.
//
// It has no code of its own.
package docs
