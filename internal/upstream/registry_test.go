package upstream

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/testutil/roundtrip"
)

// startRegistry publishes chart "app" at versions on a running Upstream and
// returns the registry's base URL ("http://127.0.0.1:PORT/v2/") and the
// repository name.
func startRegistry(t *testing.T, versions ...string) (base, name string) {
	t.Helper()
	u := start(t)
	src := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/Org/charts/app"}
	publish(t, u, src, "app", releases(versions...)...)
	return "http://" + u.OCIAddr() + "/v2/", "ghcr.io/org/charts/app"
}

// start runs an Upstream for the test.
func start(t *testing.T) *Upstream {
	t.Helper()
	u, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
	return u
}

// publish publishes rels of chart name in src.
func publish(t *testing.T, u *Upstream, src chart.Source, name string, rels ...Release) {
	t.Helper()
	for _, r := range rels {
		if _, err := u.Publish(context.Background(), src, name, r); err != nil {
			t.Fatal(err)
		}
	}
}

// releases is one bare Release per version.
func releases(versions ...string) []Release {
	out := make([]Release, len(versions))
	for i, v := range versions {
		out[i] = Release{Version: v}
	}
	return out
}

// versionsOf lists rels' versions in order, separated by spaces.
func versionsOf(rels []chart.Release) string {
	var got []string
	for _, r := range rels {
		got = append(got, r.Version)
	}
	return strings.Join(got, " ")
}

func TestRegistry_APIBase(t *testing.T) {
	t.Parallel()
	base, _ := startRegistry(t)
	for _, method := range []string{http.MethodGet, http.MethodHead} {
		resp, body := roundtrip.Do(t, nil, method, base)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Docker-Distribution-API-Version") != "registry/2.0" {
			t.Errorf("%s /v2/ = %d %v", method, resp.StatusCode, resp.Header)
		}
		if want := map[string]string{"GET": "{}", "HEAD": ""}[method]; string(body) != want {
			t.Errorf("%s /v2/ body = %q, want %q", method, body, want)
		}
	}
}

func TestRegistry_TagPaging(t *testing.T) {
	t.Parallel()
	base, name := startRegistry(t, "1.0.0", "1.1.0", "2.0.0", "2.0.0+build.1", "0.9.0")
	want := []string{"0.9.0", "1.0.0", "1.1.0", "2.0.0", "2.0.0_build.1"}

	resp, body := roundtrip.Do(t, nil, http.MethodGet, base+name+"/tags/list")
	if got := decodeTags(t, body); resp.StatusCode != 200 || !slices.Equal(got, want) || resp.Header.Get("Link") != "" {
		t.Fatalf("unpaged list = %d %v (Link %q), want %v and no Link", resp.StatusCode, got, resp.Header.Get("Link"), want)
	}

	// Follow the Link header from the first page of two to the end.
	var pages [][]string
	next := "/v2/" + name + "/tags/list?n=2"
	for next != "" && len(pages) < 10 {
		resp, body := roundtrip.Do(t, nil, http.MethodGet, strings.TrimSuffix(base, "/v2/")+next)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %d %s", next, resp.StatusCode, body)
		}
		pages = append(pages, decodeTags(t, body))
		next = ""
		if link := resp.Header.Get("Link"); link != "" {
			target, ok := strings.CutSuffix(link, `>; rel="next"`)
			if !ok || !strings.HasPrefix(target, "<") {
				t.Fatalf("Link = %q, want <url>; rel=\"next\"", link)
			}
			next = target[1:]
		}
	}
	wantPages := [][]string{{"0.9.0", "1.0.0"}, {"1.1.0", "2.0.0"}, {"2.0.0_build.1"}}
	if !slices.EqualFunc(pages, wantPages, slices.Equal) {
		t.Errorf("pages = %v, want %v", pages, wantPages)
	}

	for query, want := range map[string][]string{
		"n=0":                 {},
		"last=1.1.0":          {"2.0.0", "2.0.0_build.1"},
		"last=1.0.5&n=1":      {"1.1.0"},
		"last=2.0.0_build.1":  {},
		"n=3&last=0.0.1":      {"0.9.0", "1.0.0", "1.1.0"},
		"n=10&last=2.0.0":     {"2.0.0_build.1"},
		"last=zzz&n=1":        {},
		"n=5&last=0.9.0-rc.1": {"1.0.0", "1.1.0", "2.0.0", "2.0.0_build.1"},
	} {
		resp, body := roundtrip.Do(t, nil, http.MethodGet, base+name+"/tags/list?"+query)
		if got := decodeTags(t, body); resp.StatusCode != 200 || !slices.Equal(got, want) {
			t.Errorf("?%s = %d %v, want %v", query, resp.StatusCode, got, want)
		}
	}

	resp, body = roundtrip.Do(t, nil, http.MethodGet, base+name+"/tags/list?n=-1")
	if resp.StatusCode != http.StatusBadRequest || errorCode(t, body) != "PAGINATION_NUMBER_INVALID" {
		t.Errorf("n=-1 = %d %s", resp.StatusCode, body)
	}
}

