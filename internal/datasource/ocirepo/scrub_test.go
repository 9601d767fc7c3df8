package ocirepo_test

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// redirectBlobs sends every blob request of the registry to a signed URL,
// as registries backed by a CDN do: to path on the registry itself (which
// refuses it) or, with host set, to another host.
func redirectBlobs(host string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case strings.Contains(req.URL.Path, "/blobs/"):
				h := host
				if h == "" {
					h = req.Host
				}
				http.Redirect(w, req, "http://"+h+"/cdn/blob?X-Amz-Credential=secret-id&X-Amz-Signature=secret", http.StatusTemporaryRedirect)
			case req.URL.Path == "/cdn/blob":
				w.Header().Set("Content-Type", "application/xml")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte("<Error><Code>AccessDenied</Code></Error>"))
			default:
				next.ServeHTTP(w, req)
			}
		})
	}
}

// A lookup whose blob request is redirected to a signed URL that then
// fails names that URL in its error without its signature: neither an
// error response from it nor a failure to reach it shows the query.
func TestSource_Describe_signedRedirectRedacted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // nothing listens there: the redirected request cannot connect
	for _, tc := range []struct{ name, host string }{
		{name: "error response", host: ""},
		{name: "connection refused", host: closed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := ocitest.New(t, ocitest.WithMiddleware(redirectBlobs(tc.host)))
			r.PushChart(t, "charts/app", "app", "1.0.0", t0, "")
			s := newSource(r, ocirepo.Options{})
			rels, err := s.Releases(context.Background(), src(r, "charts/app"), "app")
			if err != nil || len(rels) != 1 {
				t.Fatalf("Releases = %v, %v", rels, err)
			}
			_, err = s.Describe(context.Background(), src(r, "charts/app"), "app", rels[0])
			if err == nil {
				t.Fatal("Describe: no error from a refused blob")
			}
			if msg := err.Error(); strings.Contains(msg, "secret") || !strings.Contains(msg, "/cdn/blob?") {
				t.Errorf("Describe error = %q: want the CDN URL without its query values", msg)
			}
		})
	}
}
