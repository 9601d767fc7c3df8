package datasource

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
)

// counting is a chart source that counts calls and can block them.
type counting struct {
	releases, describes atomic.Int32
	gate                chan struct{} // when non-nil, Releases waits for it
	err                 error
}

func (c *counting) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	c.releases.Add(1)
	if c.gate != nil {
		select {
		case <-c.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if c.err != nil {
		return nil, &Error{Source: src, Chart: name, Err: c.err}
	}
	return []chart.Release{{Version: "2.0.0", Described: true}, {Version: "1.0.0", Tag: string(src.Kind) + "/" + name}}, nil
}

func (c *counting) Describe(_ context.Context, _ chart.Source, _ string, r chart.Release) (chart.Release, error) {
	c.describes.Add(1)
	r.Described = true
	r.AppVersion = "app-" + r.Version
	return r, nil
}

var (
	helmSrc = chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com"}
	ociSrc  = chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/x/app"}
)

func TestMemo_Releases(t *testing.T) {
	t.Parallel()
	helm, oci := &counting{gate: make(chan struct{})}, &counting{}
	ds := New(helm, oci)
	var wg sync.WaitGroup
	got := make([][]chart.Release, 20)
	for i := range 20 {
		wg.Go(func() {
			var err error
			got[i], err = ds.Releases(t.Context(), helmSrc, "podinfo")
			if err != nil {
				t.Error(err)
			}
		})
	}
	for helm.releases.Load() == 0 {
		// wait until the one call is in flight
		runtime.Gosched()
	}
	close(helm.gate)
	wg.Wait()
	if n := helm.releases.Load(); n != 1 {
		t.Errorf("helm Releases called %d times, want 1", n)
	}
	got[0][0].Version = "mutated" // callers own their slices
	if got[1][0].Version != "2.0.0" {
		t.Errorf("callers share a slice")
	}
	if _, err := ds.Releases(t.Context(), helmSrc, "other"); err != nil || helm.releases.Load() != 2 {
		t.Errorf("other chart: %v, calls %d", err, helm.releases.Load())
	}
	rs, err := ds.Releases(t.Context(), ociSrc, "app")
	if err != nil || oci.releases.Load() != 1 || rs[1].Tag != "oci/app" {
		t.Errorf("oci dispatch: %v %v", rs, err)
	}
}

func TestMemo_Describe(t *testing.T) {
	t.Parallel()
	oci := &counting{}
	ds := New(nil, oci)
	r := chart.Release{Version: "1.0.0", Tag: "1.0.0"}
	for range 3 {
		got, err := ds.Describe(t.Context(), ociSrc, "app", r)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(chart.Release{Version: "1.0.0", Tag: "1.0.0", AppVersion: "app-1.0.0", Described: true}, got); diff != "" {
			t.Errorf("Describe mismatch (-want +got):\n%s", diff)
		}
	}
	done := chart.Release{Version: "2.0.0", Described: true}
	if got, _ := ds.Describe(t.Context(), ociSrc, "app", done); !cmp.Equal(got, done) {
		t.Errorf("described release changed: %+v", got)
	}
	if n := oci.describes.Load(); n != 1 {
		t.Errorf("Describe called %d times, want 1", n)
	}
}

func TestMemo_ErrorsMemoized(t *testing.T) {
	t.Parallel()
	helm := &counting{err: fmt.Errorf("index: %w", ErrNotFound)}
	ds := New(helm, nil)
	for range 3 {
		if _, err := ds.Releases(t.Context(), helmSrc, "x"); !errors.Is(err, ErrNotFound) {
			t.Errorf("err = %v", err)
		}
	}
	if n := helm.releases.Load(); n != 1 {
		t.Errorf("failing source queried %d times, want 1", n)
	}
}

func TestMemo_CancelledCallNotMemoized(t *testing.T) {
	t.Parallel()
	helm := &counting{gate: make(chan struct{})}
	ds := New(helm, nil)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := ds.Releases(ctx, helmSrc, "x"); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	close(helm.gate)
	if _, err := ds.Releases(t.Context(), helmSrc, "x"); err != nil {
		t.Errorf("after a cancelled call: %v", err)
	}
	if n := helm.releases.Load(); n != 2 {
		t.Errorf("calls = %d, want 2", n)
	}
}

func TestMulti_Unsupported(t *testing.T) {
	t.Parallel()
	ds := New(&counting{}, nil)
	for _, src := range []chart.Source{ociSrc, {Kind: "git", URL: "https://x"}} {
		_, err := ds.Releases(t.Context(), src, "app")
		var de *Error
		if !errors.Is(err, ErrUnsupported) || !errors.As(err, &de) || de.Transient {
			t.Errorf("%v: err = %v, want permanent ErrUnsupported", src, err)
		}
	}
}

func TestOnceMap_Do(t *testing.T) {
	t.Parallel()
	var m OnceMap[string, int]
	calls := 0
	fn := func(context.Context) (int, error) { calls++; return calls, nil }
	for range 3 {
		if v, err := m.Do(t.Context(), "k", fn); v != 1 || err != nil {
			t.Fatalf("Do() = %d, %v; want 1, nil", v, err)
		}
	}
	if v, _ := m.Do(t.Context(), "other", fn); v != 2 {
		t.Errorf("second key = %d, want 2", v)
	}
}

func TestOnceMap_leaderCancelled(t *testing.T) {
	t.Parallel()
	var m OnceMap[string, string]
	leaderCtx, cancel := context.WithCancel(t.Context())
	started := make(chan struct{})
	var wg sync.WaitGroup
	var leaderErr error
	wg.Go(func() {
		_, leaderErr = m.Do(leaderCtx, "k", func(ctx context.Context) (string, error) {
			close(started)
			<-ctx.Done()
			return "", ctx.Err()
		})
	})
	<-started
	// A waiter that joins now shares the leader's call; once the leader is
	// cancelled it runs fn itself.
	var got string
	var err error
	wg.Go(func() {
		got, err = m.Do(t.Context(), "k", func(context.Context) (string, error) { return "fresh", nil })
	})
	cancel()
	wg.Wait()
	if !errors.Is(leaderErr, context.Canceled) {
		t.Errorf("leader error = %v, want context.Canceled", leaderErr)
	}
	if got != "fresh" || err != nil {
		t.Errorf("waiter got %q, %v; want fresh, nil", got, err)
	}
}

// Only the source's own deadline is reported as a source timeout: a
// deadline on the caller's context is the caller's cancellation.
func TestMemo_SourceTimeoutOnlyForOwnDeadline(t *testing.T) {
	t.Parallel()
	past := time.Unix(0, 0)
	ctx, cancel := context.WithDeadline(t.Context(), past)
	defer cancel()
	ds := New(&counting{gate: make(chan struct{})}, nil, WithSourceTimeout(time.Hour))
	_, err := ds.Releases(ctx, helmSrc, "x")
	if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
		t.Errorf("caller's deadline passed: err = %v, want the caller's context.DeadlineExceeded, not ErrTimeout", err)
	}

	ds = New(&counting{gate: make(chan struct{})}, nil, WithSourceTimeout(time.Nanosecond))
	_, err = ds.Releases(t.Context(), helmSrc, "x")
	var de *Error
	if !errors.Is(err, ErrTimeout) || !errors.As(err, &de) || !de.Transient {
		t.Errorf("source deadline passed: err = %v, want a transient ErrTimeout", err)
	}
}
