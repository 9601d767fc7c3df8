// Package demo is bosun's offline demonstration: a sample home-ops
// repository embedded in the binary, copied to a temporary directory, and
// real chart sources started on loopback (internal/upstream) publishing
// several versions of every chart it uses, mapped in by registry mirrors.
// `bosun demo` then runs the real plan on it.
package demo