// TestRegistry_TagPagingThroughORAS reads paged tag lists with bosun's OCI
// datasource (oras-go follows the Link header).
func TestRegistry_TagPagingThroughORAS(t *testing.T) {
	t.Parallel()
	u := start(t)
	src := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/org/app"}
	publish(t, u, src, "app", releases("1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0-rc.1")...)
	ds := ocirepo.New(ocirepo.Options{Client: httpx.New(httpx.Options{}), Hosts: u.Hosts(), TagPageSize: 2})
	rels, err := ds.Releases(context.Background(), src, "app")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versionsOf(rels), "2.1.0-rc.1 2.0.0 1.2.0 1.1.0 1.0.0"; got != want {
		t.Errorf("versions = %q, want %q", got, want)
	}
}

func TestRegistry_Manifest(t *testing.T) {
	t.Parallel()
	base, name := startRegistry(t, "1.0.0")
	art, err := chartbuild.HelmArtifact(chartbuild.Chart{Name: "app", Version: "1.0.0", Created: chartbuild.DefaultCreated})
	if err != nil {
		t.Fatal(err)
	}
	wantBody, err := art.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	d := digest.FromBytes(wantBody).String()

	for _, ref := range []string{"1.0.0", d} {
		resp, body := roundtrip.Do(t, nil, http.MethodGet, base+name+"/manifests/"+ref)
		if resp.StatusCode != 200 || string(body) != string(wantBody) {
			t.Fatalf("GET manifest %s = %d %s", ref, resp.StatusCode, body)
		}
		h := resp.Header
		if h.Get("Content-Type") != ocispec.MediaTypeImageManifest || h.Get("Docker-Content-Digest") != d || h.Get("ETag") != `"`+d+`"` {
			t.Errorf("GET manifest %s headers = %v", ref, h)
		}

		resp, body = roundtrip.Do(t, nil, http.MethodHead, base+name+"/manifests/"+ref)
		if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != int64(len(wantBody)) ||
			resp.Header.Get("Docker-Content-Digest") != d || resp.Header.Get("Content-Type") != ocispec.MediaTypeImageManifest {
			t.Errorf("HEAD manifest %s = %d, %d bytes, length %d, %v", ref, resp.StatusCode, len(body), resp.ContentLength, resp.Header)
		}
	}

	for _, inm := range []string{`"` + d + `"`, `W/"` + d + `", "other"`, `*`} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			resp, body := roundtrip.Do(t, nil, method, base+name+"/manifests/1.0.0", "If-None-Match", inm)
			if resp.StatusCode != http.StatusNotModified || len(body) != 0 || resp.Header.Get("ETag") != `"`+d+`"` {
				t.Errorf("%s If-None-Match %s = %d, %d bytes, ETag %q", method, inm, resp.StatusCode, len(body), resp.Header.Get("ETag"))
			}
		}
	}
	resp, _ := roundtrip.Do(t, nil, http.MethodGet, base+name+"/manifests/1.0.0", "If-None-Match", `"sha256:0000"`)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("stale If-None-Match = %d, want 200", resp.StatusCode)
	}

	var m ocispec.Manifest
	if err := json.Unmarshal(wantBody, &m); err != nil {
		t.Fatal(err)
	}
	for _, desc := range []ocispec.Descriptor{m.Config, m.Layers[0]} {
		resp, body := roundtrip.Do(t, nil, http.MethodGet, base+name+"/blobs/"+desc.Digest.String())
		if resp.StatusCode != 200 || digest.FromBytes(body) != desc.Digest || resp.Header.Get("Docker-Content-Digest") != desc.Digest.String() {
			t.Errorf("GET blob %s = %d, digest %s", desc.MediaType, resp.StatusCode, digest.FromBytes(body))
		}
		resp, body = roundtrip.Do(t, nil, http.MethodHead, base+name+"/blobs/"+desc.Digest.String())
		if resp.StatusCode != 200 || len(body) != 0 || resp.ContentLength != desc.Size {
			t.Errorf("HEAD blob %s = %d, %d bytes, length %d", desc.MediaType, resp.StatusCode, len(body), resp.ContentLength)
		}
	}
}

