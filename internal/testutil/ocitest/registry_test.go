package ocitest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"

	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

func repository(t *testing.T, r *ocitest.Registry, repo string, cred auth.Credential) *remote.Repository {
	t.Helper()
	rp, err := remote.NewRepository(r.Ref(repo))
	if err != nil {
		t.Fatal(err)
	}
	rp.PlainHTTP = true
	rp.Client = &auth.Client{
		Client:     r.Client(),
		Cache:      auth.NewCache(),
		Credential: auth.StaticCredential(r.Host(), cred),
	}
	return rp
}

func tags(t *testing.T, rp *remote.Repository) ([]string, error) {
	t.Helper()
	var all []string
	err := rp.Tags(context.Background(), "", func(ts []string) error {
		all = append(all, ts...)
		return nil
	})
	return all, err
}

func TestRegistry_PushChart(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := ocitest.New(t)
	if d := time.Since(start); d > time.Second {
		t.Errorf("New took %v", d)
	}
	created := time.Date(2026, 5, 4, 3, 2, 1, 0, time.UTC)
	dgst := r.PushChart(t, "charts/podinfo", "podinfo", "6.5.0+build.1", created, "6.5.0")
	r.PushImage(t, "charts/podinfo", "latest")

	rp := repository(t, r, "charts/podinfo", auth.EmptyCredential)
	got, err := tags(t, rp)
	if err != nil {
		t.Fatalf("Tags: %v", err)
	}
	if diff := cmp.Diff([]string{"6.5.0_build.1", "latest"}, got); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}

	ctx := context.Background()
	desc, rc, err := rp.FetchReference(ctx, "6.5.0_build.1")
	if err != nil {
		t.Fatalf("FetchReference: %v", err)
	}
	mb, err := content.ReadAll(rc, desc)
	rc.Close()
	if err != nil {
		t.Fatal(err)
	}
	if desc.Digest.String() != dgst {
		t.Errorf("digest = %s, want %s", desc.Digest, dgst)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	wantAnn := map[string]string{
		ocispec.AnnotationCreated:     "2026-05-04T03:02:01Z",
		ocispec.AnnotationTitle:       "podinfo",
		ocispec.AnnotationVersion:     "6.5.0+build.1",
		ocispec.AnnotationDescription: "ocitest chart podinfo",
	}
	if diff := cmp.Diff(wantAnn, m.Annotations); diff != "" {
		t.Errorf("annotations mismatch (-want +got):\n%s", diff)
	}
	if m.Config.MediaType != ocitest.HelmConfigMediaType || len(m.Layers) != 1 || m.Layers[0].MediaType != ocitest.HelmChartMediaType {
		t.Fatalf("manifest layout = %+v", m)
	}

	cfg, err := content.FetchAll(ctx, rp, m.Config)
	if err != nil {
		t.Fatal(err)
	}
	var meta chart.Metadata
	if err := json.Unmarshal(cfg, &meta); err != nil {
		t.Fatal(err)
	}
	if meta.Version != "6.5.0+build.1" || meta.AppVersion != "6.5.0" {
		t.Errorf("config metadata = %+v", meta)
	}
	layer, err := content.FetchAll(ctx, rp, m.Layers[0])
	if err != nil {
		t.Fatal(err)
	}
	ch, err := loader.LoadArchive(bytes.NewReader(layer))
	if err != nil {
		t.Fatalf("chart archive does not load: %v", err)
	}
	if ch.Metadata.Name != "podinfo" || ch.Metadata.Version != "6.5.0+build.1" || len(ch.Templates) != 1 {
		t.Errorf("loaded chart = %+v, %d templates", ch.Metadata, len(ch.Templates))
	}

	c := r.Counts("charts/podinfo")
	// 1 challenge + 1 page; one anonymous token, reused by every later request.
	want := ocitest.Counts{Token: 1, Tags: 2, ManifestGet: 1, BlobGet: 2, Unauthorized: 1}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}

func TestRegistry_auth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []ocitest.Option
		cred    auth.Credential
		wantErr int // 0 for success, else the HTTP status oras reports
	}{
		{"anonymous pull", nil, auth.EmptyCredential, 0},
		{"user on anonymous registry", []ocitest.Option{ocitest.WithUser("u", "p")}, auth.Credential{Username: "u", Password: "p"}, 0},
		{"anonymous refused", []ocitest.Option{ocitest.WithAuth(ocitest.AuthRequired)}, auth.EmptyCredential, http.StatusUnauthorized},
		{"bad password", []ocitest.Option{ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("u", "p")}, auth.Credential{Username: "u", Password: "nope"}, http.StatusUnauthorized},
		{"good password", []ocitest.Option{ocitest.WithAuth(ocitest.AuthRequired), ocitest.WithUser("u", "p")}, auth.Credential{Username: "u", Password: "p"}, 0},
		{"no auth", []ocitest.Option{ocitest.WithAuth(ocitest.AuthNone)}, auth.EmptyCredential, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ocitest.New(t, tt.opts...)
			r.PushChart(t, "a/b", "b", "1.0.0", time.Time{}, "")
			got, err := tags(t, repository(t, r, "a/b", tt.cred))
			if tt.wantErr == 0 {
				if err != nil {
					t.Fatalf("Tags: %v", err)
				}
				if diff := cmp.Diff([]string{"1.0.0"}, got); diff != "" {
					t.Errorf("tags mismatch (-want +got):\n%s", diff)
				}
				return
			}
			var er *errcode.ErrorResponse
			if !errors.As(err, &er) || er.StatusCode != tt.wantErr {
				t.Fatalf("Tags error = %v, want status %d", err, tt.wantErr)
			}
		})
	}
}

