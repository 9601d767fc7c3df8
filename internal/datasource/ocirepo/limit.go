package ocirepo

import (
	"io"
	"net/http"
	"sync"

	"oras.land/oras-go/v2/registry/remote"
)

// limitedClient bounds the requests in flight to one registry host: a slot is
// taken before the request (token exchange included) and given back when the
// response body is closed, or at once on error.
type limitedClient struct {
	next remote.Client
	sem  chan struct{}
}

func (c *limitedClient) Do(req *http.Request) (*http.Response, error) {
	select {
	case c.sem <- struct{}{}:
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	resp, err := c.next.Do(req)
	if err != nil {
		<-c.sem
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: func() { <-c.sem }}
	return resp, nil
}

type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}
