package ocirepo_test

import (
	"context"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// tokenLog counts the requests that reach the token endpoint, and the
// scopes each names; refuseShared answers 403 to one naming several.
type tokenLog struct {
	mu           sync.Mutex
	scopes       []int
	refuseShared bool
}

func (l *tokenLog) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == ocitest.TokenPath {
			n := len(req.URL.Query()["scope"])
			l.mu.Lock()
			l.scopes = append(l.scopes, n)
			l.mu.Unlock()
			if l.refuseShared && n > 1 {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusForbidden)
				_, _ = w.Write([]byte(`{"errors":[{"code":"DENIED","message":"one repository per token"}]}`))
				return
			}
		}
		next.ServeHTTP(w, req)
	})
}

func (l *tokenLog) requests() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]int(nil), l.scopes...)
}

var sharedRepos = []string{"charts/a", "charts/b", "charts/c", "charts/d"}

// lookUpAll lists and describes the newest release of every repository,
// all at once, as the pipeline does.
func lookUpAll(t *testing.T, r *ocitest.Registry, s *ocirepo.Source, expect bool) {
	t.Helper()
	var srcs []chart.Source
	for _, repo := range sharedRepos {
		srcs = append(srcs, src(r, repo))
	}
	if expect {
		s.Expect(srcs)
	}
	var wg sync.WaitGroup
	for i, repo := range sharedRepos {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rels, err := s.Releases(context.Background(), srcs[i], "app")
			if err != nil || len(rels) != 2 {
				t.Errorf("%s: Releases = %v, %v", repo, rels, err)
				return
			}
			d, err := s.Describe(context.Background(), srcs[i], "app", rels[0])
			if err != nil || d.Digest == "" || d.NotChart {
				t.Errorf("%s: Describe = %+v, %v", repo, d, err)
			}
		}()
	}
	wg.Wait()
}

func newSharedRegistry(t *testing.T, l *tokenLog) *ocitest.Registry {
	r := ocitest.New(t, ocitest.WithMiddleware(l.middleware))
	for _, repo := range sharedRepos {
		r.PushChart(t, repo, "app", "1.0.0", t0, "")
		r.PushChart(t, repo, "app", "1.1.0", t0, "")
	}
	return r
}

func challenges(r *ocitest.Registry) int {
	n := 0
	for _, q := range r.Requests() {
		if q.Kind != ocitest.KindToken && q.Status == http.StatusUnauthorized {
			n++
		}
	}
	return n
}

// With the sources expected, one token names every repository of the
// registry and serves all of them: one challenge, one token exchange,
// instead of one of each per repository.
func TestSource_Expect_sharesOneToken(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		expect     bool
		tokens     []int
		challenges int
	}{
		{name: "expected", expect: true, tokens: []int{len(sharedRepos)}, challenges: 1},
		{name: "not expected", expect: false, tokens: []int{1, 1, 1, 1}, challenges: len(sharedRepos)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := &tokenLog{}
			r := newSharedRegistry(t, l)
			lookUpAll(t, r, newSource(r, ocirepo.Options{}), tc.expect)
			if got := l.requests(); !slices.Equal(got, tc.tokens) {
				t.Errorf("token requests (scopes each) = %v, want %v", got, tc.tokens)
			}
			if got := challenges(r); got != tc.challenges {
				t.Errorf("401 challenges = %d, want %d", got, tc.challenges)
			}
		})
	}
}

// A token server that refuses a token for several repositories costs one
// refused request: every lookup then gets its own token and succeeds.
func TestSource_Expect_refusedFallsBack(t *testing.T) {
	t.Parallel()
	l := &tokenLog{refuseShared: true}
	r := newSharedRegistry(t, l)
	lookUpAll(t, r, newSource(r, ocirepo.Options{}), true)
	got := l.requests()
	want := []int{len(sharedRepos), 1, 1, 1, 1}
	if !slices.Equal(got, want) {
		t.Errorf("token requests (scopes each) = %v, want %v", got, want)
	}
}

// holdTags holds the answer to charts/a's tag list until release is
// closed: before any byte when the request carries a token (tokenFirst),
// else after the status line and the first byte of the body. arrived is
// closed when the held request has come in.
type holdTags struct {
	tokenFirst bool
	arrived    chan struct{}
	release    chan struct{}
	once       sync.Once
}

func (h *holdTags) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path != "/v2/charts/a/tags/list" || (h.tokenFirst && req.Header.Get("Authorization") == "") {
			next.ServeHTTP(w, req)
			return
		}
		if h.tokenFirst {
			h.once.Do(func() { close(h.arrived) })
			select {
			case <-h.release:
			case <-req.Context().Done():
				return
			}
			next.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, req)
		maps.Copy(w.Header(), rec.Header())
		w.WriteHeader(rec.Code)
		body := rec.Body.Bytes()
		_, _ = w.Write(body[:1])
		http.NewResponseController(w).Flush()
		h.once.Do(func() { close(h.arrived) })
		select {
		case <-h.release:
		case <-req.Context().Done():
			return
		}
		_, _ = w.Write(body[1:])
	})
}

// A repository whose tag list hangs holds back no other lookup on its
// registry: the others start once the first lookup has its token (or, from
// a registry that asks for none, its first answer), not when it ends. The
// run still makes one token request.
func TestSource_Expect_slowFirstHoldsNoOther(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mode   ocitest.AuthMode
		tokens []int
	}{
		{name: "token, answer held", mode: ocitest.AuthAnonymousPull, tokens: []int{len(sharedRepos)}},
		{name: "no token, body held", mode: ocitest.AuthNone, tokens: nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := &tokenLog{}
			h := &holdTags{tokenFirst: tc.mode != ocitest.AuthNone, arrived: make(chan struct{}), release: make(chan struct{})}
			r := ocitest.New(t, ocitest.WithAuth(tc.mode), ocitest.WithMiddleware(l.middleware), ocitest.WithMiddleware(h.middleware))
			var releaseOnce sync.Once
			unhold := func() { releaseOnce.Do(func() { close(h.release) }) }
			t.Cleanup(unhold) // before the server closes
			var srcs []chart.Source
			for _, repo := range sharedRepos {
				r.PushChart(t, repo, "app", "1.0.0", t0, "")
				srcs = append(srcs, src(r, repo))
			}
			s := newSource(r, ocirepo.Options{})
			s.Expect(srcs)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			first := make(chan error, 1)
			go func() {
				_, err := s.Releases(ctx, srcs[0], "app")
				first <- err
			}()
			select {
			case <-h.arrived:
			case err := <-first:
				t.Fatalf("charts/a done before its tag list was held: %v", err)
			case <-ctx.Done():
				t.Fatal("charts/a's tag list never came")
			}

			others := make(chan error, len(srcs)-1)
			for _, sr := range srcs[1:] {
				go func() {
					rels, err := s.Releases(ctx, sr, "app")
					if err == nil && len(rels) == 1 {
						_, err = s.Describe(ctx, sr, "app", rels[0])
					}
					others <- err
				}()
			}
			for range srcs[1:] {
				if err := <-others; err != nil {
					t.Errorf("while charts/a hangs: %v", err)
				}
			}
			unhold()
			if err := <-first; err != nil {
				t.Errorf("charts/a: %v", err)
			}
			if got := l.requests(); !slices.Equal(got, tc.tokens) {
				t.Errorf("token requests (scopes each) = %v, want %v", got, tc.tokens)
			}
		})
	}
}
