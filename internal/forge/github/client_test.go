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

const testToken = "ghs_s3cretT0ken"

var seedFiles = map[string]string{
	"README.md":                            "# home-ops\n",
	"kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n",
	"kubernetes/apps/podinfo/hr.yaml":      "version: 6.0.0\n",
}

type env struct {
	f     *forgetest.Fake
	c     *Client
	clock *forgetest.Clock
	logs  *bytes.Buffer
	ctx   context.Context
}

type envOpt struct {
	fake    []forgetest.Option
	noSeed  bool
	token   string
	maxWait time.Duration
	retries int
	start   time.Time
}

func newEnv(t *testing.T, o envOpt) *env {
	t.Helper()
	start := o.start
	if start.IsZero() {
		start = forgetest.DefaultStart
	}
	clock := forgetest.NewClock(start)
	f := forgetest.New(t, "octo", "home-ops", append([]forgetest.Option{forgetest.WithClock(clock)}, o.fake...)...)
	f.RequireToken(testToken)
	if !o.noSeed {
		f.Seed("main", seedFiles)
	}
	tok := o.token
	if tok == "" {
		tok = testToken
	}
	logs := &bytes.Buffer{}
	c, err := New(Options{
		BaseURL:    f.URL,
		Token:      tok,
		HTTPClient: &http.Client{Transport: &http.Transport{}},
		Repo:       forge.Repo{Owner: "octo", Name: "home-ops"},
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Sleep:      clock.Sleep,
		Now:        clock.Now,
		MaxWait:    o.maxWait,
		Retries:    o.retries,
	})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	t.Cleanup(func() {
		if strings.Contains(logs.String(), tok) {
			t.Errorf("token leaked into logs:\n%s", logs.String())
		}
	})
	return &env{f: f, c: c, clock: clock, logs: logs, ctx: context.Background()}
}

func files(kv ...string) []forge.File {
	var out []forge.File
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, forge.File{Path: kv[i], Content: []byte(kv[i+1])})
	}
	return out
}

func mustCommit(t *testing.T, e *env, parent, branch string, fs []forge.File, force bool) string {
	t.Helper()
	sha, err := e.c.CommitFiles(e.ctx, parent, branch, "chore(deps): update", fs, force)
	if err != nil {
		t.Fatalf("CommitFiles(%s) error = %v", branch, err)
	}
	return sha
}

