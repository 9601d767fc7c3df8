package app

import (
	"context"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/demo"
	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"github.com/bosunhq/bosun/internal/upstream"
)

const runToken = "ghs_runT0kenN0tForLogs"

// wantGroups are the sample repository's groups (testdata/demo.txt).
var wantGroups = map[string]struct{ title, typ string }{
	"bosun/app-template":       {"feat(helm): update chart app-template ( 4.1.0 → 4.2.0 )", "minor"},
	"bosun/app-template-major": {"feat(helm)!: update chart app-template ( 3.7.3 → 4.1.1 )", "major"},
	"bosun/cert-manager":       {"feat(helm): update chart cert-manager ( v1.17.1 → v1.18.0 )", "minor"},
	"bosun/flux-operator":      {"fix(helm): update chart flux-operator ( 0.28.0 → 0.28.1 )", "patch"},
	"bosun/ingress-nginx":      {"feat(helm): update chart ingress-nginx ( 4.11.2 → 4.12.0 )", "minor"},
	"bosun/metrics-server":     {"fix(helm): update chart metrics-server ( 3.12.1 → 3.12.2 )", "patch"},
	"bosun/rook-ceph":          {"chore(helm): update rook-ceph group", "minor"},
}

// runEnv is a checkout of the sample repository, its chart sources, and a
// fake GitHub whose main branch holds exactly the checkout's files.
type runEnv struct {
	t    *testing.T
	up   *upstream.Upstream
	dir  string
	fake *forgetest.Fake
	env  map[string]string
}

