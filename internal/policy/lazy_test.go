package policy

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

// Lazily, deciding describes the highest bucket's candidate only: not the
// current release for its appVersion, not a lower bucket's candidate,
// unless its age or the ref's digest matters. Eagerly, each of them is
// described (the current release once per bucket: the run's memo
// shares the call), and the decisions are the same.
func TestDecideBuckets_lazyDescribe(t *testing.T) {
	t.Parallel()
	var undescribed []chart.Release
	for _, v := range []string{"1.2.3", "1.2.4", "1.3.0", "2.0.0"} {
		undescribed = append(undescribed, rel(v, "undescribed"))
	}
	week := 7 * day
	cases := []struct {
		name  string
		s     Settings
		ref   chart.Ref
		lazy  bool
		calls string
		want  string
	}{
		{"eager", Settings{}, bucketRef(), false, "2.0.0 1.2.3 1.3.0 1.2.3",
			"major major 2.0.0 update; non-major minor 1.3.0 update"},
		{"lazy", Settings{}, bucketRef(), true, "2.0.0",
			"major major 2.0.0 update; non-major minor 1.3.0 update"},
		{"lazy, ages matter", Settings{MinimumReleaseAge: &week}, bucketRef(), true, "2.0.0 1.3.0",
			"major major 2.0.0 update; non-major minor 1.3.0 update"},
		{"lazy, digest pinned", Settings{}, digestRef(), true, "2.0.0 1.3.0",
			"major major 2.0.0 update; non-major minor 1.3.0 update"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := mustCompile(t, Options{Defaults: tc.s})
			if tc.lazy {
				r = r.WithLazyDescribe()
			}
			var mu sync.Mutex
			var calls []string
			describe := func(_ context.Context, x chart.Release) (chart.Release, error) {
				mu.Lock()
				calls = append(calls, x.Version)
				mu.Unlock()
				x.Described = true
				x.Created = now.Add(-30 * day)
				return x, nil
			}
			ds, err := r.DecideBuckets(context.Background(), tc.ref, slices.Clone(undescribed), describe, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := summary(ds); got != tc.want {
				t.Errorf("decisions: got  %s\nwant %s", got, tc.want)
			}
			if got := strings.Join(calls, " "); got != tc.calls {
				t.Errorf("described %q, want %q", got, tc.calls)
			}
		})
	}
}

func digestRef() chart.Ref {
	r := bucketRef()
	r.Digest = "sha256:" + strings.Repeat("a", 64)
	return r
}
