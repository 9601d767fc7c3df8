package ocirepo

import (
	"context"
	"sync"
)

// memo runs fn once per key and shares the result with every caller,
// concurrent or later (singleflight plus a per-run cache). A result cut short
// by the cancellation of its leader's context is not kept: later callers, and
// waiters whose own context is still live, run fn again.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]*call[V]
}

type call[V any] struct {
	done      chan struct{}
	v         V
	err       error
	cancelled bool // the leader's context ended before fn returned
}

func (m *memo[V]) do(ctx context.Context, key string, fn func() (V, error)) (V, error) {
	for {
		m.mu.Lock()
		if m.m == nil {
			m.m = map[string]*call[V]{}
		}
		c, ok := m.m[key]
		if !ok {
			c = &call[V]{done: make(chan struct{})}
			m.m[key] = c
			m.mu.Unlock()
			c.v, c.err = fn()
			if c.err != nil && ctx.Err() != nil {
				c.cancelled = true
				m.mu.Lock()
				delete(m.m, key)
				m.mu.Unlock()
			}
			close(c.done)
			return c.v, c.err
		}
		m.mu.Unlock()
		select {
		case <-c.done:
			if c.cancelled && ctx.Err() == nil {
				continue // the leader gave up; try again with our context
			}
			return c.v, c.err
		case <-ctx.Done():
			var zero V
			return zero, ctx.Err()
		}
	}
}
