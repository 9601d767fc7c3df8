package publish

import (
	"bytes"
	"context"
	"fmt"
	"go/build"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
	"github.com/bosunhq/bosun/internal/forge/github"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

const testToken = "ghs_publishT0kenS3cret"

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// chartFile is a HelmRelease pinning chart name at version.
func chartFile(name, version string) string {
	return "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: " + name +
		"\nspec:\n  chart:\n    spec:\n      chart: " + name + "\n      version: " + version + " # pinned\n"
}

func filePath(name string) string { return "apps/" + name + "/helmrelease.yaml" }

func sourceOf(name string) chart.Source {
	return chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com/" + name}
}

// update moves chart name, as written in the seeded file, from one version to another.
func update(name, from, to string, typ chart.UpdateType) plan.Update {
	content := chartFile(name, from)
	start := strings.Index(content, "version: ") + len("version: ")
	return plan.Update{
		Ref: chart.Ref{
			Kind: "HelmRelease", Name: name, Namespaces: []string{"default"}, Chart: name, Source: sourceOf(name),
			Field: chart.Field("chart.spec.version"), Version: from,
			Loc: chart.Location{File: filePath(name), Line: 9, Start: start, End: start + len(from)},
		},
		To: &chart.Release{Version: to, Created: now.Add(-48 * time.Hour)}, NewValue: to, Type: typ,
	}
}

// testBody renders what a reviewer reads: one line per update with its
// release notes, the way report's renderer does it at greater length.
func testBody(g plan.Group) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s\n\n", g.Title)
	for _, u := range g.Updates {
		fmt.Fprintf(&b, "| %s | %s → %s |\n%s\n", u.Ref.Chart, u.Ref.Version, u.To.Version, u.To.Changes)
	}
	return b.String()
}

func groups(us ...plan.Update) []plan.Group { return plan.Build(us, plan.Options{}) }

func key(name string) string { return chart.Ref{Source: sourceOf(name), Chart: name}.Key() }

type env struct {
	t     *testing.T
	fake  *forgetest.Fake
	forge *github.Client
	logs  *bytes.Buffer
}

// newEnv starts a fake GitHub whose main branch holds a HelmRelease per
// chart at version 1.0.0, and a client of it that sleeps on the fake's clock.
func newEnv(t *testing.T, charts ...string) *env {
	t.Helper()
	clock := forgetest.NewClock(time.Now().UTC())
	fake := forgetest.New(t, "octo", "home-ops", forgetest.WithClock(clock))
	fake.RequireToken(testToken)
	files := map[string]string{"README.md": "# home-ops\n"}
	for _, c := range charts {
		files[filePath(c)] = chartFile(c, "1.0.0")
	}
	fake.Seed("main", files)
	logs := &bytes.Buffer{}
	c, err := github.New(github.Options{
		BaseURL: fake.URL, Token: testToken, Repo: forge.Repo{Owner: "octo", Name: "home-ops"},
		Sleep: clock.Sleep, Now: clock.Now, Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, fake: fake, forge: c, logs: logs}
}

func (e *env) publish(gs []plan.Group, failed map[string]bool, opts Options) []Outcome {
	e.t.Helper()
	opts.Body = testBody
	opts.Labels = []string{"dependencies"}
	out, err := Publish(context.Background(), e.forge, gs, failed, opts)
	if err != nil {
		e.t.Fatalf("Publish: %v", err)
	}
	if strings.Contains(e.logs.String(), testToken) {
		e.t.Errorf("the token leaked into the logs")
	}
	return out
}

// summary is what a test asserts about outcomes: "branch action #n".
func summary(out []Outcome) []string {
	s := make([]string, 0, len(out))
	for _, o := range out {
		line := fmt.Sprintf("%s %s", o.Branch, o.Action)
		if o.Number > 0 {
			line += fmt.Sprintf(" #%d", o.Number)
		}
		s = append(s, line)
	}
	return s
}

func (e *env) pr(branch string) forge.PullRequest {
	e.t.Helper()
	var found *forge.PullRequest
	for _, pr := range e.fake.PullRequests() {
		if pr.Head == branch {
			found = &pr
		}
	}
	if found == nil {
		e.t.Fatalf("no pull request for %s", branch)
		return forge.PullRequest{}
	}
	return *found
}

func assertSummary(t *testing.T, got []Outcome, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, summary(got)); diff != "" {
		t.Errorf("outcomes mismatch (-want +got):\n%s\nfull: %+v", diff, got)
	}
}

