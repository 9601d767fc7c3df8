package pipeline

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/policy"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// Two sources that differ only in a query value (a token naming the
// repository to serve, say) share chart.Ref.Key, which is redacted, but
// are looked up apart: each reference gets its own source's releases.
func TestDecideRefs_SourcesDifferingInQueryApart(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	old := now.Add(-30 * 24 * time.Hour)
	repos := map[string]*helmrepotest.Server{
		"a": helmrepotest.New(t, helmrepotest.Chart{Name: "app", Version: "1.0.0", Created: old}, helmrepotest.Chart{Name: "app", Version: "1.1.0", Created: old}),
		"b": helmrepotest.New(t, helmrepotest.Chart{Name: "app", Version: "1.0.0", Created: old}, helmrepotest.Chart{Name: "app", Version: "1.2.0", Created: old}),
	}
	front := helmrepotest.New(t)
	front.Wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			repo, ok := repos[req.URL.Query().Get("token")]
			if !ok {
				http.NotFound(w, req)
				return
			}
			w.Header().Set("Content-Type", "application/x-yaml")
			_, _ = w.Write(repo.Index())
		})
	})
	srcA := chart.Source{Kind: chart.SourceHelm, URL: front.URL + "?token=a"}
	srcB := chart.Source{Kind: chart.SourceHelm, URL: front.URL + "?token=b"}
	refs := []chart.Ref{ref("a.yaml", srcA, "app", "1.0.0"), ref("b.yaml", srcB, "app", "1.0.0")}
	if refs[0].Key() != refs[1].Key() {
		t.Fatalf("keys %q and %q differ: the test needs sources that share a key", refs[0].Key(), refs[1].Key())
	}
	lookup := datasource.New(helmrepo.New(http.DefaultClient, helmrepo.Options{}), ocirepo.New(ocirepo.Options{Getenv: func(string) string { return "" }}))
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := decideRefs(context.Background(), refs, lookup, rules, stageOptions{now: now, concurrency: 2})
	if len(res.Failed) != 0 {
		t.Fatalf("failed: %+v", res.Failed)
	}
	want := map[string]string{"a.yaml": "1.1.0", "b.yaml": "1.2.0"}
	for _, d := range res.Decisions {
		got := ""
		if d.To != nil {
			got = d.To.Version
		}
		if got != want[d.Ref.Loc.File] {
			t.Errorf("%s: update to %q (%s), want %q, its own source's newest", d.Ref.Loc.File, got, d.Status, want[d.Ref.Loc.File])
		}
	}
}
