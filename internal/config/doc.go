// Package config owns bosun's configuration file (bosun.yaml): its
// versioned schema (version: 1), finding it in a repository, strict
// decoding (unknown keys are errors, with line numbers), defaults, and
// Validate, which reports every problem at once with its line. It converts
// the file into the options of the stages that use it: policy.Options for
// the update policy and datasource.Hosts for the registries section, and
// checks rules against a repository's references (Unmatched: globs that
// match nothing, with a "did you mean").
//
// It must not decide updates itself (that is package policy), do network
// I/O, or be imported by the stage packages: they take their own Options.
// The JSON schema and example live in package configschema (config/).
package config
