package httpx

import (
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// retryTransport retries idempotent requests (GET, HEAD) on transport
// errors, 429 and 5xx (except 501), with exponential backoff and jitter, or
// the server's Retry-After when it fits under cap.
type retryTransport struct {
	next  http.RoundTripper
	max   int
	base  time.Duration
	cap   time.Duration
	sleep func(context.Context, time.Duration) error
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if !idempotent(req) {
		return t.next.RoundTrip(req)
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if attempt > 1 && req.Body != nil && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			r = req.Clone(ctx)
			r.Body = body
		}
		resp, err := t.next.RoundTrip(r)
		if attempt >= t.max || !retryable(ctx, resp, err) {
			return resp, err
		}
		wait := t.backoff(attempt)
		if resp != nil {
			if ra := ParseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ra > 0 {
				if ra > t.cap {
					// The server asked for longer than we are willing to
					// wait: hand the response back rather than hammer it.
					return resp, nil
				}
				wait = ra
			}
			drain(resp.Body)
		}
		if serr := t.sleep(ctx, wait); serr != nil {
			if err == nil {
				err = serr
			}
			return nil, err
		}
	}
}

func idempotent(req *http.Request) bool {
	if req.Method != http.MethodGet && req.Method != http.MethodHead && req.Method != "" {
		return false
	}
	return req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
}

func retryable(ctx context.Context, resp *http.Response, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return false
		}
		return IsTransient(err)
	}
	return resp.StatusCode == http.StatusTooManyRequests ||
		(resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented)
}

// backoff returns base·2^(attempt-1), capped, with "equal jitter": a
// random duration in [d/2, d].
func (t *retryTransport) backoff(attempt int) time.Duration {
	d := t.base
	for i := 1; i < attempt && d < t.cap; i++ {
		d *= 2
	}
	if d > t.cap {
		d = t.cap
	}
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// drain reads a little of a discarded body so the connection can be reused.
func drain(b io.ReadCloser) {
	if b == nil {
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(b, 64<<10))
	_ = b.Close()
}
