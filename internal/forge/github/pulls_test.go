package github

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/forge"
)

// EachPullRequest reads pages only until told to stop.
func TestClient_EachPullRequest(t *testing.T) {
	t.Parallel()
	e := pagedPulls(t)
	tests := []struct {
		state, stop string
		want        []string
		pages       int
	}{
		{"all", "bosun/d", []string{"bosun/f", "bosun/e", "bosun/d"}, 2},
		{"all", "", []string{"bosun/f", "bosun/e", "bosun/d", "bosun/b", "bosun/a"}, 3},
		{"closed", "", []string{"bosun/b"}, 1},
	}
	for _, tt := range tests {
		before := len(e.f.Requests())
		var seen []string
		err := e.c.EachPullRequest(e.ctx, tt.state, "bosun/", func(p forge.PullRequest) bool {
			seen = append(seen, p.Head)
			return p.Head != tt.stop
		})
		if err != nil {
			t.Fatalf("EachPullRequest(%s) error = %v", tt.state, err)
		}
		if diff := cmp.Diff(tt.want, seen); diff != "" {
			t.Errorf("EachPullRequest(%s, stop at %q) mismatch (-want +got):\n%s", tt.state, tt.stop, diff)
		}
		if got := len(e.f.Requests()) - before; got != tt.pages {
			t.Errorf("EachPullRequest(%s, stop at %q) took %d requests, want %d pages", tt.state, tt.stop, got, tt.pages)
		}
	}
}
