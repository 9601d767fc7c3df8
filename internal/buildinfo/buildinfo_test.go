package buildinfo

import (
	"runtime/debug"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestResolve(t *testing.T) {
	t.Parallel()
	vcs := []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}
	tests := []struct {
		name                  string
		version, commit, date string
		bi                    *debug.BuildInfo
		want                  Info
	}{
		{name: "release build (ldflags)", version: "v1.2.3", commit: "f00", date: "2026-12-02T00:00:00Z",
			bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs}, want: Info{Version: "v1.2.3", Commit: "f00", Date: "2026-12-02T00:00:00Z"}},
		{name: "go install @v1.2.3", bi: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}},
			want: Info{Version: "v1.2.3"}},
		{name: "go build in a checkout", bi: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs},
			want: Info{Version: "dev", Commit: "abc123", Date: "2026-12-01T10:00:00Z", Dirty: true}},
		{name: "no build info", want: Info{Version: "dev"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := resolve(tt.version, tt.commit, tt.date, tt.bi)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resolve() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