// prepareDemo starts the sample repository's chart sources (shared by subtests).
func prepareDemo(t *testing.T) *demo.Env {
	t.Helper()
	d, err := demo.Prepare(context.Background(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	return d
}

// newRunEnv copies d's checkout, appends config to its bosun.yaml, and
// seeds a new fake with it.
func newRunEnv(t *testing.T, d *demo.Env, config string, opts ...forgetest.Option) *runEnv {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(d.Dir)); err != nil {
		t.Fatal(err)
	}
	// Fail lookups fast, and let the first run open every group.
	appendTestFile(t, filepath.Join(dir, "bosun.yaml"), "lookup:\n  retries: 0\n"+config)
	fake := forgetest.New(t, "o", "r", opts...)
	fake.RequireToken(runToken)
	fake.Seed("main", fstree.Read(t, dir))
	return &runEnv{t: t, up: d.Upstream, dir: dir, fake: fake,
		env: map[string]string{"GITHUB_API_URL": fake.URL, "GITHUB_TOKEN": runToken}}
}

func appendTestFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// run runs `bosun run` on the checkout and checks the token never shows.
func (e *runEnv) run(args ...string) result {
	e.t.Helper()
	all := append([]string{"run", "--no-cache", "--repo", "o/r"}, args...)
	r := runApp(e.t, e.env, append(all, e.dir)...)
	if strings.Contains(r.stdout+r.stderr, runToken) {
		e.t.Errorf("the token appears in the output")
	}
	for _, pr := range e.fake.PullRequests() {
		if strings.Contains(pr.Body, runToken) {
			e.t.Errorf("the token appears in #%d's body", pr.Number)
		}
		for _, c := range e.fake.Comments(pr.Number) {
			if strings.Contains(c, runToken) {
				e.t.Errorf("the token appears in a comment on #%d", pr.Number)
			}
		}
	}
	return r
}

func (e *runEnv) mustRun(wantCode int, args ...string) result {
	e.t.Helper()
	r := e.run(args...)
	if r.code != wantCode {
		e.t.Fatalf("bosun run: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, wantCode, r.stdout, r.stderr)
	}
	return r
}

// mustRunIdle runs bosun, which must exit 0 and make no GitHub write; what
// names the run in the error.
func (e *runEnv) mustRunIdle(what string) {
	e.t.Helper()
	writes := e.fake.Writes()
	e.mustRun(ExitOK)
	if got := e.fake.Writes() - writes; got != 0 {
		e.t.Errorf("%s made %d writes", what, got)
	}
}

// pull returns the newest pull request of branch.
func (e *runEnv) pull(branch string) forge.PullRequest {
	e.t.Helper()
	prs := e.fake.PullRequests()
	for i := len(prs) - 1; i >= 0; i-- {
		if prs[i].Head == branch {
			return prs[i]
		}
	}
	e.t.Fatalf("no pull request for %s", branch)
	return forge.PullRequest{}
}

// syncLocal makes the checkout follow the base branch, as a CI checkout does.
func (e *runEnv) syncLocal() {
	e.t.Helper()
	fstree.Write(e.t, e.dir, e.fake.Files("main"))
}

// commitConfig changes bosun.yaml on the base branch and in the checkout.
func (e *runEnv) commitConfig(edit func(string) string) {
	e.t.Helper()
	cfg := e.fake.Files("main")["bosun.yaml"]
	e.fake.Seed("main", map[string]string{"bosun.yaml": edit(cfg)})
	e.syncLocal()
}

// publish makes a newer chart version available.
func (e *runEnv) publish(src chart.Source, name, version string, age time.Duration) {
	e.t.Helper()
	r := upstream.Release{Version: version, AppVersion: version, Created: fixedNow.Add(-age).UTC().Truncate(time.Second)}
	if _, err := e.up.Publish(context.Background(), src, name, r); err != nil {
		e.t.Fatal(err)
	}
}

// applied is what `bosun apply --group branch` makes of a copy of the
// checkout, for each branch.
func (e *runEnv) applied(branches ...string) map[string]map[string]string {
	e.t.Helper()
	dirs := make([]string, len(branches))
	codes := make([]result, len(branches))
	var wg sync.WaitGroup
	for i, b := range branches {
		dirs[i] = e.t.TempDir()
		if err := os.CopyFS(dirs[i], os.DirFS(e.dir)); err != nil {
			e.t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = runApp(e.t, nil, "apply", "--no-cache", "--group", b, dirs[i])
		}()
	}
	wg.Wait()
	out := make(map[string]map[string]string, len(branches))
	for i, b := range branches {
		if r := codes[i]; r.code != ExitOK {
			e.t.Errorf("apply --group %s: exit %d\n%s%s", b, r.code, r.stdout, r.stderr)
		}
		out[b] = fstree.Read(e.t, dirs[i])
	}
	return out
}

// assertBranchFiles checks each branch holds, byte for byte, what apply
// makes of the checkout, in one commit on top of main.
func (e *runEnv) assertBranchFiles(branches ...string) {
	e.t.Helper()
	want := e.applied(branches...)
	for _, b := range branches {
		if diff := cmp.Diff(want[b], e.fake.Files(b)); diff != "" {
			e.t.Errorf("files on %s differ from bosun apply (-apply +branch):\n%s", b, diff)
		}
		hist := e.fake.History(b)
		if len(hist) < 2 || hist[1].SHA != e.fake.Branches()["main"] {
			e.t.Errorf("%s is not one commit on top of main", b)
		}
	}
}

// assertRequest checks n requests to a path ending in suffix got status.
func (e *runEnv) assertRequest(method, suffix string, status, n int) {
	e.t.Helper()
	got := 0
	for _, r := range e.fake.Requests() {
		if r.Method == method && strings.HasSuffix(r.Path, suffix) && r.Status == status {
			got++
		}
	}
	if got != n {
		e.t.Errorf("%d %s …%s answered %d, want %d", got, method, suffix, status, n)
	}
}

func countMarked(comments []string, mark string) int {
	n := 0
	for _, c := range comments {
		if strings.Contains(c, mark) {
			n++
		}
	}
	return n
}

// outcomeLine finds the run report line of branch ("  created  #3  bosun/x  …").
func outcomeLine(t *testing.T, stdout, branch string) string {
	t.Helper()
	re := regexp.MustCompile(`(?m)^  (\w+)\s+(#\d+)?\s+` + regexp.QuoteMeta(branch) + `(\s.*)?$`)
	m := re.FindString(stdout)
	if m == "" {
		t.Errorf("no outcome line for %s in:\n%s", branch, stdout)
	}
	return m
}

func actionOf(t *testing.T, stdout, branch string) string {
	t.Helper()
	f := strings.Fields(outcomeLine(t, stdout, branch))
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

func TestRun_Pipeline(t *testing.T) {
	t.Parallel()
	// The dashboard issue has its own scenarios (TestRun_Dashboard*); here
	// every write counted is a pull request's.
	e := newRunEnv(t, prepareDemo(t), "pullRequests:\n  maxNewPerRun: 0\ndashboard:\n  enabled: false\n")
	branches := slices.Sorted(maps.Keys(wantGroups))

	// 1. The first run opens one pull request per group.
	r := e.mustRun(ExitOK)
	prs := e.fake.PullRequests()
	if len(prs) != len(wantGroups) {
		t.Fatalf("%d pull requests, want %d:\n%s", len(prs), len(wantGroups), r.stdout)
	}
	for _, pr := range prs {
		w, ok := wantGroups[pr.Head]
		if !ok {
			t.Errorf("unexpected pull request from %s", pr.Head)
			continue
		}
		if pr.Title != w.title || pr.Base != "main" || pr.State != forge.StateOpen {
			t.Errorf("#%d: title %q base %s state %s, want %q into main, open", pr.Number, pr.Title, pr.Base, pr.State, w.title)
		}
		if diff := cmp.Diff([]string{"dependencies", "type/" + w.typ}, pr.Labels); diff != "" {
			t.Errorf("#%d labels (-want +got):\n%s", pr.Number, diff)
		}
		if !strings.Contains(pr.Body, "| ") || !strings.Contains(pr.Body, "<!-- bosun:meta {\"hash\":") {
			t.Errorf("#%d body lacks the table or the marker:\n%s", pr.Number, pr.Body)
		}
		if a := actionOf(t, r.stdout, pr.Head); a != "created" {
			t.Errorf("%s: action %q, want created", pr.Head, a)
		}
	}
	e.assertBranchFiles(branches...)
	if strings.Contains(e.pull("bosun/app-template").Body, "sonarr") {
		t.Errorf("the minor pull request mentions the major update's app")
	}

	// 2. Nothing new: no write at all.
	writes := e.fake.Writes()
	r = e.mustRun(ExitOK)
	if got := e.fake.Writes() - writes; got != 0 {
		t.Errorf("second run made %d writes, want 0:\n%s", got, r.stdout)
	}
	for _, b := range branches {
		if a := actionOf(t, r.stdout, b); a != "unchanged" {
			t.Errorf("second run: %s %s, want unchanged", b, a)
		}
	}

	// 3. A newer version: the same pull request is rebuilt and edited.
	certManager := chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"}
	before := e.pull("bosun/cert-manager")
	e.publish(certManager, "cert-manager", "v1.19.0", 2*24*time.Hour)
	e.mustRun(ExitOK)
	after := e.pull("bosun/cert-manager")
	if after.Number != before.Number || after.Title != "feat(helm): update chart cert-manager ( v1.17.1 → v1.19.0 )" ||
		after.Body == before.Body || !strings.Contains(after.Body, "v1.19.0") {
		t.Errorf("cert-manager pull request not updated in place: #%d %q", after.Number, after.Title)
	}
	if n := len(e.fake.PullRequests()); n != len(wantGroups) {
		t.Errorf("%d pull requests after an update, want %d", n, len(wantGroups))
	}
	e.assertBranchFiles("bosun/cert-manager")

	// 4. A merged pull request is left alone once the base has its change.
	ms := e.pull("bosun/metrics-server")
	e.fake.Merge(ms.Number)
	e.syncLocal()
	writes = e.fake.Writes()
	r = e.mustRun(ExitOK)
	if strings.Contains(r.stdout, "bosun/metrics-server") || e.fake.Writes() != writes {
		t.Errorf("after a merge: %d writes, report:\n%s", e.fake.Writes()-writes, r.stdout)
	}
	if got := e.pull("bosun/metrics-server"); got.Number != ms.Number || !got.Merged {
		t.Errorf("metrics-server reopened as #%d", got.Number)
	}

	// 5. Closed unmerged: that version is declined; a newer one is proposed.
	ingress := e.pull("bosun/ingress-nginx")
	e.fake.Close(ingress.Number)
	writes = e.fake.Writes()
	r = e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/ingress-nginx"); a != "declined" || e.fake.Writes() != writes {
		t.Errorf("after a close: %s, %d writes", a, e.fake.Writes()-writes)
	}
	e.publish(chart.Source{Kind: chart.SourceHelm, URL: "https://kubernetes.github.io/ingress-nginx"}, "ingress-nginx", "4.12.1", 24*time.Hour)
	r = e.mustRun(ExitOK)
	reopened := e.pull("bosun/ingress-nginx")
	if reopened.Number == ingress.Number || reopened.State != forge.StateOpen || !strings.Contains(reopened.Title, "4.12.1") {
		t.Errorf("newer ingress-nginx not proposed: #%d %s %q\n%s", reopened.Number, reopened.State, reopened.Title, r.stdout)
	}
	e.assertBranchFiles("bosun/ingress-nginx")

	// 6. Someone pushes to a bosun branch: never overwritten, said once.
	flux := e.pull("bosun/flux-operator")
	foreignSHA := e.fake.PushForeignCommit("bosun/flux-operator", map[string]string{"NOTES.md": "pinned by hand\n"}, "alice")
	e.mustRun(ExitOK)
	e.publish(chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator"}, "flux-operator", "0.28.2", 4*24*time.Hour)
	writes = e.fake.Writes()
	r = e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/flux-operator"); a != "foreign" {
		t.Errorf("flux-operator: %s, want foreign", a)
	}
	if e.fake.Writes() != writes {
		t.Errorf("%d writes to a foreign pull request", e.fake.Writes()-writes)
	}
	if got := e.fake.Branches()["bosun/flux-operator"]; got != foreignSHA {
		t.Errorf("flux-operator branch force-pushed over alice's commit")
	}
	if got := e.pull("bosun/flux-operator"); got.Title != flux.Title || got.Body != flux.Body {
		t.Errorf("foreign pull request edited: %q", got.Title)
	}
	if n := countMarked(e.fake.Comments(flux.Number), "<!-- bosun:foreign -->"); n != 1 {
		t.Errorf("%d foreign comments, want 1", n)
	}

	// 7. A group the policy no longer proposes: closed, with a comment, branch deleted.
	e.commitConfig(func(c string) string {
		return strings.Replace(c, "rules:\n", "rules:\n  - match: {charts: [cert-manager]}\n    ignore: true\n", 1)
	})
	r = e.mustRun(ExitOK)
	cm := e.pull("bosun/cert-manager")
	if cm.State != forge.StateClosed || cm.Merged || e.fake.Branches()["bosun/cert-manager"] != "" {
		t.Errorf("cert-manager: state %s, branch left %v:\n%s", cm.State, e.fake.Branches()["bosun/cert-manager"] != "", r.stdout)
	}
	if n := countMarked(e.fake.Comments(cm.Number), "<!-- bosun:superseded -->"); n != 1 {
		t.Errorf("%d superseded comments on #%d, want 1", n, cm.Number)
	}

	// 8. A failed lookup holds that chart's pull requests exactly as they are.
	snap := e.fake.PullRequests()
	branchesBefore := e.fake.Branches()
	e.commitConfig(func(c string) string {
		return regexp.MustCompile(`(host: "https://kubernetes.github.io/ingress-nginx"\n    mirror: "[^"]*)"`).ReplaceAllString(c, `$1/gone"`)
	})
	writes = e.fake.Writes()
	r = e.mustRun(ExitPartial)
	if a := actionOf(t, r.stdout, "bosun/ingress-nginx"); a != "held" {
		t.Errorf("ingress-nginx with a failed lookup: %s, want held\n%s", a, r.stdout)
	}
	e.up.Close() // every lookup fails now
	r = e.mustRun(ExitPartial)
	if e.fake.Writes() != writes {
		t.Errorf("%d writes while lookups failed", e.fake.Writes()-writes)
	}
	if diff := cmp.Diff(snap, e.fake.PullRequests()); diff != "" {
		t.Errorf("pull requests changed while lookups failed (-before +after):\n%s", diff)
	}
	after8 := e.fake.Branches()
	delete(after8, "main")
	delete(branchesBefore, "main")
	if diff := cmp.Diff(branchesBefore, after8); diff != "" {
		t.Errorf("branches changed while lookups failed (-before +after):\n%s", diff)
	}
}

func TestRun_DryRun(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), "pullRequests:\n  maxNewPerRun: 0\n")
	r := e.mustRun(ExitOK, "--dry-run")
	if e.fake.Writes() != 0 {
		t.Errorf("dry run made %d writes", e.fake.Writes())
	}
	for _, b := range slices.Sorted(maps.Keys(wantGroups)) {
		if !strings.Contains(r.stdout, "to branch "+b+" (force=true)") {
			t.Errorf("no commit line for %s", b)
		}
		if !strings.Contains(r.stdout, "would open pull request "+b+" → main: "+`"`+wantGroups[b].title+`"`) {
			t.Errorf("no open line for %s:\n%s", b, r.stdout)
		}
	}
	if n := strings.Count(r.stdout, "would commit "); n != len(wantGroups) {
		t.Errorf("%d commit lines, want %d", n, len(wantGroups))
	}

	// With pull requests open: updates and closes are printed, not made.
	e.mustRun(ExitOK)
	e.publish(chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"}, "cert-manager", "v1.19.0", 2*24*time.Hour)
	e.commitConfig(func(c string) string {
		return strings.Replace(c, "rules:\n", "rules:\n  - match: {charts: [metrics-server]}\n    ignore: true\n", 1)
	})
	before, writes := e.fake.PullRequests(), e.fake.Writes()
	r = e.mustRun(ExitOK, "--dry-run")
	cm, ms := e.pull("bosun/cert-manager"), e.pull("bosun/metrics-server")
	for _, want := range []string{
		"would commit 1 file(s) on", "to branch bosun/cert-manager (force=true)",
		"would update pull request #" + strconv.Itoa(cm.Number) + `: "feat(helm): update chart cert-manager ( v1.17.1 → v1.19.0 )"`,
		"would comment on pull request #" + strconv.Itoa(ms.Number),
		"would close pull request #" + strconv.Itoa(ms.Number),
		"would delete branch bosun/metrics-server",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, r.stdout)
		}
	}
	if e.fake.Writes() != writes {
		t.Errorf("dry run made %d writes", e.fake.Writes()-writes)
	}
	if diff := cmp.Diff(before, e.fake.PullRequests()); diff != "" {
		t.Errorf("dry run changed pull requests:\n%s", diff)
	}
}

