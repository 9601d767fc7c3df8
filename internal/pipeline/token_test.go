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
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// The lookups of one run share one registry token: the pipeline tells the
// lookup which sources it will ask about before it asks, so the token
// request names all of them, and the registry challenges only once.
func TestDecideRefs_OneTokenPerRegistry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	r := ocitest.New(t)
	var refs []chart.Ref
	for _, repo := range []string{"charts/a", "charts/b", "charts/c"} {
		r.PushChart(t, repo, "app", "1.0.0", now.Add(-60*24*time.Hour), "")
		r.PushChart(t, repo, "app", "1.1.0", now.Add(-30*24*time.Hour), "")
		src := chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Ref(repo)}
		refs = append(refs, ref(repo+".yaml", src, "app", "1.0.0"))
	}
	oci := ocirepo.New(ocirepo.Options{Client: r.Client(), Getenv: func(string) string { return "" }})
	lookup := datasource.New(helmrepo.New(r.Client(), helmrepo.Options{}), oci)
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := decideRefs(context.Background(), refs, lookup, rules, stageOptions{now: now, concurrency: 3})
	if len(res.Failed) != 0 || len(res.Groups) != 3 {
		t.Fatalf("failed %+v, %d groups: want 3 updates", res.Failed, len(res.Groups))
	}
	tokens, challenges := 0, 0
	for _, q := range r.Requests() {
		switch {
		case q.Kind == ocitest.KindToken && q.Repo == "charts/a":
			tokens++ // a request naming several repositories is recorded once per repository
		case q.Kind != ocitest.KindToken && q.Status == http.StatusUnauthorized:
			challenges++
		}
	}
	if tokens != 1 || challenges != 1 {
		t.Errorf("token requests %d, 401 challenges %d; want 1 and 1", tokens, challenges)
	}
	if c := r.TotalCounts(); c.Token != 3 {
		t.Errorf("token request scopes %d, want 3 (one request naming the 3 repositories)", c.Token)
	}
}