func TestClient_PullRequestLifecycle(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	ctx := e.ctx

	def, err := e.c.DefaultBranch(ctx)
	if err != nil || def != "main" {
		t.Fatalf("DefaultBranch() = %q, %v", def, err)
	}
	mainSHA, err := e.c.BranchSHA(ctx, "main")
	if err != nil {
		t.Fatalf("BranchSHA(main) error = %v", err)
	}

	// First commit creates the branch: GET commit, GET tree, POST tree, POST commit, POST ref.
	sha1 := mustCommit(t, e, mainSHA, "bosun/cert-manager", files("kubernetes/apps/cert-manager/hr.yaml", "version: 1.1.0\n"), false)
	if got := e.f.Branches()["bosun/cert-manager"]; got != sha1 {
		t.Fatalf("branch points at %s, want %s", got, sha1)
	}
	cm, err := e.c.GetCommit(ctx, sha1)
	if err != nil {
		t.Fatal(err)
	}
	if cm.Author != "bosun[bot]" || !cm.Verified || cm.Message != "chore(deps): update" || !cmp.Equal(cm.Parents, []string{mainSHA}) {
		t.Errorf("GetCommit() = %+v, want a verified bot commit on %s", cm, mainSHA)
	}
	if got, _ := e.c.ReadFile(ctx, "bosun/cert-manager", "kubernetes/apps/cert-manager/hr.yaml"); string(got) != "version: 1.1.0\n" {
		t.Errorf("ReadFile() = %q", got)
	}

	e.f.AddLabel("keep-me", "000000")
	pr, err := e.c.CreatePullRequest(ctx, forge.Spec{
		Title: "Update cert-manager to 1.1.0", Body: "body\n<!-- bosun:plan=abc -->",
		Head: "bosun/cert-manager", Labels: []string{"type/minor", "bosun"},
	})
	if err != nil {
		t.Fatalf("CreatePullRequest() error = %v", err)
	}
	want := forge.PullRequest{
		Number: 1, URL: e.f.URL + "/octo/home-ops/pull/1", State: "open", Title: "Update cert-manager to 1.1.0",
		Body: "body\n<!-- bosun:plan=abc -->", Head: "bosun/cert-manager", Base: "main", HeadSHA: sha1,
		Labels: []string{"type/minor", "bosun"}, User: "bosun[bot]", NodeID: "PR_1",
	}
	if diff := cmp.Diff(want, pr); diff != "" {
		t.Errorf("CreatePullRequest() mismatch (-want +got):\n%s", diff)
	}
	if _, err := e.c.CreatePullRequest(ctx, forge.Spec{Title: "again", Head: "bosun/cert-manager"}); !errors.Is(err, forge.ErrAlreadyExists) ||
		!errors.Is(err, forge.ErrValidation) || !strings.Contains(err.Error(), "A pull request already exists for octo:bosun/cert-manager.") {
		t.Errorf("second CreatePullRequest() error = %v, want ErrAlreadyExists with GitHub's message", err)
	}

	// A person adds a label; the update must keep it and swap type/minor for type/major.
	if err := e.c.UpdatePullRequest(ctx, 1, forge.Spec{Title: "Update cert-manager to 2.0.0", Body: "new", Labels: []string{"bosun"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.c.addLabels(ctx, 1, []string{"keep-me"}); err != nil {
		t.Fatal(err)
	}
	sha2 := mustCommit(t, e, mainSHA, "bosun/cert-manager", files("kubernetes/apps/cert-manager/hr.yaml", "version: 2.0.0\n"), true)
	if err := e.c.UpdatePullRequest(ctx, 1, forge.Spec{Title: "Update cert-manager to 2.0.0", Body: "new", Labels: []string{"type/major", "bosun"}}); err != nil {
		t.Fatalf("UpdatePullRequest() error = %v", err)
	}
	prs, err := e.c.FindPullRequests(ctx, "bosun/cert-manager", "open")
	if err != nil || len(prs) != 1 {
		t.Fatalf("FindPullRequests() = %v, %v", prs, err)
	}
	if got := prs[0]; got.HeadSHA != sha2 || got.Title != "Update cert-manager to 2.0.0" || !cmp.Equal(got.Labels, []string{"bosun", "keep-me", "type/major"}) {
		t.Errorf("after update: %+v", got)
	}

	// A foreign commit shows up in the compare listing with its author.
	e.f.PushForeignCommit("bosun/cert-manager", map[string]string{"NOTES.md": "hi"}, "")
	commits, err := e.c.ListCommits(ctx, "main", "bosun/cert-manager")
	if err != nil {
		t.Fatal(err)
	}
	var authors []string
	for _, c := range commits {
		authors = append(authors, c.Author)
	}
	if diff := cmp.Diff([]string{"bosun[bot]", "someone"}, authors); diff != "" {
		t.Errorf("ListCommits() authors mismatch (-want +got):\n%s", diff)
	}

	if err := e.c.Comment(ctx, 1, "first"); err != nil {
		t.Fatal(err)
	}
	if err := e.c.ClosePullRequest(ctx, 1, "superseded by #2"); err != nil {
		t.Fatalf("ClosePullRequest() error = %v", err)
	}
	comments, err := e.c.ListComments(ctx, 1)
	if err != nil || !cmp.Equal(comments, []string{"first", "superseded by #2"}) {
		t.Errorf("ListComments() = %q, %v", comments, err)
	}
	if err := e.c.DeleteBranch(ctx, "bosun/cert-manager"); err != nil {
		t.Fatalf("DeleteBranch() error = %v", err)
	}
	if err := e.c.DeleteBranch(ctx, "bosun/cert-manager"); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("DeleteBranch(gone) error = %v, want ErrNotFound", err)
	}
	if _, err := e.c.BranchSHA(ctx, "bosun/cert-manager"); !errors.Is(err, forge.ErrNotFound) {
		t.Errorf("BranchSHA(deleted) error = %v, want ErrNotFound", err)
	}

	// Final state.
	got := e.f.PullRequests()
	if len(got) != 1 || got[0].State != "closed" || got[0].Merged || got[0].HeadSHA == "" {
		t.Errorf("final PRs = %+v", got)
	}
	wantLabels := []forgetest.Label{{Name: "bosun", Color: "ededed"}, {Name: "keep-me", Color: "000000"},
		{Name: "type/major", Color: "d73a4a"}, {Name: "type/minor", Color: "fbca04"}}
	if diff := cmp.Diff(wantLabels, e.f.Labels()); diff != "" {
		t.Errorf("labels mismatch (-want +got):\n%s", diff)
	}
	if e.c.Writes() != e.f.Writes() {
		t.Errorf("client counted %d writes, fake received %d", e.c.Writes(), e.f.Writes())
	}
	if e.f.Files("main")["kubernetes/apps/cert-manager/hr.yaml"] != "version: 1.0.0\n" {
		t.Errorf("main changed")
	}
}

func TestClient_CommitFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		files     []forge.File
		want      map[string]string
		newCommit bool
		writes    int
	}{
		{
			name:      "edit and add",
			files:     files("kubernetes/apps/podinfo/hr.yaml", "version: 6.1.0\n", "new/file.yaml", "x: 1\n"),
			want:      map[string]string{"README.md": "# home-ops\n", "kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n", "kubernetes/apps/podinfo/hr.yaml": "version: 6.1.0\n", "new/file.yaml": "x: 1\n"},
			newCommit: true, writes: 3,
		},
		{
			name:      "delete present and absent paths",
			files:     []forge.File{{Path: "README.md"}, {Path: "no/such/file"}},
			want:      map[string]string{"kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n", "kubernetes/apps/podinfo/hr.yaml": "version: 6.0.0\n"},
			newCommit: true, writes: 3,
		},
		{
			name:      "delete a directory",
			files:     []forge.File{{Path: "kubernetes/apps"}},
			want:      map[string]string{"README.md": "# home-ops\n"},
			newCommit: true, writes: 3,
		},
		{
			name:   "unchanged content makes no commit",
			files:  files("README.md", "# home-ops\n"),
			want:   seedFiles,
			writes: 1, // the ref only
		},
		{
			name:      "binary content goes through a blob",
			files:     []forge.File{{Path: "bin", Content: []byte{0xff, 0x00, 0xfe}}},
			want:      map[string]string{"README.md": "# home-ops\n", "kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n", "kubernetes/apps/podinfo/hr.yaml": "version: 6.0.0\n", "bin": "\xff\x00\xfe"},
			newCommit: true, writes: 4,
		},
		{
			name:      "last change to a path wins",
			files:     files("README.md", "one", "README.md", "two"),
			want:      map[string]string{"README.md": "two", "kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n", "kubernetes/apps/podinfo/hr.yaml": "version: 6.0.0\n"},
			newCommit: true, writes: 3,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOpt{})
			parent, _ := e.c.BranchSHA(e.ctx, "main")
			sha := mustCommit(t, e, parent, "bosun/x", tt.files, false)
			if diff := cmp.Diff(tt.want, e.f.Files("bosun/x")); diff != "" {
				t.Errorf("files mismatch (-want +got):\n%s", diff)
			}
			if (sha != parent) != tt.newCommit {
				t.Errorf("new commit = %v, want %v", sha != parent, tt.newCommit)
			}
			if got := e.f.Writes(); got != tt.writes {
				t.Errorf("writes = %d, want %d", got, tt.writes)
			}
		})
	}
}