// prState is what a run leaves on GitHub for one branch, independent of
// commit SHAs, timings and the order pull requests were numbered in.
type prState struct {
	Title    string
	State    string
	Labels   []string
	Body     string
	Files    map[string]string
	Ahead    int
	Comments int
}

// headField matches the commit SHAs a marker records, which differ between
// fakes (commit dates come from each fake's clock).
var headField = regexp.MustCompile(`,"(head|base)":"[0-9a-f]*"`)

// state is the comparable state of the fake: one entry per branch other than main.
func state(t *testing.T, f *forgetest.Fake) map[string]prState {
	t.Helper()
	out := map[string]prState{}
	onMain := map[string]bool{}
	for _, c := range f.History("main") {
		onMain[c.SHA] = true
	}
	for b := range f.Branches() {
		if b == "main" {
			continue
		}
		ahead := 0
		for _, c := range f.History(b) {
			if onMain[c.SHA] {
				break
			}
			ahead++
		}
		out[b] = prState{Files: f.Files(b), Ahead: ahead}
	}
	for _, pr := range f.PullRequests() {
		s := out[pr.Head]
		labels := slices.Clone(pr.Labels)
		sort.Strings(labels)
		s.Title, s.State, s.Labels = pr.Title, pr.State, labels
		s.Body = headField.ReplaceAllString(pr.Body, "")
		s.Comments = len(f.Comments(pr.Number))
		out[pr.Head] = s
	}
	return out
}