func TestParseMeta(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		body   string
		want   meta
		wantOK bool
	}{
		{"bosun body", Body(groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))[0], testBody),
			meta{Hash: groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))[0].Hash, Keys: []string{key("a")}}, true},
		{"with head", `text <!-- bosun:meta {"hash":"abc","keys":["k"],"head":"f00"} -->`, meta{Hash: "abc", Keys: []string{"k"}, Head: "f00"}, true},
		{"last marker wins", "quoted: <!-- bosun:meta {\"hash\":\"old\",\"keys\":[]} -->\n\n<!-- bosun:meta {\"hash\":\"new\",\"keys\":[]} -->", meta{Hash: "new", Keys: []string{}}, true},
		{"no marker", "a pull request someone wrote", meta{}, false},
		{"broken json", `<!-- bosun:meta {"hash":} -->`, meta{}, false},
		{"empty hash", `<!-- bosun:meta {"keys":["k"]} -->`, meta{}, false},
		{"renovate marker", `<!--renovate-debug:eyJ9-->`, meta{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := parseMeta(tt.body)
			if ok != tt.wantOK {
				t.Fatalf("parseMeta ok = %v, want %v", ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("parseMeta mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBody_TruncatedKeepsMarker(t *testing.T) {
	t.Parallel()
	var us []plan.Update
	for i := range 400 {
		u := update(fmt.Sprintf("chart-%03d-%s", i, strings.Repeat("x", 150)), "1.0.0", "1.1.0", chart.UpdateMinor)
		u.Group = "everything"
		u.To.Changes = strings.Repeat("a long release note line ", 20)
		us = append(us, u)
	}
	g := groups(us...)[0]
	b := Body(g, testBody)
	if len(b) > maxBody {
		t.Errorf("body is %d bytes, over %d", len(b), maxBody)
	}
	md, ok := parseMeta(b)
	if !ok || md.Hash != g.Hash || len(md.Keys) != 400 {
		t.Fatalf("truncated body lost its marker: ok=%v hash=%q keys=%d", ok, md.Hash, len(md.Keys))
	}
	// The keys are digests now, and still hold the pull request.
	failed := us[123].Ref.Key()
	p := &publisher{failed: map[string]bool{failed: true}}
	if got := p.heldBy(md.Keys); got != failed {
		t.Errorf("heldBy(digests) = %q, want %q", got, failed)
	}
	if !strings.Contains(b, "*(truncated)*") {
		t.Errorf("truncated body does not say so")
	}
}

func TestTrailerHash(t *testing.T) {
	t.Parallel()
	g := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))[0]
	tabletest.RunNamed(t, "trailerHash", trailerHash, []tabletest.Named[string, string]{
		{Name: "bosun commit", In: commitMessage(g, g.Title), Want: g.Hash},
		{Name: "no trailer", In: "fix: bump by hand\n", Want: ""},
		{Name: "trailer mentioned in prose", In: "see the Bosun-Plan: trailer docs", Want: ""},
		{Name: "merge commit", In: "Merge pull request #1 from octo/bosun/a\n\nfeat: x", Want: ""},
	})
}

func TestForeignIn(t *testing.T) {
	t.Parallel()
	mine := forge.Commit{SHA: "aaaaaaaaaa", Message: "feat: x\n\nBosun-Plan: 0123abcd\n", Author: "bosun[bot]"}
	theirs := forge.Commit{SHA: "bbbbbbbbbb", Message: "fixup", Author: "alice"}
	tabletest.RunNamed(t, "foreignIn", foreignIn, []tabletest.Named[[]forge.Commit, string]{
		{Name: "none (merged or empty)", In: nil, Want: ""},
		{Name: "one bosun commit", In: []forge.Commit{mine}, Want: ""},
		{Name: "someone's commit on top", In: []forge.Commit{mine, theirs}, Want: "commit bbbbbbb by alice"},
		{Name: "anonymous", In: []forge.Commit{{SHA: "cc", Message: "x"}}, Want: "commit cc by someone else"},
		{Name: "two bosun commits", In: []forge.Commit{mine, mine}, Want: "2 commits on the branch"},
	})
}

func TestLabelsCurrent(t *testing.T) {
	t.Parallel()
	want := []string{"dependencies", "type/minor"}
	tests := []struct {
		name string
		have []string
		ok   bool
	}{
		{"exact", []string{"dependencies", "type/minor"}, true},
		{"plus a person's label", []string{"dependencies", "type/minor", "do-not-merge"}, true},
		{"person removed dependencies", []string{"type/minor"}, true},
		{"case differs", []string{"Dependencies", "Type/Minor"}, true},
		{"never labelled", nil, false},
		{"stale type", []string{"dependencies", "type/patch"}, false},
		{"extra type", []string{"dependencies", "type/minor", "type/major"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := labelsCurrent(tt.have, want); got != tt.ok {
				t.Errorf("labelsCurrent(%q) = %v, want %v", tt.have, got, tt.ok)
			}
		})
	}
}

func TestPublish_CreateThenNoWrites(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha", "beta")
	gs := groups(update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor), update("beta", "1.0.0", "1.0.1", chart.UpdatePatch))
	out := e.publish(gs, nil, Options{})
	assertSummary(t, out, "bosun/alpha created #1", "bosun/beta created #2")

	pr := e.pr("bosun/alpha")
	if diff := cmp.Diff([]string{"dependencies", "type/minor"}, pr.Labels); diff != "" {
		t.Errorf("labels (-want +got):\n%s", diff)
	}
	md, ok := parseMeta(pr.Body)
	if !ok || md.Hash != gs[0].Hash || md.Head != pr.HeadSHA {
		t.Errorf("marker = %+v (ok %v), want hash %s and head %s", md, ok, gs[0].Hash, pr.HeadSHA)
	}
	files := e.fake.Files("bosun/alpha")
	if got, want := files[filePath("alpha")], chartFile("alpha", "1.1.0"); got != want {
		t.Errorf("rewritten file:\n%s\nwant:\n%s", got, want)
	}
	if files[filePath("beta")] != chartFile("beta", "1.0.0") {
		t.Errorf("bosun/alpha changed another group's file")
	}
	hist := e.fake.History("bosun/alpha")
	if len(hist) < 2 || hist[1].SHA != e.fake.Branches()["main"] || trailerHash(hist[0].Message) != gs[0].Hash {
		t.Errorf("branch is not one bosun commit on main: %+v", hist)
	}

	writes, reqs := e.fake.Writes(), len(e.fake.Requests())
	out = e.publish(gs, nil, Options{})
	assertSummary(t, out, "bosun/alpha unchanged #1", "bosun/beta unchanged #2")
	if got := e.fake.Writes() - writes; got != 0 {
		t.Errorf("second run made %d writes, want 0", got)
	}
	// Unchanged pull requests whose head is the recorded commit cost no
	// compare call: the run is the base, the list and nothing else.
	if got := len(e.fake.Requests()) - reqs; got > 3 {
		t.Errorf("second run made %d requests, want at most 3", got)
	}
}

func TestPublish_Declined(t *testing.T) {
	t.Parallel()
	gs := groups(update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor))
	newer := groups(update("alpha", "1.0.0", "1.2.0", chart.UpdateMinor))

	t.Run("closed by a person", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, "alpha")
		e.publish(gs, nil, Options{})
		e.fake.Close(1)
		writes := e.fake.Writes()
		assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha declined #1")
		if e.fake.Writes() != writes {
			t.Errorf("a declined update was written again")
		}
		// A newer version is proposed again, on the old branch.
		assertSummary(t, e.publish(newer, nil, Options{}), "bosun/alpha created #2")
		if got := e.fake.Files("bosun/alpha")[filePath("alpha")]; got != chartFile("alpha", "1.2.0") {
			t.Errorf("branch not rebuilt for 1.2.0:\n%s", got)
		}
	})
	t.Run("closed by bosun as no longer needed", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, "alpha")
		e.publish(gs, nil, Options{})
		assertSummary(t, e.publish(nil, nil, Options{}), "bosun/alpha closed #1")
		if e.fake.Branches()["bosun/alpha"] != "" {
			t.Errorf("branch of a closed pull request not deleted")
		}
		// The same update comes back (the policy changed back): not declined.
		assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha created #2")
	})
	t.Run("closed after bosun reported foreign commits", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t, "alpha")
		e.publish(gs, nil, Options{})
		e.fake.PushForeignCommit("bosun/alpha", map[string]string{"NOTES.md": "hi\n"}, "alice")
		assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha foreign #1")
		e.fake.Close(1)
		// The branch still has alice's commit: never overwritten, even now.
		out := e.publish(gs, nil, Options{})
		assertSummary(t, out, "bosun/alpha foreign")
		e.fake.DeleteBranch("bosun/alpha")
		assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha created #2")
	})
}

