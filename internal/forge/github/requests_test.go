package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/forge"
)

// stub is one expected request and its canned response, in the style of
// cli/cli's httpmock: requests must arrive in order, and unused stubs fail.
type stub struct {
	method, path string
	wantBody     string // JSON compared semantically; "" means no body expected
	status       int
	body         string
}

type stubServer struct {
	t     *testing.T
	mu    sync.Mutex
	stubs []stub
	next  int
}

func newStubServer(t *testing.T, stubs ...stub) *httptest.Server {
	t.Helper()
	s := &stubServer{t: t, stubs: stubs}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		srv.Close()
		if s.next != len(s.stubs) {
			t.Errorf("%d stubs unused, first: %s %s", len(s.stubs)-s.next, s.stubs[s.next].method, s.stubs[s.next].path)
		}
	})
	return srv
}

func (s *stubServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.next >= len(s.stubs) {
		s.t.Errorf("unexpected request %s %s", r.Method, r.URL.RequestURI())
		w.WriteHeader(http.StatusTeapot)
		return
	}
	st := s.stubs[s.next]
	s.next++
	if r.Method != st.method || r.URL.RequestURI() != st.path {
		s.t.Errorf("request %d = %s %s, want %s %s", s.next, r.Method, r.URL.RequestURI(), st.method, st.path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
		s.t.Errorf("request %d Authorization = %q", s.next, got)
	}
	var got any
	if err := json.NewDecoder(r.Body).Decode(&got); err != nil && st.wantBody != "" {
		s.t.Errorf("request %d body: %v", s.next, err)
	}
	var want any
	if st.wantBody != "" {
		if err := json.Unmarshal([]byte(st.wantBody), &want); err != nil {
			s.t.Fatalf("bad stub body: %v", err)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		s.t.Errorf("request %d %s %s body mismatch (-want +got):\n%s", s.next, st.method, st.path, diff)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(st.status)
	w.Write([]byte(st.body))
}

func TestClient_CommitFiles_Requests(t *testing.T) {
	t.Parallel()
	const r = "/repos/o/r"
	srv := newStubServer(t,
		stub{method: "GET", path: r + "/git/commits/p1", status: 200,
			body: `{"sha":"p1","tree":{"sha":"t1"},"message":"base","parents":[]}`},
		stub{method: "GET", path: r + "/git/trees/t1?recursive=1", status: 200,
			body: `{"sha":"t1","truncated":false,"tree":[
				{"path":"hack","mode":"040000","type":"tree","sha":"d1"},
				{"path":"hack/run.sh","mode":"100755","type":"blob","sha":"b1"},
				{"path":"old.yaml","mode":"100644","type":"blob","sha":"b2"}]}`},
		stub{method: "POST", path: r + "/git/trees", status: 201,
			wantBody: `{"base_tree":"t1","tree":[
				{"path":"hack/run.sh","mode":"100755","type":"blob","content":"#!/bin/sh\n"},
				{"path":"apps/hr.yaml","mode":"100644","type":"blob","content":"version: 2.0.0\n"},
				{"path":"old.yaml","mode":"100644","type":"blob","sha":null}]}`,
			body: `{"sha":"t2"}`},
		stub{method: "POST", path: r + "/git/commits", status: 201,
			wantBody: `{"message":"chore(deps): update","tree":"t2","parents":["p1"]}`,
			body:     `{"sha":"c2","tree":{"sha":"t2"}}`},
		stub{method: "POST", path: r + "/git/refs", status: 422,
			wantBody: `{"ref":"refs/heads/bosun/app","sha":"c2"}`,
			body:     `{"message":"Reference already exists","documentation_url":"https://docs.github.com/rest/git/refs#create-a-reference"}`},
		stub{method: "PATCH", path: r + "/git/refs/heads/bosun/app", status: 200,
			wantBody: `{"sha":"c2","force":true}`,
			body:     `{"ref":"refs/heads/bosun/app","object":{"sha":"c2","type":"commit"}}`},
	)
	c, err := New(Options{BaseURL: srv.URL, Token: testToken, Repo: forge.Repo{Owner: "o", Name: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	sha, err := c.CommitFiles(context.Background(), "p1", "bosun/app", "chore(deps): update", []forge.File{
		{Path: "hack/run.sh", Content: []byte("#!/bin/sh\n")},
		{Path: "apps/hr.yaml", Content: []byte("version: 2.0.0\n")},
		{Path: "old.yaml"},
		{Path: "never/existed.yaml"},
	}, true)
	if err != nil || sha != "c2" {
		t.Fatalf("CommitFiles() = %q, %v; want c2", sha, err)
	}
	if c.Writes() != 4 {
		t.Errorf("Writes() = %d, want 4", c.Writes())
	}
}

func TestClient_UpdatePullRequest_Requests(t *testing.T) {
	t.Parallel()
	const r = "/repos/o/r"
	srv := newStubServer(t,
		stub{method: "PATCH", path: r + "/pulls/7", status: 200,
			wantBody: `{"title":"T","body":"B","base":"main"}`,
			body:     `{"number":7,"state":"open","labels":[{"name":"type/minor"},{"name":"keep"},{"name":"bosun"}]}`},
		stub{method: "GET", path: r + "/labels?per_page=100", status: 200, body: `[{"name":"type/minor"},{"name":"keep"},{"name":"bosun"}]`},
		stub{method: "POST", path: r + "/labels", status: 201,
			wantBody: `{"name":"type/major","color":"d73a4a"}`, body: `{"name":"type/major"}`},
		stub{method: "POST", path: r + "/issues/7/labels", status: 200,
			wantBody: `["type/major"]`, body: `[{"name":"type/major"}]`},
		stub{method: "DELETE", path: r + "/issues/7/labels/type%2Fminor", status: 200, body: `[]`},
	)
	c, err := New(Options{BaseURL: srv.URL, Token: testToken, Repo: forge.Repo{Owner: "o", Name: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	err = c.UpdatePullRequest(context.Background(), 7, forge.Spec{Title: "T", Body: "B", Base: "main", Labels: []string{"type/major", "bosun"}})
	if err != nil {
		t.Fatalf("UpdatePullRequest() error = %v", err)
	}
}

func TestClient_TokenNotSentToOtherHosts(t *testing.T) {
	t.Parallel()
	var gotAuth []string
	var mu sync.Mutex
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		gotAuth = append(gotAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"default_branch":"main"}`))
	}))
	t.Cleanup(other.Close)
	// Same IP, different port: a different host for the token check.
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	t.Cleanup(api.Close)
	c, err := New(Options{BaseURL: api.URL, Token: testToken, Repo: forge.Repo{Owner: "o", Name: "r"}})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.DefaultBranch(context.Background()); err != nil || b != "main" {
		t.Fatalf("DefaultBranch() = %q, %v", b, err)
	}
	if diff := cmp.Diff([]string{""}, gotAuth); diff != "" {
		t.Errorf("Authorization at the redirect target (-want +got):\n%s", diff)
	}
}

// TestEachPage_NextPageDoesNotMoveForward: a server whose Link header keeps
// pointing at the same or an earlier page ends the listing (keeping what was
// read) instead of being read forever.
func TestEachPage_NextPageDoesNotMoveForward(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		next  func(page int) int // the rel="next" page the server names
		pages []int              // the pages bosun should read
	}{
		{"always page 2", func(int) int { return 2 }, []int{1, 2}},
		{"back to page 1", func(p int) int { return max(1, (p+1)%3) }, []int{1, 2}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			const guard = 20 // the old code never stopped: end the test anyway
			var mu sync.Mutex
			var read []int
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				defer mu.Unlock()
				page, _ := strconv.Atoi(r.URL.Query().Get("page"))
				page = max(page, 1)
				read = append(read, page)
				w.Header().Set("Content-Type", "application/json")
				if len(read) > guard {
					w.Write([]byte("[]"))
					return
				}
				q := r.URL.Query()
				q.Set("page", strconv.Itoa(tt.next(page)))
				w.Header().Set("Link", fmt.Sprintf(`<http://%s%s?%s>; rel="next"`, r.Host, r.URL.Path, q.Encode()))
				fmt.Fprintf(w, `[{"number": %d, "state": "open", "head": {"ref": "bosun/p%d", "sha": "abc"}}]`, page, page)
			}))
			t.Cleanup(srv.Close)
			var logs bytes.Buffer
			c, err := New(Options{BaseURL: srv.URL, Token: testToken, Repo: forge.Repo{Owner: "octo", Name: "home-ops"},
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			prs, err := c.ListPullRequests(t.Context(), forge.StateAll, "bosun/")
			if err != nil {
				t.Fatalf("ListPullRequests() error = %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if fmt.Sprint(read) != fmt.Sprint(tt.pages) {
				t.Errorf("pages read %v, want %v", read, tt.pages)
			}
			if len(prs) != len(tt.pages) {
				t.Errorf("%d pull requests kept, want %d (one per page read)", len(prs), len(tt.pages))
			}
			if !strings.Contains(logs.String(), "does not move forward") {
				t.Errorf("the early end is not logged:\n%s", logs.String())
			}
		})
	}
}
