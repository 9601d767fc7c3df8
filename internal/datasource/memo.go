package datasource

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

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

// Option configures a Memo.
type Option func(*Memo)

// WithSourceTimeout bounds everything done for one source in a run by one
// deadline, set when the source is first used: the token exchange, every
// tag or index page, every manifest and config blob of Describe, and every
// retry and backoff wait. Once it has passed, the source's remaining calls
// fail at once. d <= 0 means no deadline.
func WithSourceTimeout(d time.Duration) Option { return func(m *Memo) { m.timeout = d } }

// Memo is a per-run memo over a chart source implementation: Releases is
// computed once per (source, chart) and Describe once per (source, chart,
// version, tag), concurrent callers sharing one call. Errors are memoized
// too, so a failing source is queried (and fails) once per run. Create one
// per run.
type Memo struct {
	next      lister
	timeout   time.Duration
	releases  OnceMap[releasesKey, []chart.Release]
	describes OnceMap[describeKey, chart.Release]

	mu        sync.Mutex
	deadlines map[chart.Source]time.Time
}

// NewMemo wraps next.
func NewMemo(next lister, opts ...Option) *Memo {
	m := &Memo{next: next, deadlines: map[chart.Source]time.Time{}}
	for _, o := range opts {
		o(m)
	}
	return m
}

// Expect passes the sources a run will look up to the implementation,
// when it prepares for them.
func (m *Memo) Expect(srcs []chart.Source) {
	if e, ok := m.next.(expecter); ok {
		e.Expect(srcs)
	}
}

// Releases lists the releases of name in src, once per run. The returned
// slice is the caller's own.
func (m *Memo) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	rs, err := m.releases.Do(ctx, releasesKey{src, name}, func(ctx context.Context) ([]chart.Release, error) {
		ctx, cancel := m.bound(ctx, src)
		defer cancel()
		rs, err := m.next.Releases(ctx, src, name)
		return rs, m.timedOut(ctx, src, name, err)
	})
	if err != nil {
		return nil, err
	}
	return slices.Clone(rs), nil
}

// Describe describes r, once per run; a release already described is
// returned as is.
func (m *Memo) Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error) {
	if r.Described {
		return r, nil
	}
	return m.describes.Do(ctx, describeKey{src, name, r.Version, r.Tag}, func(ctx context.Context) (chart.Release, error) {
		ctx, cancel := m.bound(ctx, src)
		defer cancel()
		d, err := m.next.Describe(ctx, src, name, r)
		return d, m.timedOut(ctx, src, name, err)
	})
}

// errSourceDeadline is the cause of a context ended by a source's own
// deadline, which timedOut tells from the caller's context ending.
var errSourceDeadline = errors.New("source deadline passed")

// bound applies src's deadline, starting it on first use.
func (m *Memo) bound(ctx context.Context, src chart.Source) (context.Context, context.CancelFunc) {
	if m.timeout <= 0 {
		return ctx, func() {}
	}
	m.mu.Lock()
	d, ok := m.deadlines[src]
	if !ok {
		d = time.Now().Add(m.timeout)
		m.deadlines[src] = d
	}
	m.mu.Unlock()
	return context.WithDeadlineCause(ctx, d, errSourceDeadline)
}

// timedOut says so when err is the source's own deadline passing (rather
// than the caller's context ending, its own deadline included), as a
// transient *Error. Any other error, the caller's cancellation among them,
// is returned as it is.
func (m *Memo) timedOut(ctx context.Context, src chart.Source, name string, err error) error {
	if err == nil || m.timeout <= 0 || !errors.Is(context.Cause(ctx), errSourceDeadline) {
		return err
	}
	var de *Error
	if errors.As(err, &de) {
		err = de.Err // one "lookup <source>" prefix, not two
	}
	return &Error{Source: src, Chart: name, Transient: true,
		Err: fmt.Errorf("%w: source not done within %s: %w", ErrTimeout, m.timeout, err)}
}
