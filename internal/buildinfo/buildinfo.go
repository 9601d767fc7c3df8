// Package buildinfo reports bosun's version, commit and build date: set at
// link time by the release build, else read from the module build
// information that `go install …@vX` and `go build` in a git checkout
// record. It reads nothing else and has no dependencies.
package buildinfo

import (
	"runtime/debug"
	"sync"
)

// Set by the release build (GoReleaser) with -ldflags "-X
// github.com/bosunhq/bosun/internal/buildinfo.Version=v1.2.3 -X ...Commit=<sha> -X ...Date=<RFC 3339>".
var (
	Version = ""
	Commit  = ""
	Date    = ""
)

// Info is what a binary knows about its build.
type Info struct {
	Version string // "v1.2.3", or "dev" for a build that is not a release
	Commit  string // full commit SHA, "" when unknown
	Date    string // commit or build time (RFC 3339), "" when unknown
	Dirty   bool   // built from a checkout with uncommitted changes
}

var (
	once sync.Once
	info Info
)

// Get returns the build information of this binary.
func Get() Info {
	once.Do(func() {
		bi, _ := debug.ReadBuildInfo()
		info = resolve(Version, Commit, Date, bi)
	})
	return info
}

// resolve prefers the link-time values, then the build information: the
// module version (set by go install …@vX), and the vcs.* settings that go
// build records in a git checkout.
func resolve(version, commit, date string, bi *debug.BuildInfo) Info {
	in := Info{Version: version, Commit: commit, Date: date}
	if bi != nil {
		if in.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			in.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if in.Commit == "" {
					in.Commit = s.Value
				}
			case "vcs.time":
				if in.Date == "" {
					in.Date = s.Value
				}
			case "vcs.modified":
				in.Dirty = s.Value == "true" && commit == ""
			}
		}
	}
	if in.Version == "" {
		in.Version = "dev"
	}
	return in
}

// String returns the version of this binary.
func String() string { return Get().Version }

// UserAgent is the User-Agent bosun sends.
func UserAgent() string { return "bosun/" + String() }
