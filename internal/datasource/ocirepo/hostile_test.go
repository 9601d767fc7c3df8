package ocirepo_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// hostile starts a loopback registry whose tag list and manifests come from
// the given handlers, and counts tag-list requests.
type hostile struct {
	srv      *httptest.Server
	tagPages atomic.Int32
}

func newHostile(t *testing.T, tags, manifest http.HandlerFunc) *hostile {
	t.Helper()
	h := &hostile{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v2/charts/app/tags/list", func(w http.ResponseWriter, r *http.Request) {
		h.tagPages.Add(1)
		tags(w, r)
	})
	if manifest != nil {
		mux.HandleFunc("GET /v2/charts/app/manifests/{ref}", manifest)
	}
	h.srv = httptest.NewServer(mux)
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hostile) src() chart.Source {
	return chart.Source{Kind: chart.SourceOCI, URL: "oci://" + h.srv.Listener.Addr().String() + "/charts/app"}
}

func (h *hostile) source(o ocirepo.Options) *ocirepo.Source {
	o.Client = h.srv.Client()
	o.Getenv = noEnv
	return ocirepo.New(o)
}

func writeTags(w http.ResponseWriter, tags ...string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": "charts/app", "tags": tags})
}

func TestSource_Releases_pagingLoop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tags http.HandlerFunc
	}{
		{"link to itself", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `<`+r.URL.RequestURI()+`>; rel="next"`)
			writeTags(w, "1.0.0", "1.1.0")
		}},
		{"new link, same tags", func(w http.ResponseWriter, r *http.Request) {
			n := len(r.URL.Query().Get("p"))
			w.Header().Set("Link", fmt.Sprintf(`</v2/charts/app/tags/list?p=%s>; rel="next"`, strings.Repeat("x", n+1)))
			writeTags(w, "1.0.0", "1.1.0")
		}},
		{"empty pages linking on", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", fmt.Sprintf(`</v2/charts/app/tags/list?last=%s0>; rel="next"`, r.URL.Query().Get("last")))
			writeTags(w)
		}},
		{"two pages linking to each other", func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("last") == "" {
				w.Header().Set("Link", `</v2/charts/app/tags/list?last=1.0.0>; rel="next"`)
				writeTags(w, "1.0.0")
				return
			}
			w.Header().Set("Link", `</v2/charts/app/tags/list>; rel="next"`)
			writeTags(w, "2.0.0")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHostile(t, tt.tags, nil)
			_, err := h.source(ocirepo.Options{}).Releases(context.Background(), h.src(), "app")
			if !errors.Is(err, datasource.ErrPagingLoop) {
				t.Errorf("error = %v, want ErrPagingLoop", err)
			}
			assertError(t, err, datasource.ErrPagingLoop, false)
			if n := h.tagPages.Load(); n > 3 {
				t.Errorf("tag pages fetched = %d, want the loop noticed by the third", n)
			}
		})
	}
}

func TestSource_Releases_hostilePages(t *testing.T) {
	t.Parallel()
	many := func(from, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("1.0.%d", from+i)
		}
		return out
	}
	tests := []struct {
		name     string
		opts     ocirepo.Options
		tags     http.HandlerFunc
		sentinel error
	}{
		{"page over 4 MiB", ocirepo.Options{}, func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(`{"tags":["` + strings.Repeat("1", 5<<20) + `"]}`))
		}, datasource.ErrTooLarge},
		{"more tags than kept", ocirepo.Options{MaxTags: 50}, func(w http.ResponseWriter, r *http.Request) {
			p := len(r.URL.Query().Get("p"))
			w.Header().Set("Link", fmt.Sprintf(`</v2/charts/app/tags/list?p=%s>; rel="next"`, strings.Repeat("x", p+1)))
			writeTags(w, many(30*p, 30)...)
		}, datasource.ErrTooLarge},
		{"link to another host", ocirepo.Options{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `<http://127.0.0.2:1/v2/charts/app/tags/list?last=1.0.0>; rel="next"`)
			writeTags(w, "1.0.0")
		}, datasource.ErrInvalid},
		{"malformed link", ocirepo.Options{}, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Link", `/v2/charts/app/tags/list?last=1.0.0; rel="next"`)
			writeTags(w, "1.0.0")
		}, datasource.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := newHostile(t, tt.tags, nil)
			_, err := h.source(tt.opts).Releases(context.Background(), h.src(), "app")
			assertError(t, err, tt.sentinel, false)
			if n := h.tagPages.Load(); n > 3 {
				t.Errorf("tag pages fetched = %d", n)
			}
		})
	}
}

// TestSource_Describe_hugeManifest: a registry that sends
// Docker-Content-Digest with an 8 MiB manifest is refused before the body
// is read (oras-go applies no cap to such a response).
func TestSource_Describe_hugeManifest(t *testing.T) {
	t.Parallel()
	var manifest []byte
	{
		m := map[string]any{
			"schemaVersion": 2,
			"mediaType":     "application/vnd.oci.image.manifest.v1+json",
			"config":        map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + strings.Repeat("0", 64), "size": 2},
			"layers":        []any{},
			"annotations":   map[string]string{"pad": strings.Repeat("x", 8<<20)},
		}
		manifest, _ = json.Marshal(m)
	}
	sum := sha256.Sum256(manifest)
	h := newHostile(t, func(w http.ResponseWriter, r *http.Request) { writeTags(w, "1.0.0") },
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/vnd.oci.image.manifest.v1+json")
			w.Header().Set("Docker-Content-Digest", "sha256:"+hex.EncodeToString(sum[:]))
			w.Header().Set("Content-Length", fmt.Sprint(len(manifest)))
			_, _ = w.Write(manifest)
		})
	_, err := h.source(ocirepo.Options{}).Describe(context.Background(), h.src(), "app", chart.Release{Version: "1.0.0", Tag: "1.0.0"})
	assertError(t, err, datasource.ErrTooLarge, false)
}

// Tags outside the distribution spec's grammar are dropped from a listing
// (nothing could pull them); the valid ones are kept.
func TestSource_Releases_invalidTagsDropped(t *testing.T) {
	t.Parallel()
	h := newHostile(t, func(w http.ResponseWriter, r *http.Request) {
		writeTags(w, "1.0.0", ".1.0.1", "-1.0.2", "1.0.3 ", "1.0.4/x", "1.0.5+b", "1.0.6_b", "1.0."+strings.Repeat("7", 130), "1.1.0")
	}, nil)
	rels, err := h.source(ocirepo.Options{}).Releases(context.Background(), h.src(), "app")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rels {
		got = append(got, r.Tag)
	}
	if want := []string{"1.1.0", "1.0.6_b", "1.0.0"}; !slices.Equal(got, want) {
		t.Errorf("tags kept = %q, want %q", got, want)
	}
}

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
