package github

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/bosunhq/bosun/internal/forge"
)

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