func TestPublish_Foreign(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha")
	gs := groups(update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor))
	e.publish(gs, nil, Options{})
	sha := e.fake.PushForeignCommit("bosun/alpha", map[string]string{filePath("alpha"): chartFile("alpha", "1.1.0") + "# tuned\n"}, "alice")
	// Unchanged plan: still noticed and reported once.
	assertSummary(t, e.publish(gs, nil, Options{}), "bosun/alpha foreign #1")
	// Changed plan: never force-pushed, no second comment.
	newer := groups(update("alpha", "1.0.0", "1.2.0", chart.UpdateMinor))
	writes := e.fake.Writes()
	assertSummary(t, e.publish(newer, nil, Options{}), "bosun/alpha foreign #1")
	if e.fake.Writes() != writes {
		t.Errorf("a branch with foreign commits was written to")
	}
	if got := e.fake.Branches()["bosun/alpha"]; got != sha {
		t.Errorf("branch moved from alice's commit to %s", got)
	}
	var marked int
	for _, c := range e.fake.Comments(1) {
		if strings.Contains(c, markForeign) {
			marked++
		}
	}
	if marked != 1 {
		t.Errorf("%d foreign comments, want 1: %q", marked, e.fake.Comments(1))
	}

}

func TestPublish_ForeignLeftoverBranch(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "beta")
	// Someone made bosun/beta by hand before bosun ever ran.
	before := e.fake.Seed("bosun/beta", map[string]string{"x": "y\n"})
	writes := e.fake.Writes()
	out := e.publish(groups(update("beta", "1.0.0", "2.0.0", chart.UpdateMajor)), nil, Options{})
	assertSummary(t, out, "bosun/beta foreign")
	if e.fake.Writes() != writes || e.fake.Branches()["bosun/beta"] != before {
		t.Errorf("a branch bosun did not make was written to")
	}
}