func TestRegistry_middlewareAndPaging(t *testing.T) {
	t.Parallel()
	fail := true
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone), ocitest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			if fail {
				fail = false
				http.Error(w, "boom", http.StatusInternalServerError)
				return
			}
			next.ServeHTTP(w, req)
		})
	}))
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0"} {
		r.PushChart(t, "x", "x", v, time.Time{}, "")
	}
	rp := repository(t, r, "x", auth.EmptyCredential)
	if _, err := tags(t, rp); err == nil {
		t.Fatal("first Tags succeeded, want injected 500")
	}
	rp.TagListPageSize = 2
	got, err := tags(t, rp)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0"}, got); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(ocitest.Counts{Tags: 4}, r.Counts("x")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
}

func BenchmarkNew(b *testing.B) {
	for b.Loop() {
		ocitest.New(b)
	}
}

func TestRegistry_tagListValidators(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone), ocitest.WithTagListValidators())
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0"} {
		r.PushChart(t, "x", "x", v, time.Time{}, "")
	}
	get := func(path, inm string) *http.Response {
		t.Helper()
		return call(t, r, http.MethodGet, path, "If-None-Match", inm)
	}
	first := get("/v2/x/tags/list?n=2", "")
	etag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || !strings.HasPrefix(etag, `"sha256:`) || first.Header.Get("Link") == "" {
		t.Fatalf("first page: %d, ETag %q, Link %q", first.StatusCode, etag, first.Header.Get("Link"))
	}
	tests := []struct {
		name, path, inm string
		want            int
	}{
		{"same page, its etag", "/v2/x/tags/list?n=2", etag, http.StatusNotModified},
		{"weak form and list", "/v2/x/tags/list?n=2", `"other", W/` + etag, http.StatusNotModified},
		{"star", "/v2/x/tags/list?n=2", "*", http.StatusNotModified},
		{"other page", "/v2/x/tags/list?n=2&last=1.1.0", etag, http.StatusOK},
		{"stale etag", "/v2/x/tags/list?n=2", `"sha256:0000"`, http.StatusOK},
		{"unknown repository", "/v2/nope/tags/list", etag, http.StatusNotFound},
	}
	for _, tt := range tests { // sequential: exact counts below
		resp := get(tt.path, tt.inm)
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.name, resp.StatusCode, tt.want)
		}
		if tt.want == http.StatusNotModified && (resp.Header.Get("ETag") != etag || resp.Header.Get("Link") != "") {
			t.Errorf("%s: 304 headers ETag %q Link %q, want the ETag alone", tt.name, resp.Header.Get("ETag"), resp.Header.Get("Link"))
		}
	}
	// The page changes when a tag is added: the old ETag no longer matches.
	r.PushChart(t, "x", "x", "0.9.0", time.Time{}, "")
	if resp := get("/v2/x/tags/list?n=2", etag); resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == etag {
		t.Errorf("after a push: status %d, ETag %q", resp.StatusCode, resp.Header.Get("ETag"))
	}
	want := ocitest.Counts{Tags: 1 + 6, NotModified: 3}
	wantBodies := ocitest.Counts{Tags: 1 + 3}
	if diff := cmp.Diff(want, r.Counts("x")); diff != "" {
		t.Errorf("Counts mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantBodies, r.BodyCounts("x")); diff != "" {
		t.Errorf("BodyCounts mismatch (-want +got):\n%s", diff)
	}
}

func TestRegistry_tokens(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithTokenLifetime(90*time.Second))
	r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
	tok, expiresIn := tokenResponse(t, r, "repository:a:pull")
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("token is not a JWS: %q", tok)
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var claims struct{ Exp, Iat int64 }
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if expiresIn != 90 || claims.Exp-claims.Iat != 90 {
		t.Errorf("expires_in %d, exp-iat %d; want 90", expiresIn, claims.Exp-claims.Iat)
	}

	list := func(tok string) int {
		t.Helper()
		resp := call(t, r, http.MethodGet, "/v2/a/tags/list", "Authorization", bearer(tok))
		if resp.StatusCode == http.StatusUnauthorized && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("401 without a Bearer challenge: %q", resp.Header.Get("WWW-Authenticate"))
		}
		return resp.StatusCode
	}
	if got := list(tok); got != http.StatusOK {
		t.Fatalf("with token: %d", got)
	}
	r.RevokeTokens()
	if got := list(tok); got != http.StatusUnauthorized {
		t.Errorf("with revoked token: %d, want 401", got)
	}
	// Tokens issued after the revocation work.
	rp := repository(t, r, "a", auth.EmptyCredential)
	if _, err := tags(t, rp); err != nil {
		t.Errorf("Tags with a new token: %v", err)
	}
}