const allGroups = "pullRequests:\n  maxNewPerRun: 0\n"

func TestRun_GitHubErrors(t *testing.T) {
	t.Parallel()
	d := prepareDemo(t)
	realNow := func() []forgetest.Option {
		return []forgetest.Option{forgetest.WithClock(forgetest.NewClock(time.Now().UTC()))}
	}

	// The state of an uninterrupted run, that every recovered run must reach.
	ref := newRunEnv(t, d, allGroups, realNow()...)
	ref.mustRun(ExitOK)
	want := state(t, ref.fake)

	validation := func(msg string) string {
		return `{"message":"Validation Failed","errors":[{"resource":"PullRequest","code":"custom","message":"` + msg + `"}],"documentation_url":"https://docs.github.com/rest/pulls/pulls#create-a-pull-request","status":"422"}`
	}
	secondary := `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"}`

	tests := []struct {
		name string
		// setup runs before the first run.
		setup func(e *runEnv)
		// first is the first run's exit code and a string its report holds.
		firstCode int
		firstOut  string
		// between runs before the second run (none when nil: one run suffices).
		between func(e *runEnv)
		// verify checks the requests the runs made.
		verify func(e *runEnv)
	}{
		{
			name: "reference exists: a branch left from a failed run is rebuilt",
			setup: func(e *runEnv) {
				e.fake.FailNext(http.MethodPost, "pulls", http.StatusUnprocessableEntity, validation("base is being updated"), nil)
			},
			firstCode: ExitPartial, firstOut: "base is being updated",
			between: func(e *runEnv) {
				// The base moved on (a commit that changes no file): the
				// leftover branch is rebuilt over it.
				e.fake.Seed("main", map[string]string{"bosun.yaml": e.fake.Files("main")["bosun.yaml"]})
				if e.fake.Branches()["bosun/app-template"] == "" {
					e.t.Fatalf("setup: no leftover branch")
				}
			},
			verify: func(e *runEnv) { e.assertRequest(http.MethodPost, "/git/refs", http.StatusUnprocessableEntity, 1) },
		},
		{
			name: "pull request already exists: found and updated",
			setup: func(e *runEnv) {
				e.mustRun(ExitOK)
				e.fake.FailNext(http.MethodGet, "pulls", http.StatusOK, "[]", nil)
			},
			firstCode: ExitOK,
			verify: func(e *runEnv) {
				e.assertRequest(http.MethodPost, "/pulls", http.StatusUnprocessableEntity, len(wantGroups))
			},
		},
		{
			name: "no commits between",
			setup: func(e *runEnv) {
				e.fake.FailNext(http.MethodPost, "pulls", http.StatusUnprocessableEntity, validation("No commits between main and bosun/app-template"), nil)
			},
			firstCode: ExitPartial, firstOut: "No commits between main and bosun/app-template",
			between: func(*runEnv) {},
		},
		{
			name: "409 conflict",
			setup: func(e *runEnv) {
				e.fake.FailNext(http.MethodPost, "git/commits", http.StatusConflict, `{"message":"Git Repository is empty.","status":"409"}`, nil)
			},
			firstCode: ExitPartial, firstOut: "conflict (409)",
			between: func(*runEnv) {},
		},
		{
			name: "server error retried",
			setup: func(e *runEnv) {
				e.fake.FailNext(http.MethodPost, "git/trees", http.StatusBadGateway, "", nil)
			},
			firstCode: ExitOK,
			verify:    func(e *runEnv) { e.assertRequest(http.MethodPost, "/git/trees", http.StatusBadGateway, 1) },
		},
		{
			name: "primary rate limit mid-run",
			setup: func(e *runEnv) {
				e.fake.RateLimitNext(forgetest.RateLimit{For: time.Hour, Method: http.MethodPost, Path: "issues/3/labels"})
			},
			firstCode: ExitPartial, firstOut: "rate limited",
			between: func(e *runEnv) { e.fake.Clock().Advance(2 * time.Hour) },
		},
		{
			name: "secondary rate limit mid-run",
			setup: func(e *runEnv) {
				e.fake.RateLimitNext(forgetest.RateLimit{Secondary: true, For: time.Hour, Method: http.MethodPost, Path: "issues/4/labels"})
			},
			firstCode: ExitPartial, firstOut: "rate limited",
			between: func(e *runEnv) { e.fake.Clock().Advance(2 * time.Hour) },
		},
		{
			name: "secondary rate limit waited out",
			setup: func(e *runEnv) {
				e.fake.Inject(forgetest.Fault{Method: http.MethodPost, Path: "git/refs", Status: http.StatusForbidden, Body: secondary,
					Header: http.Header{"Retry-After": {"1"}}})
			},
			firstCode: ExitOK,
			verify:    func(e *runEnv) { e.assertRequest(http.MethodPost, "/git/refs", http.StatusForbidden, 1) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newRunEnv(t, d, allGroups, realNow()...)
			tt.setup(e)
			r := e.mustRun(tt.firstCode)
			if !strings.Contains(r.stdout, tt.firstOut) {
				t.Errorf("first run report lacks %q:\n%s", tt.firstOut, r.stdout)
			}
			if tt.between != nil {
				if r.code == ExitOK {
					t.Fatalf("setup: the first run should have been interrupted")
				}
				tt.between(e)
				e.mustRun(ExitOK)
			}
			if tt.verify != nil {
				tt.verify(e)
			}
			if diff := cmp.Diff(want, state(t, e.fake)); diff != "" {
				t.Errorf("final state differs from an uninterrupted run (-want +got):\n%s", diff)
			}
			e.mustRunIdle("a run after recovery")
		})
	}
}