func TestPublish_Held(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "alpha", "beta")
	a := update("alpha", "1.0.0", "1.1.0", chart.UpdateMinor)
	b := update("beta", "1.0.0", "1.1.0", chart.UpdateMinor)
	a.Group, b.Group = "pair", "pair"
	e.publish(groups(a, b), nil, Options{})
	before := e.pr("bosun/pair")
	writes := e.fake.Writes()

	// beta's lookup failed: the group shrinks to alpha, but the pull
	// request covering beta is neither downgraded nor closed.
	out := e.publish(groups(a), map[string]bool{key("beta"): true}, Options{})
	assertSummary(t, out, "bosun/pair held #1")
	out = e.publish(nil, map[string]bool{key("alpha"): true, key("beta"): true}, Options{})
	assertSummary(t, out, "bosun/pair held #1")
	if e.fake.Writes() != writes {
		t.Errorf("held pull request written to")
	}
	if diff := cmp.Diff(before, e.pr("bosun/pair")); diff != "" {
		t.Errorf("held pull request changed (-before +after):\n%s", diff)
	}
	// An unrelated failure does not hold it.
	out = e.publish(groups(a), map[string]bool{key("gamma"): true}, Options{})
	assertSummary(t, out, "bosun/pair updated #1")
}

func TestPublish_Limits(t *testing.T) {
	t.Parallel()
	names := []string{"a", "b", "c", "d", "e"}
	var all []plan.Update
	for _, n := range names {
		all = append(all, update(n, "1.0.0", "1.1.0", chart.UpdateMinor))
	}
	e := newEnv(t, names...)
	opts := Options{MaxOpen: 3, MaxNew: 2}
	assertSummary(t, e.publish(groups(all...), nil, opts),
		"bosun/a created #1", "bosun/b created #2", "bosun/c limited", "bosun/d limited", "bosun/e limited")
	assertSummary(t, e.publish(groups(all...), nil, opts),
		"bosun/a unchanged #1", "bosun/b unchanged #2", "bosun/c created #3", "bosun/d limited", "bosun/e limited")
	// a is no longer needed: closing it first frees room for d in the same run.
	assertSummary(t, e.publish(groups(all[1:]...), nil, opts),
		"bosun/a closed #1", "bosun/b unchanged #2", "bosun/c unchanged #3", "bosun/d created #4", "bosun/e limited")
	// Merged pull requests free room too.
	e.fake.Merge(2)
	assertSummary(t, e.publish(groups(all[2:]...), nil, opts),
		"bosun/c unchanged #3", "bosun/d unchanged #4", "bosun/e created #5")
}