func TestClient_CommitFiles_NotFastForward(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	parent, _ := e.c.BranchSHA(e.ctx, "main")
	mustCommit(t, e, parent, "bosun/x", files("a", "1"), false)
	e.f.PushForeignCommit("bosun/x", map[string]string{"b": "2"}, "someone")
	// Rebuilding the branch from main is not a fast-forward of the foreign commit.
	_, err := e.c.CommitFiles(e.ctx, parent, "bosun/x", "msg", files("a", "3"), false)
	if !errors.Is(err, forge.ErrValidation) || !strings.Contains(err.Error(), "Update is not a fast forward") {
		t.Fatalf("CommitFiles(force=false) error = %v, want not a fast forward", err)
	}
	sha := mustCommit(t, e, parent, "bosun/x", files("a", "3"), true)
	if got := e.f.Branches()["bosun/x"]; got != sha {
		t.Errorf("force push: branch at %s, want %s", got, sha)
	}
	if diff := cmp.Diff(map[string]string{"a": "3", "README.md": "# home-ops\n", "kubernetes/apps/cert-manager/hr.yaml": "version: 1.0.0\n", "kubernetes/apps/podinfo/hr.yaml": "version: 6.0.0\n"}, e.f.Files("bosun/x")); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
}

func TestClient_ReadFile(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("0123456789abcdef", (1<<20)/16+10)
	e := newEnv(t, envOpt{})
	e.f.Seed("main", map[string]string{"big.yaml": big, "dir/a.yaml": "a"})
	tooLarge := `{"message":"This API returns blobs up to 1 MB in size. The requested blob is too large to fetch via the API, but you can use the Git Data API to request blobs up to 100 MB in size.","errors":[{"resource":"Blob","field":"data","code":"too_large"}],"documentation_url":"https://docs.github.com/rest/repos/contents#get-repository-content"}`
	tests := []struct {
		name, ref, path string
		fault           bool
		want            string
		wantErr         error
	}{
		{name: "small", ref: "main", path: "README.md", want: "# home-ops\n"},
		{name: "default branch", path: "dir/a.yaml", want: "a"},
		{name: "over 1 MB via blob", ref: "main", path: "big.yaml", want: big},
		{name: "too_large 403 via directory listing", ref: "main", path: "big.yaml", fault: true, want: big},
		{name: "missing", ref: "main", path: "nope.yaml", wantErr: forge.ErrNotFound},
		{name: "missing ref", ref: "nope", path: "README.md", wantErr: forge.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Not parallel: faults are one-shot on a shared fake.
			if tt.fault {
				e.f.FailNext("GET", "contents/big.yaml", 403, tooLarge, nil)
			}
			got, err := e.c.ReadFile(e.ctx, tt.ref, tt.path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("ReadFile() error = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ReadFile() error = %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("ReadFile() = %d bytes, want %d", len(got), len(tt.want))
			}
		})
	}
	if _, err := e.c.ReadFile(e.ctx, "main", "dir"); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("ReadFile(dir) error = %v", err)
	}
}

