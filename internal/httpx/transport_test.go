package httpx

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// The default transport speaks HTTP/2 with a TLS server that offers it
// (here trusting the test server's certificate, as the system roots would a
// registry's).
func TestBaseTransport_HTTP2(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.Proto)) //nolint:errcheck // test server
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	base := baseTransport(Options{}.withDefaults())
	base.TLSClientConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	resp, body := get(t, New(Options{Transport: base}), srv.URL)
	if resp.ProtoMajor != 2 || body != "HTTP/2.0" {
		t.Errorf("proto %s, server saw %q, want HTTP/2.0", resp.Proto, body)
	}
}

// Requests to one host reuse their connections: 60 requests, 12 at a time
// under the default limit of 4 per host, open at most 4.
func TestNew_ConnectionReuse(t *testing.T) {
	t.Parallel()
	var conns atomic.Int32
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"tags":["1.0.0"]}`)) //nolint:errcheck // test server
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := New(Options{})
	for range 5 {
		var wg sync.WaitGroup
		for range 12 {
			wg.Go(func() { get(t, c, srv.URL) })
		}
		wg.Wait()
	}
	// The per-host limit frees its slot when a body is closed, a moment
	// before the transport parks the connection as idle: under load a
	// request may dial once more. Without reuse (idle connections per host
	// below the limit) every wave dials again, far above this bound.
	if n := conns.Load(); n < 1 || n > 2*defaultHostConcurrency {
		t.Errorf("%d connections for 60 requests, want 1..%d", n, 2*defaultHostConcurrency)
	}
}
