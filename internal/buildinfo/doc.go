// Package buildinfo reports bosun's version, commit and build date: set at
// link time by the release build, else read from the module build
// information that `go install …@vX` and `go build` in a git checkout
// record. It reads nothing else and has no dependencies.
package buildinfo