// pagedPulls is a client whose fake answers two items a page, with pull
// requests from bosun/a, bosun/b (closed), other/c, bosun/d, bosun/e and
// bosun/f, in that order.
func pagedPulls(t *testing.T) *env {
	t.Helper()
	e := newEnv(t, envOpt{fake: []forgetest.Option{forgetest.WithMaxPerPage(2)}})
	parent, _ := e.c.BranchSHA(e.ctx, "main")
	for _, b := range []string{"bosun/a", "bosun/b", "other/c", "bosun/d", "bosun/e", "bosun/f"} {
		mustCommit(t, e, parent, b, files(b+".txt", b), false)
		if _, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: b, Head: b}); err != nil {
			t.Fatal(err)
		}
	}
	e.f.Close(2)
	return e
}

func TestClient_Pagination(t *testing.T) {
	t.Parallel()
	e := pagedPulls(t)
	list := func(state string) []string {
		t.Helper()
		prs, err := e.c.ListPullRequests(e.ctx, state, "bosun/")
		if err != nil {
			t.Fatalf("ListPullRequests(%s) error = %v", state, err)
		}
		var heads []string
		for _, p := range prs {
			heads = append(heads, p.Head)
		}
		return heads
	}
	before := len(e.f.Requests())
	if diff := cmp.Diff([]string{"bosun/f", "bosun/e", "bosun/d", "bosun/b", "bosun/a"}, list("all")); diff != "" {
		t.Errorf("ListPullRequests(all) mismatch (-want +got):\n%s", diff)
	}
	if got := len(e.f.Requests()) - before; got != 3 {
		t.Errorf("ListPullRequests(all) took %d requests, want 3 pages", got)
	}
	if diff := cmp.Diff([]string{"bosun/f", "bosun/e", "bosun/d", "bosun/a"}, list("open")); diff != "" {
		t.Errorf("ListPullRequests(open) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"bosun/b"}, list("closed")); diff != "" {
		t.Errorf("ListPullRequests(closed) mismatch (-want +got):\n%s", diff)
	}

	// Labels: five exist, listed over three pages once per client.
	for _, l := range []string{"l1", "l2", "l3", "l4", "l5"} {
		e.f.AddLabel(l, "111111")
	}
	before = len(e.f.Requests())
	if err := e.c.EnsureLabels(e.ctx, []string{"l5", "type/patch"}); err != nil {
		t.Fatal(err)
	}
	if err := e.c.EnsureLabels(e.ctx, []string{"l1", "type/patch", "type/digest"}); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range e.f.Requests()[before:] {
		got = append(got, r.Method+" "+r.Query)
	}
	want := []string{"GET per_page=100", "GET page=2&per_page=100", "GET page=3&per_page=100", "POST ", "POST "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnsureLabels requests mismatch (-want +got):\n%s", diff)
	}
	labels := map[string]string{}
	for _, l := range e.f.Labels() {
		labels[l.Name] = l.Color
	}
	if labels["type/patch"] != "0e8a16" || labels["type/digest"] != "bfbfbf" {
		t.Errorf("created label colors = %v", labels)
	}
}

func TestClient_FindPullRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	parent, _ := e.c.BranchSHA(e.ctx, "main")
	mustCommit(t, e, parent, "bosun/a", files("a", "1"), false)
	mustCommit(t, e, parent, "bosun/ab", files("a", "2"), false)
	for _, b := range []string{"bosun/a", "bosun/ab"} {
		if _, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: b, Head: b}); err != nil {
			t.Fatal(err)
		}
	}
	e.f.Merge(1)
	mustCommit(t, e, e.f.Branches()["main"], "bosun/a", files("a", "3"), true)
	if _, err := e.c.CreatePullRequest(e.ctx, forge.Spec{Title: "again", Head: "bosun/a"}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		state string
		want  []int
	}{{"", []int{3}}, {"open", []int{3}}, {"closed", []int{1}}, {"all", []int{3, 1}}}
	for _, tt := range tests {
		prs, err := e.c.FindPullRequests(e.ctx, "bosun/a", tt.state)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, p := range prs {
			got = append(got, p.Number)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("FindPullRequests(%q) mismatch (-want +got):\n%s", tt.state, diff)
		}
	}
	merged := e.f.PullRequests()[0]
	if !merged.Merged || merged.State != "closed" || e.f.Files("main")["a"] != "1" {
		t.Errorf("merge did not land: %+v, main a=%q", merged, e.f.Files("main")["a"])
	}
}

