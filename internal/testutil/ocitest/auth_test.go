package ocitest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// call makes one request to the registry, with header set to value unless
// value is "".
func call(t *testing.T, r *ocitest.Registry, method, path, header, value string) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, r.URL()+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if value != "" {
		req.Header.Set(header, value)
	}
	resp, err := r.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// token gets a token for scope from the token endpoint, anonymously or
// with Basic credentials.
func token(t *testing.T, r *ocitest.Registry, scope string, userPass ...string) string {
	t.Helper()
	tok, _ := tokenResponse(t, r, scope, userPass...)
	return tok
}

// tokenResponse is token with the lifetime the endpoint gave, in seconds.
func tokenResponse(t *testing.T, r *ocitest.Registry, scope string, userPass ...string) (tok string, expiresIn int) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet,
		r.URL()+ocitest.TokenPath+"?service="+ocitest.Service+"&scope="+scope, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(userPass) == 2 {
		req.SetBasicAuth(userPass[0], userPass[1])
	}
	resp, err := r.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Token     string `json:"token"`
		ExpiresIn int    `json:"expires_in"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Token == "" {
		t.Fatalf("token response %d: %v", resp.StatusCode, err)
	}
	return body.Token, body.ExpiresIn
}

// bearer is the Authorization value for token, "" for no token.
func bearer(token string) string {
	if token == "" {
		return ""
	}
	return "Bearer " + token
}

func TestRegistry_tokenChecks(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithUser("u", "p"))
	r.PushChart(t, "a", "a", "1.0.0", time.Time{}, "")
	r.PushChart(t, "b", "b", "1.0.0", time.Time{}, "")
	realm := `Bearer realm="` + r.URL() + ocitest.TokenPath + `",service="ocitest"`
	pullA := token(t, r, "repository:a:pull")
	pushA := token(t, r, "repository:a:pull,push", "u", "p")
	anonPushA := token(t, r, "repository:a:pull,push") // granted pull only
	tampered := pullA[:len(pullA)-4] + "AAAA"
	if tampered == pullA {
		tampered = pullA[:len(pullA)-4] + "BBBB"
	}
	tests := []struct {
		name, method, path, token string
		want                      int
		challenge                 string
	}{
		{"no token", http.MethodGet, "/v2/a/tags/list", "", 401, realm + `,scope="repository:a:pull"`},
		{"base route, no token", http.MethodGet, "/v2/", "", 401, realm},
		{"base route, any token", http.MethodGet, "/v2/", pullA, 200, ""},
		{"pull token", http.MethodGet, "/v2/a/tags/list", pullA, 200, ""},
		{"pull token, manifest HEAD", http.MethodHead, "/v2/a/manifests/1.0.0", pullA, 200, ""},
		{"other repository", http.MethodGet, "/v2/b/tags/list", pullA, 401, realm + `,scope="repository:b:pull",error="insufficient_scope"`},
		{"push needs push", http.MethodPost, "/v2/a/blobs/uploads/", anonPushA, 401, realm + `,scope="repository:a:pull,push",error="insufficient_scope"`},
		{"user may push", http.MethodPost, "/v2/a/blobs/uploads/", pushA, 202, ""},
		{"mount needs pull on the source", http.MethodPost, "/v2/a/blobs/uploads/?mount=sha256:00&from=b", pushA, 401,
			realm + `,scope="repository:a:pull,push repository:b:pull",error="insufficient_scope"`},
		{"bad signature", http.MethodGet, "/v2/a/tags/list", tampered, 401, realm + `,scope="repository:a:pull",error="invalid_token"`},
		{"not a token", http.MethodGet, "/v2/a/tags/list", "abc", 401, realm + `,scope="repository:a:pull",error="invalid_token"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp := call(t, r, tt.method, tt.path, "Authorization", bearer(tt.token))
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
			if got := resp.Header.Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("WWW-Authenticate = %s\nwant                %s", got, tt.challenge)
			}
		})
	}
}

func TestRegistry_tagPages(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone))
	for _, v := range []string{"1.0.0", "1.1.0", "1.2.0", "2.0.0"} {
		r.PushChart(t, "x", "x", v, time.Time{}, "")
	}
	tests := []struct {
		path, wantTags, wantLink string
		want                     int
	}{
		{"/v2/x/tags/list", "1.0.0 1.1.0 1.2.0 2.0.0", "", 200},
		{"/v2/x/tags/list?n=3", "1.0.0 1.1.0 1.2.0", `</v2/x/tags/list?last=1.2.0&n=3>; rel="next"`, 200},
		{"/v2/x/tags/list?n=3&last=1.2.0", "2.0.0", "", 200},
		// A full last page links to an empty one, as distribution does.
		{"/v2/x/tags/list?n=2&last=1.1.0", "1.2.0 2.0.0", `</v2/x/tags/list?last=2.0.0&n=2>; rel="next"`, 200},
		{"/v2/x/tags/list?n=2&last=2.0.0", "", "", 200},
		{"/v2/x/tags/list?n=0", "", "", 200},
		{"/v2/x/tags/list?n=-1", "", "", 400},
		{"/v2/nope/tags/list?n=2", "", "", 404},
	}
	for _, tt := range tests {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, r.URL()+tt.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := r.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body struct{ Tags []string }
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.want)
			continue
		}
		if tt.want != 200 {
			continue
		}
		if err != nil || body.Tags == nil {
			t.Errorf("%s: tags %v (%v), want a list", tt.path, body.Tags, err)
		}
		if got := strings.Join(body.Tags, " "); got != tt.wantTags {
			t.Errorf("%s: tags %q, want %q", tt.path, got, tt.wantTags)
		}
		if got := resp.Header.Get("Link"); got != tt.wantLink {
			t.Errorf("%s: Link %q, want %q", tt.path, got, tt.wantLink)
		}
	}
}

func TestRegistry_manifestETag(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithAuth(ocitest.AuthNone))
	dgst := r.PushChart(t, "x", "x", "1.0.0", time.Time{}, "")
	get := func(method, inm string) *http.Response {
		t.Helper()
		return call(t, r, method, "/v2/x/manifests/1.0.0", "If-None-Match", inm)
	}
	if resp := get(http.MethodGet, ""); resp.StatusCode != 200 || resp.Header.Get("Etag") != `"`+dgst+`"` {
		t.Errorf("GET: %d, Etag %q, want 200 and %q", resp.StatusCode, resp.Header.Get("Etag"), `"`+dgst+`"`)
	}
	for _, inm := range []string{`"` + dgst + `"`, dgst} {
		for _, m := range []string{http.MethodGet, http.MethodHead} {
			if resp := get(m, inm); resp.StatusCode != http.StatusNotModified {
				t.Errorf("%s If-None-Match %s: %d, want 304", m, inm, resp.StatusCode)
			}
		}
	}
	if resp := get(http.MethodGet, `"sha256:0000"`); resp.StatusCode != 200 {
		t.Errorf("stale If-None-Match: %d, want 200", resp.StatusCode)
	}
}
