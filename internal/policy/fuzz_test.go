package policy

import (
	"context"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

// FuzzDecide checks that no version strings panic Decide, and that an
// update always names a release that was offered.
func FuzzDecide(f *testing.F) {
	f.Add("1.2.3", "1.2.4", "2.0.0-rc.1", "keep")
	f.Add("1.x", "1.5.0", "2.1.0", "widen")
	f.Add(">=1.0.0 <2.0.0", "v2.0.0", "3.0.0+b", "replace")
	f.Add("v1.2.3", "1.2.3_x", "v9.9.9", "replace")
	f.Fuzz(func(t *testing.T, current, a, b, strategy string) {
		r, err := Compile(Options{Defaults: Settings{RangeStrategy: RangeStrategy(strategy)}})
		if err != nil {
			return
		}
		ref := chart.Ref{Kind: "HelmRelease", Chart: "x", Field: chart.FieldVersion, Version: current}
		if !isExactish(current) {
			ref.Skip = chart.SkipRange
		}
		rels := []chart.Release{{Version: a, Described: true}, {Version: b, Described: true}}
		d, _ := r.Decide(context.Background(), ref, rels, nil, now)
		if d.Status == StatusUpdate && (d.To == nil || (d.To.Version != a && d.To.Version != b)) {
			t.Errorf("update to a release not offered: %+v", d)
		}
	})
}

func isExactish(s string) bool {
	for _, c := range s {
		if c == '^' || c == '~' || c == '<' || c == '>' || c == 'x' || c == '*' || c == '|' || c == ' ' {
			return false
		}
	}
	return true
}
