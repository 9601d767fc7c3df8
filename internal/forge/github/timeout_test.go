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

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
)

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