func TestRun_TokenProblems(t *testing.T) {
	t.Parallel()
	d := prepareDemo(t)
	tests := []struct {
		name     string
		setup    func(e *runEnv)
		wantCode int
		want     []string
	}{
		{"bad token", func(e *runEnv) { e.env["GITHUB_TOKEN"] = "ghs_wrongT0ken" }, ExitFatal,
			[]string{"Bad credentials", "contents: write", "pull-requests: write"}},
		{"no pull-requests permission", func(e *runEnv) { e.fake.DenyPermission("pull-requests") }, ExitPartial,
			[]string{"the token needs pull-requests: write", "not attempted"}},
		{"no contents permission", func(e *runEnv) { e.fake.DenyPermission("contents") }, ExitPartial,
			[]string{"the token needs contents: write", "not attempted"}},
		{"Actions may not open pull requests", func(e *runEnv) { e.fake.ForbidActionsPullRequests() }, ExitPartial,
			[]string{`"Allow GitHub Actions to create and approve pull requests"`, "deleted", "not attempted"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newRunEnv(t, d, allGroups)
			tt.setup(e)
			r := e.mustRun(tt.wantCode)
			for _, w := range tt.want {
				if !strings.Contains(r.stdout+r.stderr, w) {
					t.Errorf("output lacks %q:\nstdout:\n%s\nstderr:\n%s", w, r.stdout, r.stderr)
				}
			}
			if strings.Contains(r.stdout+r.stderr, "ghs_wrongT0ken") {
				t.Errorf("the token appears in the output")
			}
			if n := len(e.fake.PullRequests()); n != 0 {
				t.Errorf("%d pull requests opened", n)
			}
		})
	}
}

func TestRun_Limits(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), "pullRequests:\n  maxOpen: 4\n  maxNewPerRun: 2\n")
	opened := func() []string {
		var out []string
		for _, pr := range e.fake.PullRequests() {
			if pr.State == forge.StateOpen {
				out = append(out, pr.Head)
			}
		}
		sort.Strings(out)
		return out
	}
	r := e.mustRun(ExitOK)
	if diff := cmp.Diff([]string{"bosun/app-template", "bosun/app-template-major"}, opened()); diff != "" {
		t.Errorf("run 1 opened (-want +got):\n%s", diff)
	}
	if a := actionOf(t, r.stdout, "bosun/rook-ceph"); a != "limited" {
		t.Errorf("rook-ceph: %s, want limited", a)
	}
	e.mustRun(ExitOK)
	want := []string{"bosun/app-template", "bosun/app-template-major", "bosun/cert-manager", "bosun/flux-operator"}
	if diff := cmp.Diff(want, opened()); diff != "" {
		t.Errorf("run 2 opened (-want +got):\n%s", diff)
	}
	writes := e.fake.Writes()
	e.mustRun(ExitOK)
	if e.fake.Writes() != writes || len(opened()) != 4 {
		t.Errorf("maxOpen reached: run 3 made %d writes, %d open", e.fake.Writes()-writes, len(opened()))
	}
	// A merge frees one place.
	e.fake.Merge(e.pull("bosun/cert-manager").Number)
	e.syncLocal()
	e.mustRun(ExitOK)
	want = []string{"bosun/app-template", "bosun/app-template-major", "bosun/flux-operator", "bosun/ingress-nginx"}
	if diff := cmp.Diff(want, opened()); diff != "" {
		t.Errorf("run 4 opened (-want +got):\n%s", diff)
	}
}

// A GitHub API that accepts connections and never answers cannot hold a run
// beyond --timeout: the run fails and says why.
func TestRun_TimeoutSilentGitHub(t *testing.T) {
	t.Parallel()
	s := forgetest.NewSilent(t)
	env := map[string]string{"GITHUB_API_URL": s.URL, "GITHUB_TOKEN": runToken}
	r := runApp(t, env, "run", "--no-cache", "--repo", "o/r", "--timeout", "1s", t.TempDir())
	if r.code != ExitFatal {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, ExitFatal, r.stdout, r.stderr)
	}
	for _, want := range []string{"run stopped after --timeout 1s", "read default branch"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
}

