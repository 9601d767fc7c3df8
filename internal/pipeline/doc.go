// Package pipeline is bosun's whole pipeline for one run: it loads the
// config, scans the repository, looks up every chart source once (in
// parallel, bounded), applies the policy to each reference and groups the
// updates into a plan. Failures of one source are collected in the Result
// and never read as "no update"; everything else goes on.
//
// It owns the order of the stages, not their logic: scanning, lookup,
// policy and grouping live in their packages, and lookups are reached
// through the Lookup interface declared here. It prints nothing; app
// parses flags and report formats the Result.
package pipeline
