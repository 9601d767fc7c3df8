package github

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
)

func commitOp(e *env) error {
	parent, err := e.c.BranchSHA(e.ctx, "main")
	if err != nil {
		return err
	}
	_, err = e.c.CommitFiles(e.ctx, parent, "bosun/x", "msg", files("kubernetes/apps/podinfo/hr.yaml", "version: 6.1.0\n"), false)
	return err
}

func prOp(e *env) error {
	if err := commitOp(e); err != nil {
		return err
	}
	_, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: "t", Head: "bosun/x", Labels: []string{"type/minor"}})
	return err
}

func TestClient_Errors(t *testing.T) {
	t.Parallel()
	far := time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC) // ahead of the real clock go-github checks limits with
	tests := []struct {
		name     string
		opt      envOpt
		setup    func(e *env)
		op       func(e *env) error
		wantIs   error // nil: success
		wantSub  string
		wantPerm string
		sleeps   []time.Duration
		check    func(t *testing.T, e *env, err error)
	}{
		{
			name:    "409 empty repository",
			opt:     envOpt{noSeed: true},
			op:      func(e *env) error { _, err := e.c.BranchSHA(e.ctx, "main"); return err },
			wantIs:  forge.ErrConflict,
			wantSub: "Git Repository is empty.",
		},
		{
			name: "5xx retried then success",
			setup: func(e *env) {
				e.f.Inject(forgetest.Fault{Method: "GET", Path: "git/ref/*", Status: 502, Times: 2})
			},
			op:     func(e *env) error { _, err := e.c.BranchSHA(e.ctx, "main"); return err },
			sleeps: []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name: "5xx on a write retried",
			setup: func(e *env) {
				e.f.Inject(forgetest.Fault{Method: "POST", Path: "git/trees", Status: 500, Times: 1})
			},
			op:     commitOp,
			sleeps: []time.Duration{time.Second},
			check: func(t *testing.T, e *env, _ error) {
				if got := e.f.Files("bosun/x")["kubernetes/apps/podinfo/hr.yaml"]; got != "version: 6.1.0\n" {
					t.Errorf("file = %q", got)
				}
			},
		},
		{
			name: "5xx persists",
			opt:  envOpt{retries: 2},
			setup: func(e *env) {
				e.f.Inject(forgetest.Fault{Method: "GET", Path: "git/ref/*", Status: 503, Times: 10})
			},
			op:      func(e *env) error { _, err := e.c.BranchSHA(e.ctx, "main"); return err },
			wantIs:  forge.ErrUnavailable,
			wantSub: "get branch main: forge unavailable (503)",
			sleeps:  []time.Duration{time.Second, 2 * time.Second},
		},
		{
			name: "primary rate limit mid-sequence waited out",
			setup: func(e *env) {
				e.f.RateLimitNext(forgetest.RateLimit{Method: "POST", Path: "git/commits", For: 90 * time.Second})
			},
			op:     commitOp,
			sleeps: []time.Duration{90 * time.Second},
			check: func(t *testing.T, e *env, _ error) {
				if got := e.f.Files("bosun/x")["kubernetes/apps/podinfo/hr.yaml"]; got != "version: 6.1.0\n" {
					t.Errorf("file = %q", got)
				}
				if got := len(e.f.History("bosun/x")); got != 2 {
					t.Errorf("history has %d commits, want 2 (no duplicate commit)", got)
				}
			},
		},
		{
			name:    "403 Actions may not open pull requests: the setting, not a permission",
			setup:   func(e *env) { e.f.ForbidActionsPullRequests() },
			op:      prOp,
			wantIs:  forge.ErrPermission,
			wantSub: `GitHub Actions is not permitted to create or approve pull requests. (the token's permissions are not the cause: enable the repository setting Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests"`,
			check: func(t *testing.T, _ *env, err error) {
				var fe *forge.Error
				if !errors.As(err, &fe) || fe.Permission != "" || strings.Contains(err.Error(), "the token needs") {
					t.Errorf("error = %v, names a token permission", err)
				}
			},
		},
		{
			name: "primary 429",
			setup: func(e *env) {
				e.f.RateLimitNext(forgetest.RateLimit{Path: "pulls", Status: 429, For: 20 * time.Second})
			},
			op:     prOp,
			sleeps: []time.Duration{20 * time.Second},
		},
		{
			name: "secondary with Retry-After",
			setup: func(e *env) {
				e.f.RateLimitNext(forgetest.RateLimit{Secondary: true, Method: "POST", Path: "pulls", For: 30 * time.Second})
			},
			op:     prOp,
			sleeps: []time.Duration{30 * time.Second},
			check: func(t *testing.T, e *env, _ error) {
				if prs := e.f.PullRequests(); len(prs) != 1 || !cmp.Equal(prs[0].Labels, []string{"type/minor"}) {
					t.Errorf("PRs = %+v", prs)
				}
			},
		},
		{
			name: "secondary 429 with Retry-After",
			setup: func(e *env) {
				e.f.RateLimitNext(forgetest.RateLimit{Secondary: true, Status: 429, For: 5 * time.Second})
			},
			op:     prOp,
			sleeps: []time.Duration{5 * time.Second},
		},
		{
			name: "secondary without Retry-After waits a minute",
			setup: func(e *env) {
				e.f.RateLimitNext(forgetest.RateLimit{Secondary: true, NoRetryAfter: true, For: 45 * time.Second})
			},
			op:     prOp,
			sleeps: []time.Duration{time.Minute},
		},
		{
			name:    "wait over budget",
			opt:     envOpt{maxWait: 10 * time.Minute},
			setup:   func(e *env) { e.f.RateLimitNext(forgetest.RateLimit{For: time.Hour}) },
			op:      func(e *env) error { _, err := e.c.BranchSHA(e.ctx, "main"); return err },
			wantIs:  forge.ErrRateLimited,
			wantSub: "API rate limit exceeded",
			check: func(t *testing.T, e *env, err error) {
				var fe *forge.Error
				if !errors.As(err, &fe) || !fe.Reset.Equal(forgetest.DefaultStart.Add(time.Hour)) {
					t.Errorf("Reset = %v, want %v", fe, forgetest.DefaultStart.Add(time.Hour))
				}
			},
		},
		{
			name:  "limit known to go-github is waited out without sending",
			opt:   envOpt{start: far},
			setup: func(e *env) { e.f.SetRateRemaining(1, far.Add(30*time.Second)) },
			op: func(e *env) error {
				if _, err := e.c.DefaultBranch(e.ctx); err != nil { // spends the last unit
					return err
				}
				_, err := e.c.BranchSHA(e.ctx, "main")
				return err
			},
			sleeps: []time.Duration{30 * time.Second},
			check: func(t *testing.T, e *env, _ error) {
				// DefaultBranch spent the last unit; BranchSHA was held back by
				// go-github, then sent once after the wait.
				if got := len(e.f.Requests()); got != 2 {
					t.Errorf("fake received %d requests, want 2", got)
				}
			},
		},
		{
			name:    "401 bad token",
			opt:     envOpt{token: "ghp_wrongwrongwrong"},
			op:      func(e *env) error { _, err := e.c.DefaultBranch(e.ctx); return err },
			wantIs:  forge.ErrPermission,
			wantSub: "Bad credentials",
		},
		{
			name:     "403 without pull-requests write",
			setup:    func(e *env) { e.f.DenyPermission("pull-requests") },
			op:       prOp,
			wantIs:   forge.ErrPermission,
			wantSub:  "Resource not accessible by integration (the token needs pull-requests: write)",
			wantPerm: "pull-requests: write",
		},
		{
			name:     "403 without contents write",
			setup:    func(e *env) { e.f.DenyPermission("contents") },
			op:       commitOp,
			wantIs:   forge.ErrPermission,
			wantPerm: "contents: write",
		},
		{
			name:  "403 without issues write",
			setup: func(e *env) { e.f.DenyPermission("issues") },
			op: func(e *env) error {
				if err := prOp(e); err == nil {
					return errors.New("labels were added without issues: write")
				}
				return e.c.Comment(e.ctx, 1, "hi")
			},
			wantIs:   forge.ErrPermission,
			wantPerm: "issues: write",
		},
		{
			name: "422 validation keeps GitHub's messages",
			op: func(e *env) error {
				_, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: "t", Head: "main"})
				return err
			},
			wantIs:  forge.ErrValidation,
			wantSub: "Validation Failed: No commits between main and main",
		},
		{
			name: "bare 422 on create ref falls back to update",
			setup: func(e *env) {
				parent, _ := e.c.BranchSHA(e.ctx, "main")
				mustCommit(t, e, parent, "bosun/x", files("a", "1"), false)
				e.f.FailNext("POST", "git/refs", 422, `{"message":"Reference update failed","documentation_url":"https://docs.github.com/rest/git/refs#create-a-reference"}`, nil)
			},
			op: func(e *env) error {
				parent, err := e.c.BranchSHA(e.ctx, "bosun/x")
				if err != nil {
					return err
				}
				_, err = e.c.CommitFiles(e.ctx, parent, "bosun/x", "msg", files("kubernetes/apps/podinfo/hr.yaml", "version: 6.1.0\n"), false)
				return err
			},
			check: func(t *testing.T, e *env, _ error) {
				if got := e.f.Files("bosun/x")["kubernetes/apps/podinfo/hr.yaml"]; got != "version: 6.1.0\n" {
					t.Errorf("file = %q", got)
				}
			},
		},
		{
			name: "fault with custom headers and body",
			setup: func(e *env) {
				e.f.FailNext("GET", "/repos/octo/home-ops", 451, `{"message":"Repository access blocked","block":{"reason":"dmca"}}`, http.Header{"X-Test": {"1"}})
			},
			op:      func(e *env) error { _, err := e.c.DefaultBranch(e.ctx); return err },
			wantSub: "forge error (451): Repository access blocked",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, tt.opt)
			if tt.setup != nil {
				tt.setup(e)
			}
			err := tt.op(e)
			switch {
			case tt.wantIs == nil && tt.wantSub == "" && err != nil:
				t.Fatalf("error = %v, want success", err)
			case tt.wantIs != nil && !errors.Is(err, tt.wantIs):
				t.Fatalf("error = %v, want %v", err, tt.wantIs)
			case tt.wantSub != "" && (err == nil || !strings.Contains(err.Error(), tt.wantSub)):
				t.Fatalf("error = %v, want it to contain %q", err, tt.wantSub)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %v", err)
			}
			if tt.wantPerm != "" {
				var fe *forge.Error
				if !errors.As(err, &fe) || fe.Permission != tt.wantPerm || !strings.Contains(err.Error(), tt.wantPerm) {
					t.Errorf("error = %v, want permission %q", err, tt.wantPerm)
				}
			}
			if diff := cmp.Diff(tt.sleeps, e.clock.Sleeps()); diff != "" {
				t.Errorf("sleeps mismatch (-want +got):\n%s", diff)
			}
			if tt.check != nil {
				tt.check(t, e, err)
			}
			if e.c.Writes() != e.f.Writes() {
				t.Errorf("client counted %d writes, fake received %d", e.c.Writes(), e.f.Writes())
			}
		})
	}
}

