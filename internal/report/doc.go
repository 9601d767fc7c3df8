// Package report renders bosun's results for people and programs: text
// tables for a terminal, JSON documents with a stable, versioned schema,
// Markdown for pull request bodies, the dashboard issue and GitHub job
// summaries, and GitHub Actions annotations.
//
// It formats what it is given; it never looks anything up.
package report