// A GitHub write that never answers is cut short by --timeout: the run
// reports what it did, fails partially, and says the timeout stopped it.
func TestRun_TimeoutHangingWrite(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), allGroups)
	e.fake.Inject(forgetest.Fault{Method: http.MethodPost, Path: "git/trees", Hang: true})
	r := e.mustRun(ExitPartial, "--timeout", "10s")
	for _, want := range []string{"run cut short", "run stopped after --timeout 10s"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if !strings.Contains(r.stdout, "not attempted") {
		t.Errorf("report does not say the rest was not attempted:\n%s", r.stdout)
	}
}

// withRules inserts rules at the top of the checkout's (and main's) rules.
func (e *runEnv) withRules(rules string) {
	e.t.Helper()
	e.commitConfig(func(c string) string { return strings.Replace(c, "rules:\n", "rules:\n"+rules, 1) })
}

// dashboard returns the one dashboard issue.
func (e *runEnv) dashboard() forge.Issue {
	e.t.Helper()
	var found []forge.Issue
	for _, is := range e.fake.Issues() {
		if strings.Contains(is.Body, "<!-- bosun:dashboard -->") {
			found = append(found, is)
		}
	}
	if len(found) != 1 {
		e.t.Fatalf("%d dashboard issues, want 1", len(found))
	}
	return found[0]
}

// tick ticks the checkbox carrying marker in issue or pull request n's body.
func (e *runEnv) tick(n int, body, marker string) {
	e.t.Helper()
	ticked := strings.Replace(body, "- [ ] "+marker, "- [x] "+marker, 1)
	if ticked == body {
		e.t.Fatalf("no unticked box %q in #%d:\n%s", marker, n, body)
	}
	e.fake.EditBody(n, ticked)
}

// onMain reports whether branch is exactly one commit on top of main.
func (e *runEnv) onMain(branch string) bool {
	hist := e.fake.History(branch)
	return len(hist) >= 2 && hist[1].SHA == e.fake.Branches()["main"]
}

const certManagerFile = "kubernetes/apps/cert-manager/cert-manager/app/helmrelease.yaml"

// A commit on main that conflicts with a pull request gets it rebuilt on
// the new base in place; pull requests that are only behind are left as
// they are, until the base requires up-to-date branches.
func TestRun_RebuildConflicted(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), allGroups)
	e.mustRun(ExitOK)
	before := e.pull("bosun/cert-manager")
	branches := e.fake.Branches()

	e.fake.Seed("main", map[string]string{certManagerFile: e.fake.Files("main")[certManagerFile] + "# tuned by hand\n"})
	e.syncLocal()
	r := e.mustRun(ExitOK)
	after := e.pull("bosun/cert-manager")
	if a := actionOf(t, r.stdout, "bosun/cert-manager"); a != "updated" || after.Number != before.Number {
		t.Errorf("conflicted pull request: %s as #%d, want updated in place as #%d\n%s", a, after.Number, before.Number, r.stdout)
	}
	if !e.onMain("bosun/cert-manager") || !strings.Contains(e.fake.Files("bosun/cert-manager")[certManagerFile], "# tuned by hand") {
		t.Errorf("cert-manager not rebuilt on the new base")
	}
	if !strings.Contains(outcomeLine(t, r.stdout, "bosun/cert-manager"), "conflicts") {
		t.Errorf("the report does not say why it was rebuilt:\n%s", r.stdout)
	}
	for b, sha := range branches {
		if b != "main" && b != "bosun/cert-manager" && e.fake.Branches()[b] != sha {
			t.Errorf("%s was rebuilt though only behind", b)
		}
	}

	// The base now requires up-to-date branches: behind ones are rebuilt.
	e.fake.Protect("main", true, "ci")
	e.fake.Seed("main", map[string]string{"README.md": "docs\n"})
	e.syncLocal()
	e.mustRun(ExitOK)
	for b := range branches {
		if b != "main" && !e.onMain(b) {
			t.Errorf("%s not rebuilt on the base that requires up-to-date branches", b)
		}
	}
	e.mustRunIdle("a run with nothing new")
}

// Ownership is the exact commit bosun recorded: an amended commit is
// foreign, GitHub's "Update branch" merge is not, and a ticked rebase box
// rebuilds even over foreign commits.
func TestRun_WhoseCommit(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), allGroups)
	e.mustRun(ExitOK)

	// 1. Amended (same message and trailer, other content): left alone.
	flux := e.pull("bosun/flux-operator")
	amended := e.fake.AmendCommit("bosun/flux-operator", map[string]string{"NOTES.md": "amended\n"}, "alice")
	e.mustRun(ExitOK)
	writes := e.fake.Writes()
	r := e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/flux-operator"); a != "foreign" {
		t.Errorf("amended commit: %s, want foreign", a)
	}
	if e.fake.Branches()["bosun/flux-operator"] != amended || e.fake.Writes() != writes {
		t.Errorf("amended branch overwritten (%d writes)", e.fake.Writes()-writes)
	}
	if n := countMarked(e.fake.Comments(flux.Number), "<!-- bosun:foreign -->"); n != 1 {
		t.Errorf("%d foreign comments, want 1", n)
	}

	// 2. "Update branch" after main moved: not foreign, nothing to do.
	ms := e.pull("bosun/metrics-server")
	e.fake.Seed("main", map[string]string{"README.md": "docs\n"})
	e.syncLocal()
	merge := e.fake.UpdateBranch(ms.Number, "bob")
	r = e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/metrics-server"); a != "unchanged" {
		t.Errorf("after Update branch: %s, want unchanged\n%s", a, r.stdout)
	}
	if e.fake.Branches()["bosun/metrics-server"] != merge || len(e.fake.Comments(ms.Number)) != 0 {
		t.Errorf("Update branch merge treated as foreign")
	}
	// A newer version is rebuilt over the merge, which loses nothing.
	e.publish(chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/home-operations/charts-mirror/metrics-server"}, "metrics-server", "3.12.3", 4*24*time.Hour)
	r = e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/metrics-server"); a != "updated" || !e.onMain("bosun/metrics-server") {
		t.Errorf("newer version over an Update branch merge: %s, one commit on main: %v\n%s", a, e.onMain("bosun/metrics-server"), r.stdout)
	}

	// 3. The rebase box, ticked on the amended pull request: rebuilt on
	// main over alice's commit, and the box is unticked again.
	e.tick(flux.Number, e.pull("bosun/flux-operator").Body, "<!-- bosun-rebase -->")
	r = e.mustRun(ExitOK)
	got := e.pull("bosun/flux-operator")
	if a := actionOf(t, r.stdout, "bosun/flux-operator"); a != "updated" || got.Number != flux.Number || !e.onMain("bosun/flux-operator") {
		t.Errorf("rebase box: %s #%d, one commit on main: %v\n%s", a, got.Number, e.onMain("bosun/flux-operator"), r.stdout)
	}
	if _, ok := e.fake.Files("bosun/flux-operator")["NOTES.md"]; ok {
		t.Errorf("alice's file survived the requested rebuild")
	}
	if !strings.Contains(got.Body, "- [ ] <!-- bosun-rebase -->") || strings.Contains(got.Body, "- [x]") {
		t.Errorf("rebase box not unticked:\n%s", got.Body)
	}
	writes = e.fake.Writes()
	e.mustRun(ExitOK)
	if e.fake.Writes() != writes {
		t.Errorf("a run after the rebuild made %d writes", e.fake.Writes()-writes)
	}
}