// A GitHub API that accepts the connection and never answers must not hold
// a call forever: each attempt ends at the timeout, reads are retried, and
// the call fails as unavailable.
func TestClient_SilentServer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		hc   *http.Client
	}{
		{"default client", nil},
		{"given client without a timeout", &http.Client{Transport: &http.Transport{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := forgetest.NewSilent(t)
			var logs bytes.Buffer
			c, err := New(Options{
				BaseURL: s.URL, Token: testToken, Repo: forge.Repo{Owner: "octo", Name: "home-ops"},
				HTTPClient: tt.hc, Timeout: 50 * time.Millisecond, Retries: 2,
				Sleep:  func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
				Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
			})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.DefaultBranch(context.Background())
			if !errors.Is(err, forge.ErrUnavailable) {
				t.Fatalf("DefaultBranch() error = %v, want %v", err, forge.ErrUnavailable)
			}
			if got := strings.Count(logs.String(), "retrying"); got != 2 {
				t.Errorf("%d retries, want 2:\n%s", got, logs.String())
			}
		})
	}
}

// A caller's deadline ends a call that waits on a silent server.
func TestClient_SilentServerDeadline(t *testing.T) {
	t.Parallel()
	s := forgetest.NewSilent(t)
	c, err := New(Options{BaseURL: s.URL, Token: testToken, Repo: forge.Repo{Owner: "octo", Name: "home-ops"}, Timeout: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = c.BranchSHA(ctx, "main")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("BranchSHA() error = %v, want %v", err, context.DeadlineExceeded)
	}
}
