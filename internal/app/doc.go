// Package app is bosun's command-line interface: the cobra command tree, one
// Options struct and run function per command, the lazily built dependencies
// (logger, config, HTTP client, forge) and the single place where errors are
// mapped to exit codes.
//
// It wires stages together; it holds no scanning, lookup or policy logic.
package app