func TestPublish_StopsOnRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a", "b", "c")
	all := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor), update("b", "1.0.0", "1.1.0", chart.UpdateMinor),
		update("c", "1.0.0", "1.1.0", chart.UpdateMinor))
	e.publish(all[:2], nil, Options{})
	// Closing a trips a rate limit for an hour, past the client's wait budget:
	// nothing else is attempted, and the next run finishes the job.
	e.fake.RateLimitNext(forgetest.RateLimit{For: time.Hour, Method: http.MethodPost, Path: "issues/1/comments"})
	out := e.publish(all[1:], nil, Options{})
	assertSummary(t, out, "bosun/a failed #1", "bosun/b failed #2", "bosun/c failed")
	for _, o := range out {
		if o.Err == nil || !strings.Contains(o.Err.Error(), "rate limited") {
			t.Errorf("%s: err = %v, want a rate limit", o.Branch, o.Err)
		}
	}
	e.fake.Clock().Advance(2 * time.Hour)
	assertSummary(t, e.publish(all[1:], nil, Options{}), "bosun/a closed #1", "bosun/b unchanged #2", "bosun/c created #3")
	if n := len(e.fake.Comments(1)); n != 1 {
		t.Errorf("%d comments on the closed pull request, want 1", n)
	}
}

func TestPublish_LabelsLostMidRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a")
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))
	// The pull request is opened, then labelling it fails.
	e.fake.FailNext(http.MethodPost, "issues/1/labels", http.StatusBadGateway, "", nil)
	e.fake.FailNext(http.MethodPost, "issues/1/labels", http.StatusBadGateway, "", nil)
	e.fake.FailNext(http.MethodPost, "issues/1/labels", http.StatusBadGateway, "", nil)
	e.fake.FailNext(http.MethodPost, "issues/1/labels", http.StatusBadGateway, "", nil)
	out := e.publish(gs, nil, Options{})
	assertSummary(t, out, "bosun/a failed #1")
	if len(e.pr("bosun/a").Labels) != 0 {
		t.Fatalf("setup: labels were added")
	}
	assertSummary(t, e.publish(gs, nil, Options{}), "bosun/a updated #1")
	if diff := cmp.Diff([]string{"dependencies", "type/minor"}, e.pr("bosun/a").Labels); diff != "" {
		t.Errorf("labels not restored (-want +got):\n%s", diff)
	}
	assertSummary(t, e.publish(gs, nil, Options{}), "bosun/a unchanged #1")
}

func TestPublish_AlreadyExists(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a")
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))
	e.publish(gs, nil, Options{})
	// The listing lags: it misses the open pull request.
	e.fake.FailNext(http.MethodGet, "pulls", http.StatusOK, "[]", nil)
	newer := groups(update("a", "1.0.0", "1.2.0", chart.UpdateMinor))
	out := e.publish(newer, nil, Options{})
	assertSummary(t, out, "bosun/a updated #1")
	if n := len(e.fake.PullRequests()); n != 1 {
		t.Errorf("%d pull requests, want 1", n)
	}
	if md, _ := parseMeta(e.pr("bosun/a").Body); md.Hash != newer[0].Hash {
		t.Errorf("existing pull request not updated: hash %s", md.Hash)
	}
}

