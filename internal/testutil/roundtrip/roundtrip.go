package roundtrip

import (
	"io"
	"net/http"
	"testing"
)

// maxBody caps the body Do reads.
const maxBody = 64 << 20

// Do sends a request without a body through c (http.DefaultClient when
// nil), with header set from name, value pairs, and returns the response
// with its body read (up to 64 MiB) and closed. The request ends with the
// test.
func Do(t testing.TB, c *http.Client, method, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	if c == nil {
		c = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatalf("read %s: %v", url, err)
	}
	return resp, b
}
