package publish

import (
	"context"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/plan"
)

// TestPublish_BodyRenderedOnlyWhenWritten: the body renderer of `bosun run`
// gathers evidence (it reads the repository, downloads chart archives), so
// publish calls it only for a pull request it creates or edits, never for
// one that is open and unchanged.
func TestPublish_BodyRenderedOnlyWhenWritten(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha", "beta")
	calls := map[string]int{}
	run := func(gs []plan.Group) []Outcome {
		t.Helper()
		clear(calls)
		opts := Options{Labels: []string{"dependencies"}, Body: func(g plan.Group) string {
			calls[g.Branch]++
			return testBody(g)
		}}
		out, err := Publish(context.Background(), e.forge, gs, nil, opts)
		if err != nil {
			t.Fatalf("Publish: %v", err)
		}
		return out
	}
	alpha, beta := update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor), update("beta", "1.0.0", "1.0.1", chart.UpdatePatch)

	assertSummary(t, run(groups(alpha, beta)), "bosun/alpha created #1", "bosun/beta created #2")
	if calls["bosun/alpha"] != 1 || calls["bosun/beta"] != 1 {
		t.Errorf("creating: body rendered %v, want once per pull request", calls)
	}

	assertSummary(t, run(groups(alpha, beta)), "bosun/alpha unchanged #1", "bosun/beta unchanged #2")
	if len(calls) != 0 {
		t.Errorf("unchanged pull requests: body rendered %v, want never", calls)
	}

	newer := update("alpha", "1.0.0", "1.2.0", chart.UpdateMinor)
	assertSummary(t, run(groups(newer, beta)), "bosun/alpha updated #1", "bosun/beta unchanged #2")
	if calls["bosun/alpha"] != 1 || calls["bosun/beta"] != 0 {
		t.Errorf("updating alpha: body rendered %v, want once for alpha only", calls)
	}
	if md, _ := parseMeta(e.pr("bosun/alpha").Body); md.Hash != groups(newer)[0].Hash {
		t.Errorf("updated pull request carries hash %s", md.Hash)
	}
}
