package roundtrip_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/roundtrip"
)

// Do sends the method and headers through the client it is given (only the
// TLS server's own client trusts its certificate) and returns the body.
func TestDo(t *testing.T) {
	t.Parallel()
	seen := make(chan string, 1)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Method + " " + r.Header.Get("A") + " " + r.Header.Get("B")
		_, _ = io.WriteString(w, "body")
	}))
	t.Cleanup(srv.Close)
	resp, body := roundtrip.Do(t, srv.Client(), http.MethodPost, srv.URL, "A", "1", "B", "2")
	if got := <-seen; got != "POST 1 2" {
		t.Errorf("server saw %q, want POST 1 2", got)
	}
	if resp.StatusCode != http.StatusOK || string(body) != "body" {
		t.Errorf("status %d, body %q", resp.StatusCode, body)
	}
}
