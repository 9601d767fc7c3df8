// Package docs holds the tests that keep the user's manual true: every
// command and snippet in README.md is executed or validated, the config and
// action references in README.md are generated from config/bosun.schema.json
// and action.yml, and action.yml itself is checked and run the way the
// GitHub Actions runner runs it.
//
// It has no code of its own.
package docs
