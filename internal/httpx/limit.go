package httpx

import (
	"io"
	"net/http"
	"sync"
)

const defaultHostConcurrency = 4

// limitTransport bounds in-flight requests per host. A slot is held from
// the request until its body is closed or read to the end.
type limitTransport struct {
	next  http.RoundTripper
	limit func(string) int

	mu    sync.Mutex
	slots map[string]chan struct{}
}

func newLimitTransport(next http.RoundTripper, limit func(string) int) *limitTransport {
	return &limitTransport{next: next, limit: limit, slots: map[string]chan struct{}{}}
}

func (t *limitTransport) sem(host string) chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.slots[host]
	if !ok {
		n := 0
		if t.limit != nil {
			n = t.limit(host)
		}
		if n <= 0 {
			n = defaultHostConcurrency
		}
		s = make(chan struct{}, n)
		t.slots[host] = s
	}
	return s
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	s := t.sem(req.URL.Host)
	select {
	case s <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	var once sync.Once
	release := func() { once.Do(func() { <-s }) }
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &endBody{ReadCloser: resp.Body, end: release}
	return resp, nil
}

// endBody calls end (which must be safe to call more than once) when the
// body is read to the end, fails, or is closed: whichever comes first frees
// what the request held.
type endBody struct {
	io.ReadCloser
	end func()
}

func (b *endBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.end()
	}
	return n, err
}

func (b *endBody) Close() error {
	err := b.ReadCloser.Close()
	b.end()
	return err
}
