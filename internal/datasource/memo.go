package datasource

import (
	"context"
	"slices"
	"sync"

	"github.com/bosunhq/bosun/internal/chart"
)

// OnceMap computes a value once per key and shares it: concurrent callers
// of the same key wait for the one in-flight call (singleflight), later
// callers get the memoized value or error. A call whose own context was
// cancelled is not memoized; callers still waiting on it retry with theirs.
// The zero value is ready to use.
type OnceMap[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]*onceCall[V]
}

type onceCall[V any] struct {
	done      chan struct{}
	v         V
	err       error
	abandoned bool
}

// Do returns the value for key, calling fn at most once per run unless a
// previous call was abandoned by its cancelled context.
func (o *OnceMap[K, V]) Do(ctx context.Context, key K, fn func(context.Context) (V, error)) (V, error) {
	for {
		o.mu.Lock()
		if o.m == nil {
			o.m = map[K]*onceCall[V]{}
		}
		c, ok := o.m[key]
		if !ok {
			c = &onceCall[V]{done: make(chan struct{})}
			o.m[key] = c
			o.mu.Unlock()
			o.run(ctx, key, c, fn)
			return c.v, c.err
		}
		o.mu.Unlock()
		select {
		case <-c.done:
			if !c.abandoned {
				return c.v, c.err
			}
			if err := ctx.Err(); err != nil {
				var zero V
				return zero, err
			}
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
}

func (o *OnceMap[K, V]) run(ctx context.Context, key K, c *onceCall[V], fn func(context.Context) (V, error)) {
	defer close(c.done)
	c.v, c.err = fn(ctx)
	if c.err != nil && ctx.Err() != nil {
		o.mu.Lock()
		delete(o.m, key)
		c.abandoned = true
		o.mu.Unlock()
	}
}

type releasesKey struct {
	src   chart.Source
	chart string
}

type describeKey struct {
	src          chart.Source
	chart        string
	version, tag string
}

// Memo is a per-run memo over a Datasource: Releases is computed once per
// (source, chart) and Describe once per (source, chart, version, tag),
// concurrent callers sharing one call. Errors are memoized too, so a failing
// source is queried (and fails) once per run. Create one per run.
type Memo struct {
	next      Datasource
	releases  OnceMap[releasesKey, []chart.Release]
	describes OnceMap[describeKey, chart.Release]
}

// NewMemo wraps next.
func NewMemo(next Datasource) *Memo { return &Memo{next: next} }

// Releases implements Datasource. The returned slice is the caller's own.
func (m *Memo) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	rs, err := m.releases.Do(ctx, releasesKey{src, name}, func(ctx context.Context) ([]chart.Release, error) {
		return m.next.Releases(ctx, src, name)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(rs), nil
}

// Describe implements Datasource; a release already described is returned
// as is.
func (m *Memo) Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error) {
	if r.Described {
		return r, nil
	}
	return m.describes.Do(ctx, describeKey{src, name, r.Version, r.Tag}, func(ctx context.Context) (chart.Release, error) {
		return m.next.Describe(ctx, src, name, r)
	})
}
