// Package chart holds the leaf value types that flow between bosun's stages:
// a chart Source, a Ref found by the scanner (with its exact location in a
// file), a published Release, skip reasons and update types.
//
// It does no I/O and imports nothing from the rest of bosun.
package chart
