package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

// TestNewLookup_timeoutPerSource: lookup.timeout bounds a whole source. A
// registry that answers every tag page well within the timeout, but is slow
// over all its pages, fails the lookup once the source's time is up instead
// of keeping the run going page after page.
func TestNewLookup_timeoutPerSource(t *testing.T) {
	t.Parallel()
	const (
		pages   = 40
		perPage = 50 * time.Millisecond // pages*perPage = 2s, 4× the timeout
		timeout = 500 * time.Millisecond
	)
	var served atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := strconv.Atoi(r.URL.Query().Get("p"))
		served.Add(1)
		select {
		case <-time.After(perPage):
		case <-r.Context().Done():
			return
		}
		if p+1 < pages {
			w.Header().Set("Link", fmt.Sprintf(`</v2/charts/slow/tags/list?p=%d>; rel="next"`, p+1))
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"tags": []string{fmt.Sprintf("1.0.%d", p)}})
	}))
	t.Cleanup(srv.Close)

	cfg := &config.Config{}
	cfg.Lookup.Timeout = config.NewDuration(timeout)
	d := &Deps{Getenv: func(string) string { return "" }, Logger: slog.New(slog.DiscardHandler)}
	lookup := d.newLookup(cfg, lookupOptions{NoCache: true})
	src := chart.Source{Kind: chart.SourceOCI, URL: "oci://" + srv.Listener.Addr().String() + "/charts/slow"}

	_, err := lookup.Releases(t.Context(), src, "slow")
	if err == nil {
		t.Fatalf("lookup of a source slower than lookup.timeout succeeded after %d pages", served.Load())
	}
	var de *datasource.Error
	if !errors.Is(err, datasource.ErrTimeout) || !errors.As(err, &de) || !de.Transient {
		t.Errorf("error = %v, want a transient datasource.ErrTimeout", err)
	}
	if n := served.Load(); n >= pages {
		t.Errorf("served all %d pages", n)
	}
	// The deadline is the source's, not the call's: describing one of its
	// versions afterwards fails at once, without a request.
	before := served.Load()
	if _, err := lookup.Describe(t.Context(), src, "slow", chart.Release{Version: "1.0.0", Tag: "1.0.0"}); !errors.Is(err, datasource.ErrTimeout) {
		t.Errorf("Describe after the deadline: %v, want ErrTimeout", err)
	}
	if served.Load() != before {
		t.Errorf("Describe after the deadline reached the registry")
	}
}

// TestPlan_credentialsInSourceURL: a HelmRepository URL with userinfo is
// used to authenticate, and the password appears in no output (plan text,
// JSON, Markdown, logs).
func TestPlan_credentialsInSourceURL(t *testing.T) {
	t.Parallel()
	const secret = "S3CRETPW"
	u := privateCharts(t, "alice", secret)
	u.User = url.UserPassword("alice", secret)
	dir := t.TempDir()
	manifest := appFromPrivate(u.String())
	fstree.WriteFile(t, filepath.Join(dir, "app.yaml"), []byte(manifest))
	for _, args := range [][]string{{"scan", "-o", "text", dir}, {"scan", "-o", "json", dir}, {"--log-level", "debug", "plan", "--no-cache", dir}} {
		res := runApp(t, nil, args...)
		if strings.Contains(res.stdout+res.stderr, secret) {
			t.Errorf("%v shows the password:\n%s%s", args, res.stdout, res.stderr)
		}
	}
	// A lookup that fails names the source in the report, the annotations
	// and the logs: redacted too.
	failing := strings.Replace(manifest, u.Host, "127.0.0.1:1", 1)
	failDir := t.TempDir()
	fstree.WriteFile(t, filepath.Join(failDir, "app.yaml"), []byte(failing))
	for _, format := range []string{"text", "markdown"} {
		res := runApp(t, nil, "--log-level", "debug", "plan", "--no-cache", "-o", format, failDir)
		if !strings.Contains(res.stdout+res.stderr, "127.0.0.1:1") {
			t.Errorf("failing plan -o %s does not name the source:\n%s%s", format, res.stdout, res.stderr)
		}
		if strings.Contains(res.stdout+res.stderr, secret) {
			t.Errorf("failing plan -o %s shows the password:\n%s%s", format, res.stdout, res.stderr)
		}
	}
	for _, format := range []string{"text", "json", "markdown"} {
		res := runApp(t, nil, "plan", "--no-cache", "-o", format, dir)
		if res.code != ExitOK {
			t.Errorf("plan -o %s: exit %d\n%s%s", format, res.code, res.stdout, res.stderr)
		}
		if !strings.Contains(res.stdout, "1.1.0") {
			t.Errorf("plan -o %s found no update (credentials not used?):\n%s", format, res.stdout)
		}
		for name, out := range map[string]string{"stdout": res.stdout, "stderr": res.stderr} {
			if strings.Contains(out, secret) {
				t.Errorf("plan -o %s: %s shows the password:\n%s", format, name, out)
			}
		}
	}
}
