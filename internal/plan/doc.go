// Package plan turns update decisions into groups: one group per chart
// source + chart (+ major or not) by default, named groups that combine
// charts, or one group per namespace. Each group has a deterministic branch
// name, a title, labels and a stable content hash, so that a later run can
// tell whether an open pull request is current.
//
// It is pure: no I/O, no lookups, no YAML.
package plan
