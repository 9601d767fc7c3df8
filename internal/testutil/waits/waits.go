package waits

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Recorder records each wait; it is safe for concurrent use. The zero value
// is ready.
type Recorder struct {
	mu sync.Mutex
	d  []time.Duration
}

// Sleep records d and returns at once: ctx's error, nil while ctx is live.
func (r *Recorder) Sleep(ctx context.Context, d time.Duration) error {
	r.mu.Lock()
	r.d = append(r.d, d)
	r.mu.Unlock()
	return ctx.Err()
}

// Got returns the waits recorded so far, in order.
func (r *Recorder) Got() []time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.d)
}
