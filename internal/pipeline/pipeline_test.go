package pipeline

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/policy"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
	"github.com/bosunhq/bosun/internal/upstream"
)

// counting wraps a real datasource and counts Releases calls per chart key.
type counting struct {
	Lookup
	calls atomic.Int32
}

func (c *counting) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	c.calls.Add(1)
	return c.Lookup.Releases(ctx, src, name)
}

func ref(file string, src chart.Source, name, version string) chart.Ref {
	return chart.Ref{Kind: "OCIRepository", Name: file, Namespaces: []string{"default"}, Chart: name, Source: src,
		Field: chart.FieldTag, Version: version, Loc: chart.Location{File: file, Line: 1, Start: 0, End: len(version)}}
}

// TestDecideRefs_FailureIsNotNoUpdate: a source whose lookup fails is reported as
// failed, with every reference using it, while the others are planned; each
// source is looked up once however many references use it.
func TestDecideRefs_FailureIsNotNoUpdate(t *testing.T) {
	t.Parallel()
	up, err := upstream.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(up.Close)
	ctx := context.Background()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	oci := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"}
	for _, v := range []string{"4.0.0", "4.1.0"} {
		if _, err := up.Publish(ctx, oci, "app-template", upstream.Release{Version: v, Created: now.Add(-30 * 24 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	hosts := append(up.Hosts(), datasource.Host{Match: "https://charts.gone.example", Mirror: "http://127.0.0.1:1"})
	client := httpx.New(httpx.Options{MaxAttempts: 1})
	ds := &counting{Lookup: datasource.New(helmrepo.New(client, helmrepo.Options{Hosts: hosts}), ocirepo.New(ocirepo.Options{Client: client, Hosts: hosts}))}
	gone := chart.Source{Kind: chart.SourceHelm, URL: "https://charts.gone.example"}
	refs := []chart.Ref{
		ref("a.yaml", oci, "app-template", "4.0.0"),
		ref("b.yaml", oci, "app-template", "4.0.0"),
		ref("c.yaml", oci, "app-template", "4.1.0"),
		ref("d.yaml", gone, "vanished", "1.0.0"),
		ref("e.yaml", gone, "vanished", "1.0.0"),
		{Kind: "HelmRelease", Name: "secret", Skip: chart.SkipSOPS, Loc: chart.Location{File: "s.yaml"}},
	}
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := decideRefs(ctx, refs, ds, rules, stageOptions{now: now, concurrency: 4})
	if got := ds.calls.Load(); got != 2 {
		t.Errorf("Releases called %d times, want 2 (one per source)", got)
	}
	if len(res.Failed) != 1 || res.Failed[0].Chart != "vanished" || len(res.Failed[0].Refs) != 2 || !res.Failed[0].Transient {
		t.Fatalf("Failed = %+v, want the vanished chart with its 2 references, transient", res.Failed)
	}
	if keys := res.FailedKeys(); !keys[refs[3].Key()] || keys[refs[0].Key()] {
		t.Errorf("FailedKeys = %v", keys)
	}
	if len(res.Groups) != 1 || len(res.Groups[0].Updates) != 2 || res.Groups[0].Updates[0].To.Version != "4.1.0" {
		t.Errorf("Groups = %+v, want one group moving a.yaml and b.yaml to 4.1.0", res.Groups)
	}
	if res.UpToDate != 1 {
		t.Errorf("UpToDate = %d, want 1 (c.yaml)", res.UpToDate)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Reason != string(chart.SkipSOPS) {
		t.Errorf("Skipped = %+v, want the sops reference", res.Skipped)
	}
	for _, d := range res.Decisions {
		if d.Ref.Source == gone && d.Status != policy.StatusFailed {
			t.Errorf("%s: status %s, want failed (a failed lookup is never \"no update\")", d.Ref.Loc.File, d.Status)
		}
	}
}

// TestDecideRefs_FailureReportedOnce: a failed lookup is in the Result,
// which the report prints; the log does not print it a second time at the
// levels shown by default.
func TestDecideRefs_FailureReportedOnce(t *testing.T) {
	t.Parallel()
	hosts := datasource.Hosts{{Match: "https://charts.gone.example", Mirror: "http://127.0.0.1:1"}}
	client := httpx.New(httpx.Options{MaxAttempts: 1})
	ds := datasource.New(helmrepo.New(client, helmrepo.Options{Hosts: hosts}), ocirepo.New(ocirepo.Options{Client: client, Hosts: hosts}))
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	gone := chart.Source{Kind: chart.SourceHelm, URL: "https://charts.gone.example"}
	res := decideRefs(context.Background(), []chart.Ref{ref("d.yaml", gone, "vanished", "1.0.0")}, ds, rules,
		stageOptions{now: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), log: log})
	if len(res.Failed) != 1 {
		t.Fatalf("Failed = %+v, want the vanished chart", res.Failed)
	}
	if out := logs.String(); strings.Contains(out, "vanished") || strings.Contains(out, "level=WARN") {
		t.Errorf("the lookup failure is logged as well as reported:\n%s", out)
	}
}

// The lookups of one run share one registry token: the pipeline tells the
// lookup which sources it will ask about before it asks, so the token
// request names all of them, and the registry challenges only once.
func TestDecideRefs_OneTokenPerRegistry(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	r := ocitest.New(t)
	var refs []chart.Ref
	for _, repo := range []string{"charts/a", "charts/b", "charts/c"} {
		r.PushChart(t, repo, "app", "1.0.0", now.Add(-60*24*time.Hour), "")
		r.PushChart(t, repo, "app", "1.1.0", now.Add(-30*24*time.Hour), "")
		src := chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Ref(repo)}
		refs = append(refs, ref(repo+".yaml", src, "app", "1.0.0"))
	}
	oci := ocirepo.New(ocirepo.Options{Client: r.Client(), Getenv: func(string) string { return "" }})
	lookup := datasource.New(helmrepo.New(r.Client(), helmrepo.Options{}), oci)
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := decideRefs(context.Background(), refs, lookup, rules, stageOptions{now: now, concurrency: 3})
	if len(res.Failed) != 0 || len(res.Groups) != 3 {
		t.Fatalf("failed %+v, %d groups: want 3 updates", res.Failed, len(res.Groups))
	}
	tokens, challenges := 0, 0
	for _, q := range r.Requests() {
		switch {
		case q.Kind == ocitest.KindToken && q.Repo == "charts/a":
			tokens++ // a request naming several repositories is recorded once per repository
		case q.Kind != ocitest.KindToken && q.Status == http.StatusUnauthorized:
			challenges++
		}
	}
	if tokens != 1 || challenges != 1 {
		t.Errorf("token requests %d, 401 challenges %d; want 1 and 1", tokens, challenges)
	}
	if c := r.TotalCounts(); c.Token != 3 {
		t.Errorf("token request scopes %d, want 3 (one request naming the 3 repositories)", c.Token)
	}
}

// Two sources that differ only in a query value (a token naming the
// repository to serve, say) share chart.Ref.Key, which is redacted, but
// are looked up apart: each reference gets its own source's releases.
func TestDecideRefs_SourcesDifferingInQueryApart(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	old := now.Add(-30 * 24 * time.Hour)
	repos := map[string]*helmrepotest.Server{
		"a": helmrepotest.New(t, helmrepotest.Chart{Name: "app", Version: "1.0.0", Created: old}, helmrepotest.Chart{Name: "app", Version: "1.1.0", Created: old}),
		"b": helmrepotest.New(t, helmrepotest.Chart{Name: "app", Version: "1.0.0", Created: old}, helmrepotest.Chart{Name: "app", Version: "1.2.0", Created: old}),
	}
	front := helmrepotest.New(t)
	front.Wrap(func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			repo, ok := repos[req.URL.Query().Get("token")]
			if !ok {
				http.NotFound(w, req)
				return
			}
			w.Header().Set("Content-Type", "application/x-yaml")
			_, _ = w.Write(repo.Index())
		})
	})
	srcA := chart.Source{Kind: chart.SourceHelm, URL: front.URL + "?token=a"}
	srcB := chart.Source{Kind: chart.SourceHelm, URL: front.URL + "?token=b"}
	refs := []chart.Ref{ref("a.yaml", srcA, "app", "1.0.0"), ref("b.yaml", srcB, "app", "1.0.0")}
	if refs[0].Key() != refs[1].Key() {
		t.Fatalf("keys %q and %q differ: the test needs sources that share a key", refs[0].Key(), refs[1].Key())
	}
	lookup := datasource.New(helmrepo.New(http.DefaultClient, helmrepo.Options{}), ocirepo.New(ocirepo.Options{Getenv: func(string) string { return "" }}))
	rules, err := policy.Compile(policy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res := decideRefs(context.Background(), refs, lookup, rules, stageOptions{now: now, concurrency: 2})
	if len(res.Failed) != 0 {
		t.Fatalf("failed: %+v", res.Failed)
	}
	want := map[string]string{"a.yaml": "1.1.0", "b.yaml": "1.2.0"}
	for _, d := range res.Decisions {
		got := ""
		if d.To != nil {
			got = d.To.Version
		}
		if got != want[d.Ref.Loc.File] {
			t.Errorf("%s: update to %q (%s), want %q, its own source's newest", d.Ref.Loc.File, got, d.Status, want[d.Ref.Loc.File])
		}
	}
}