func TestNew(t *testing.T) {
	t.Parallel()
	repo := forge.Repo{Owner: "o", Name: "r"}
	tests := []struct {
		name, base, want string
		wantErr          bool
	}{
		{name: "default", base: "", want: "https://api.github.com/"},
		{name: "github.com", base: "https://api.github.com", want: "https://api.github.com/"},
		{name: "ghes", base: "https://ghe.example.com/api/v3", want: "https://ghe.example.com/api/v3/"},
		{name: "test server kept verbatim", base: "http://127.0.0.1:8080", want: "http://127.0.0.1:8080/"},
		{name: "proxy path kept verbatim", base: "https://proxy.example.com/github/", want: "https://proxy.example.com/github/"},
		{name: "no scheme", base: "api.github.com", wantErr: true},
		{name: "credentials", base: "https://user:pw@ghe.example.com/api/v3", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := New(Options{BaseURL: tt.base, Repo: repo})
			if tt.wantErr {
				if err == nil {
					t.Fatal("New() error = nil, want error")
				}
				if strings.Contains(err.Error(), "pw") {
					t.Errorf("error leaks credentials: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := c.client().BaseURL.String(); got != tt.want {
				t.Errorf("BaseURL = %q, want %q", got, tt.want)
			}
		})
	}
	if _, err := New(Options{}); err == nil {
		t.Error("New() without repo: error = nil")
	}
}

func TestClient_GHESPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOpt{})
	c, err := New(Options{BaseURL: e.f.URL + "/api/v3", Token: testToken, Repo: forge.Repo{Owner: "octo", Name: "home-ops"}, HTTPClient: &http.Client{Transport: &http.Transport{}}})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.DefaultBranch(e.ctx); err != nil || b != "main" {
		t.Fatalf("DefaultBranch() = %q, %v", b, err)
	}
	if r := e.f.Requests(); !strings.HasPrefix(r[len(r)-1].Path, "/repos/octo/home-ops") {
		t.Errorf("request path = %q", r[len(r)-1].Path)
	}
}