func TestPublish_PermissionHint(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a")
	c, err := github.New(github.Options{BaseURL: e.fake.URL, Token: "wrong", Repo: forge.Repo{Owner: "octo", Name: "home-ops"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Publish(context.Background(), c, groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor)), nil, Options{})
	if err == nil || !strings.Contains(err.Error(), "contents: write and pull-requests: write") {
		t.Errorf("err = %v, want the permissions bosun needs", err)
	}
}

func TestDryRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a", "b")
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor), update("b", "1.0.0", "1.1.0", chart.UpdateMinor))
	e.publish(gs[:1], nil, Options{})
	writes := e.fake.Writes()
	var buf, logs bytes.Buffer
	out, err := Publish(context.Background(), DryRun(e.forge, &buf), gs[1:], nil,
		Options{Body: testBody, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	assertSummary(t, out, "bosun/a closed #1", "bosun/b created")
	if e.fake.Writes() != writes {
		t.Errorf("dry run wrote %d times", e.fake.Writes()-writes)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"would comment on pull request #1", "would close pull request #1", "would delete branch bosun/a",
		"would commit 1 file(s) on", "would open pull request bosun/b → main"}
	if len(lines) != len(want) {
		t.Fatalf("dry run printed:\n%s", buf.String())
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	// The log says what a dry run did not do.
	for _, w := range []string{`msg="would close pull request" branch=bosun/a pr=1`, `msg="would create pull request" branch=bosun/b`} {
		if !strings.Contains(logs.String(), w) {
			t.Errorf("log lacks %q:\n%s", w, logs.String())
		}
	}
	if strings.Contains(logs.String(), "pull request created") || strings.Contains(logs.String(), "pr=0") {
		t.Errorf("dry run logs a pull request as created:\n%s", logs.String())
	}
}

// TestImports keeps the formatter out of the domain: pull request bodies are
// rendered by the renderer the caller injects.
func TestImports(t *testing.T) {
	t.Parallel()
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, imp := range pkg.Imports {
		if imp == "github.com/bosunhq/bosun/internal/report" {
			t.Errorf("publish imports %s", imp)
		}
	}
}

// GitHub refuses pull requests from Actions tokens while the repository
// setting forbids them: bosun names the setting, not a token permission, and
// removes the branch it pushed for the pull request it could not open.
func TestPublish_ActionsMayNotOpenPullRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "a", "b")
	e.fake.ForbidActionsPullRequests()
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor), update("b", "1.0.0", "1.1.0", chart.UpdateMinor))
	out := e.publish(gs, nil, Options{})
	assertSummary(t, out, "bosun/a failed", "bosun/b failed")
	msg := fmt.Sprint(out[0].Err)
	for _, want := range []string{`"Allow GitHub Actions to create and approve pull requests"`, "branch bosun/a deleted"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q: %s", want, msg)
		}
	}
	if strings.Contains(msg, "pull-requests: write") {
		t.Errorf("error blames the token's permissions: %s", msg)
	}
	if !strings.Contains(fmt.Sprint(out[1].Err), "not attempted") {
		t.Errorf("second group: %v, want not attempted", out[1].Err)
	}
	if sha := e.fake.Branches()["bosun/a"]; sha != "" {
		t.Errorf("branch bosun/a left behind at %s", sha)
	}
	if n := len(e.fake.PullRequests()); n != 0 {
		t.Errorf("%d pull requests", n)
	}
}

// An error names the operation that failed once, first, not once per layer.
func TestPublish_ErrorNamesOperationOnce(t *testing.T) {
	t.Parallel()
	gs := groups(update("a", "1.0.0", "1.1.0", chart.UpdateMinor))
	newer := groups(update("a", "1.0.0", "1.2.0", chart.UpdateMinor))
	tests := []struct {
		name, method, path, op string
		groups                 []plan.Group
	}{
		{"comment", http.MethodPost, "issues/1/comments", "comment on #1", nil},
		{"list comments", http.MethodGet, "issues/1/comments*", "list comments on #1", nil},
		{"update", http.MethodPatch, "pulls/1", "update pull request #1", newer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, "a")
			e.publish(gs, nil, Options{})
			e.fake.FailNext(tt.method, tt.path, http.StatusUnprocessableEntity, "", nil)
			out := e.publish(tt.groups, nil, Options{})
			if len(out) != 1 || out[0].Err == nil {
				t.Fatalf("outcomes %+v, want one failure", out)
			}
			msg := out[0].Err.Error()
			if n := strings.Count(msg, tt.op); n != 1 || !strings.HasPrefix(msg, tt.op+": ") {
				t.Errorf("error = %q, want it to start with %q and name it once", msg, tt.op)
			}
		})
	}
}