// The dashboard lists the groups the limits hold back as checkboxes;
// ticking one opens it on the next run. It is one issue, rewritten only
// when its content changes.
func TestRun_DashboardLimits(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), "pullRequests:\n  maxNewPerRun: 2\n  maxOpen: 10\n")
	summary := filepath.Join(t.TempDir(), "summary.md")
	e.env["GITHUB_ACTIONS"], e.env["GITHUB_STEP_SUMMARY"], e.env["RUNNER_TEMP"] = "true", summary, t.TempDir()
	e.mustRun(ExitOK)
	md, err := os.ReadFile(summary)
	if err != nil || !strings.Contains(string(md), "### Dashboard") || !strings.Contains(string(md), "| 0 | 0 | 5 | 2 | 0 | 0 | 0 | 0 | 1 |") {
		t.Errorf("job summary lacks the dashboard's counts (5 limited, 2 open, 1 skipped) (%v):\n%s", err, md)
	}
	d := e.dashboard()
	for _, b := range []string{"bosun/cert-manager", "bosun/rook-ceph", "bosun/metrics-server"} {
		if !strings.Contains(d.Body, "- [ ] <!-- bosun-branch="+b+" -->") {
			t.Errorf("dashboard does not list limited %s:\n%s", b, d.Body)
		}
	}
	if !strings.Contains(d.Body, "## Limited by maxOpen / maxNewPerRun") || !strings.Contains(d.Body, "## Open") {
		t.Errorf("dashboard sections missing:\n%s", d.Body)
	}
	e.tick(d.Number, d.Body, "<!-- bosun-branch=bosun/rook-ceph -->")
	r := e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/rook-ceph"); a != "created" {
		t.Errorf("ticked rook-ceph: %s, want created\n%s", a, r.stdout)
	}
	d = e.dashboard()
	if strings.Contains(d.Body, "bosun-branch=bosun/rook-ceph") || strings.Contains(d.Body, "[x]") {
		t.Errorf("opened group still waiting on the dashboard:\n%s", d.Body)
	}
	// Later runs open the rest, two at a time.
	for i := 0; i < 5; i++ {
		before := e.fake.Writes()
		e.mustRun(ExitOK)
		if e.fake.Writes() == before {
			break
		}
	}
	if n := len(e.fake.Issues()); n != 1 {
		t.Errorf("%d issues, want one dashboard", n)
	}
	// Nothing new: no write, and reads proportional to the open pull requests.
	reqs := len(e.fake.Requests())
	e.mustRunIdle("a run with nothing new")
	open := 0
	for _, pr := range e.fake.PullRequests() {
		if pr.State == forge.StateOpen {
			open++
		}
	}
	reads := len(e.fake.Requests()) - reqs
	t.Logf("a run with nothing new: %d requests, 0 writes, %d open pull requests", reads, open)
	if reads > 5+2*open {
		t.Errorf("a run with nothing new made %d requests for %d open pull requests", reads, open)
	}
}

// merged reports whether branch's newest pull request was merged.
func (e *runEnv) merged(branch string) bool { return e.pull(branch).Merged }

// Automerge merges a rule's pull request once its checks are green, never
// one with a failing check, never one outside an automerge rule.
func TestRun_Automerge(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), allGroups)
	e.withRules("  - match: {updateTypes: [patch]}\n    automerge: true\n")
	r := e.mustRun(ExitOK)
	if !strings.Contains(outcomeLine(t, r.stdout, "bosun/flux-operator"), "automerge waits: checks have not run") {
		t.Errorf("a new automerge pull request does not say it waits:\n%s", r.stdout)
	}
	e.fake.SetCheckRun("bosun/flux-operator", "ci", "completed", "success")
	e.fake.SetStatus("bosun/flux-operator", "lint", "success")
	e.fake.SetCheckRun("bosun/metrics-server", "ci", "completed", "failure")
	e.fake.SetCheckRun("bosun/cert-manager", "ci", "completed", "success")
	e.fake.SetCheckRun("bosun/ingress-nginx", "ci", "in_progress", "")
	r = e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/flux-operator"); a != "merged" || !e.merged("bosun/flux-operator") {
		t.Errorf("green automerge pull request: %s, merged %v\n%s", a, e.merged("bosun/flux-operator"), r.stdout)
	}
	if _, ok := e.fake.Branches()["bosun/flux-operator"]; ok {
		t.Errorf("merged branch not deleted")
	}
	if e.merged("bosun/metrics-server") || !strings.Contains(outcomeLine(t, r.stdout, "bosun/metrics-server"), `check "ci" concluded failure`) {
		t.Errorf("red pull request merged, or not said why it waits:\n%s", r.stdout)
	}
	if e.merged("bosun/cert-manager") || e.merged("bosun/ingress-nginx") {
		t.Errorf("a pull request outside the automerge rule was merged")
	}
	if d := e.dashboard(); !strings.Contains(d.Body, `automerge waits: check "ci" concluded failure`) || !strings.Contains(d.Body, "## Merged by bosun") {
		t.Errorf("dashboard does not show automerge:\n%s", d.Body)
	}
	e.assertRequest(http.MethodPut, "/pulls/"+strconv.Itoa(e.pull("bosun/flux-operator").Number)+"/merge", http.StatusOK, 1)
	e.syncLocal()
	e.mustRun(ExitOK)
	e.mustRunIdle("a run with nothing new")
}

