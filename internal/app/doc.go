// Package app is bosun's command-line interface: the cobra command tree, one
// Options struct and run function per command (with a runF hook so flag
// parsing is tested apart), the lazily built dependencies (logger, HTTP
// client, forge) and the single place where errors are mapped to exit codes
// and printed ("Error: …" and a hint). On a terminal, and never in CI or
// with -q, it draws the lookup progress on stderr.
//
// It parses flags, calls pipeline and prints through report; it holds no
// scanning, lookup, policy or formatting logic.
package app
