// Package buildinfo reports bosun's version, set at link time or read from
// the module build information.
package buildinfo

import "runtime/debug"

// Version is set with -ldflags "-X github.com/bosunhq/bosun/internal/buildinfo.Version=v1.2.3".
var Version = ""

// String returns the version of this binary.
func String() string {
	if Version != "" {
		return Version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// UserAgent is the User-Agent bosun sends.
func UserAgent() string { return "bosun/" + String() }