// automergeType platform enables GitHub's auto-merge where the repository
// allows it, and falls back to merging on green where it does not.
func TestRun_AutomergePlatform(t *testing.T) {
	t.Parallel()
	d := prepareDemo(t)
	rule := "  - match: {charts: [flux-operator]}\n    automerge: true\n    automergeType: platform\n    automergeStrategy: rebase\n"

	allowed := newRunEnv(t, d, allGroups)
	allowed.fake.AllowAutoMerge()
	allowed.withRules(rule)
	allowed.mustRun(ExitOK)
	if m := allowed.fake.AutoMergeMethod(allowed.pull("bosun/flux-operator").Number); m != "rebase" {
		t.Errorf("auto-merge method %q, want rebase", m)
	}
	writes := allowed.fake.Writes()
	allowed.mustRun(ExitOK)
	if allowed.fake.Writes() != writes {
		t.Errorf("auto-merge enabled again: %d writes", allowed.fake.Writes()-writes)
	}

	refused := newRunEnv(t, d, allGroups)
	refused.withRules(rule)
	refused.mustRun(ExitOK)
	refused.assertRequest(http.MethodPost, "/graphql", http.StatusOK, 1)
	refused.fake.SetCheckRun("bosun/flux-operator", "ci", "completed", "success")
	r := refused.mustRun(ExitOK)
	if !refused.merged("bosun/flux-operator") {
		t.Errorf("no fallback to merging on green:\n%s", r.stdout)
	}
}

// Outside its schedule (read in the configured time zone) a new pull
// request waits on the dashboard; a tick opens it; an open one is kept
// current anyway.
func TestRun_Schedule(t *testing.T) {
	t.Parallel()
	d := prepareDemo(t)
	// fixedNow is 12:00 UTC, 13:00 in Berlin.
	rule := "  - match: {charts: [cert-manager]}\n    schedule: [\"* 13 * * *\"]\n"

	berlin := newRunEnv(t, d, allGroups+"timezone: Europe/Berlin\n")
	berlin.withRules(rule)
	if a := actionOf(t, berlin.mustRun(ExitOK).stdout, "bosun/cert-manager"); a != "created" {
		t.Errorf("inside the schedule in Europe/Berlin: %s, want created", a)
	}

	e := newRunEnv(t, d, allGroups)
	e.withRules(rule)
	r := e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/cert-manager"); a != "scheduled" {
		t.Errorf("outside the schedule in UTC: %s, want scheduled\n%s", a, r.stdout)
	}
	dash := e.dashboard()
	if !strings.Contains(dash.Body, "## Waiting for the schedule") || !strings.Contains(dash.Body, "<!-- bosun-branch=bosun/cert-manager -->") {
		t.Fatalf("dashboard does not list the scheduled group:\n%s", dash.Body)
	}
	e.tick(dash.Number, dash.Body, "<!-- bosun-branch=bosun/cert-manager -->")
	if a := actionOf(t, e.mustRun(ExitOK).stdout, "bosun/cert-manager"); a != "created" {
		t.Errorf("ticked scheduled group: %s, want created", a)
	}
	e.publish(chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"}, "cert-manager", "v1.19.0", 2*24*time.Hour)
	if a := actionOf(t, e.mustRun(ExitOK).stdout, "bosun/cert-manager"); a != "updated" {
		t.Errorf("open pull request outside its schedule: %s, want updated", a)
	}
}

// dashboardApproval holds matching updates until ticked; reviewers and
// assignees are requested on new pull requests.
func TestRun_ApprovalAndReviewers(t *testing.T) {
	t.Parallel()
	e := newRunEnv(t, prepareDemo(t), allGroups)
	e.withRules("  - match: {updateTypes: [major]}\n    dashboardApproval: true\n" +
		"  - match: {charts: [cert-manager]}\n    reviewers: [alice, octo/platform]\n    assignees: [bob]\n")
	r := e.mustRun(ExitOK)
	if a := actionOf(t, r.stdout, "bosun/app-template-major"); a != "approval" {
		t.Errorf("major update: %s, want approval", a)
	}
	users, teams, assignees := e.fake.Reviewers(e.pull("bosun/cert-manager").Number)
	if diff := cmp.Diff([]any{[]string{"alice"}, []string{"platform"}, []string{"bob"}}, []any{users, teams, assignees}); diff != "" {
		t.Errorf("reviewers, teams, assignees (-want +got):\n%s", diff)
	}
	dash := e.dashboard()
	if !strings.Contains(dash.Body, "## Pending approval") {
		t.Fatalf("dashboard lacks pending approval:\n%s", dash.Body)
	}
	e.tick(dash.Number, dash.Body, "<!-- bosun-branch=bosun/app-template-major -->")
	if a := actionOf(t, e.mustRun(ExitOK).stdout, "bosun/app-template-major"); a != "created" {
		t.Errorf("approved major update: %s, want created", a)
	}
}