func TestRegistry_Errors(t *testing.T) {
	t.Parallel()
	base, name := startRegistry(t, "1.0.0")
	missing := digest.FromString("missing").String()
	for _, c := range []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "ghcr.io/org/nope/tags/list", 404, "NAME_UNKNOWN"},
		{"GET", "ghcr.io/org/nope/manifests/1.0.0", 404, "NAME_UNKNOWN"},
		{"GET", "ghcr.io/org/nope/blobs/" + missing, 404, "NAME_UNKNOWN"},
		{"GET", name + "/manifests/9.9.9", 404, "MANIFEST_UNKNOWN"},
		{"GET", name + "/manifests/" + missing, 404, "MANIFEST_UNKNOWN"},
		{"GET", name + "/blobs/" + missing, 404, "BLOB_UNKNOWN"},
		{"GET", name + "/blobs/sha256:short", 400, "DIGEST_INVALID"},
		{"PUT", name + "/manifests/1.0.0", 405, "UNSUPPORTED"},
		{"DELETE", name + "/blobs/" + missing, 405, "UNSUPPORTED"},
		{"POST", name + "/blobs/uploads/", 405, "UNSUPPORTED"},
		{"GET", "_catalog", 404, "UNSUPPORTED"},
	} {
		resp, body := roundtrip.Do(t, nil, c.method, base+c.path)
		if resp.StatusCode != c.status || resp.Header.Get("Content-Type") != "application/json" || errorCode(t, body) != c.code {
			t.Errorf("%s %s = %d %s, want %d %s", c.method, c.path, resp.StatusCode, body, c.status, c.code)
		}
		if c.method == "GET" {
			resp, body := roundtrip.Do(t, nil, http.MethodHead, base+c.path)
			if resp.StatusCode != c.status || len(body) != 0 {
				t.Errorf("HEAD %s = %d, %d bytes, want %d and no body", c.path, resp.StatusCode, len(body), c.status)
			}
		}
	}
}

// TestRegistry_Republish points a tag at the new manifest and keeps the old
// one reachable by digest.
func TestRegistry_Republish(t *testing.T) {
	t.Parallel()
	u := start(t)
	src := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/org/app"}
	first, err := u.Publish(context.Background(), src, "app", Release{Version: "1.0.0", Created: time.Unix(1e9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	second, err := u.Publish(context.Background(), src, "app", Release{Version: "1.0.0", Created: time.Unix(2e9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	if first == second {
		t.Fatalf("both publishes gave %s", first)
	}
	base := "http://" + u.OCIAddr() + "/v2/ghcr.io/org/app/manifests/"
	if resp, _ := roundtrip.Do(t, nil, http.MethodHead, base+"1.0.0"); resp.Header.Get("Docker-Content-Digest") != second {
		t.Errorf("tag digest = %s, want %s", resp.Header.Get("Docker-Content-Digest"), second)
	}
	if resp, _ := roundtrip.Do(t, nil, http.MethodHead, base+first); resp.StatusCode != http.StatusOK {
		t.Errorf("old manifest by digest = %d", resp.StatusCode)
	}
}

func decodeTags(t *testing.T, body []byte) []string {
	t.Helper()
	var l struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("tag list %s: %v", body, err)
	}
	if l.Tags == nil {
		t.Fatalf("tag list %s: no tags array", body)
	}
	return l.Tags
}

// errorCode returns the code of the distribution spec's error body, which
// must hold exactly one error with a message.
func errorCode(t *testing.T, body []byte) string {
	t.Helper()
	var e struct {
		Errors []struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal(body, &e); err != nil || len(e.Errors) != 1 || e.Errors[0].Message == "" {
		t.Errorf("error body %s: not {errors:[{code,message}]} (%v)", body, err)
		return ""
	}
	return e.Errors[0].Code
}
