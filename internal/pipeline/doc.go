// Package pipeline wires bosun's stages together for one run: the references
// found by the scanner are looked up (each chart source once, in parallel,
// bounded), decided by the policy, and grouped into a plan. Failures of one
// source are collected and never read as "no update"; everything else goes on.
//
// It owns no stage logic of its own: scanning, lookup, policy and grouping
// live in their packages, which it reaches through small interfaces.
package pipeline
