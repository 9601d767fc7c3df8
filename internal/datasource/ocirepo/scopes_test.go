package ocirepo_test

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"

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
