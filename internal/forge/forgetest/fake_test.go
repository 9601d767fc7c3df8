package forgetest

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type resp struct {
	status int
	header http.Header
	body   any
}

func (r resp) obj() map[string]any {
	m, _ := r.body.(map[string]any)
	return m
}

func (r resp) str(k string) string {
	s, _ := r.obj()[k].(string)
	return s
}

func do(t *testing.T, f *Fake, method, path string, body any) resp {
	t.Helper()
	var rd *bytes.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	if !strings.HasPrefix(path, "/") {
		path = "/repos/octo/home-ops/" + path
	}
	req, err := http.NewRequest(method, f.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	res, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return resp{status: res.StatusCode, header: res.Header, body: out}
}

func wantStatus(t *testing.T, r resp, status int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d (body %v)", r.status, status, r.body)
	}
	if msg != "" && !strings.Contains(r.str("message")+detailMessages(r), msg) {
		t.Errorf("body = %v, want message %q", r.body, msg)
	}
}

func detailMessages(r resp) string {
	var s []string
	errs, _ := r.obj()["errors"].([]any)
	for _, e := range errs {
		m, _ := e.(map[string]any)
		msg, _ := m["message"].(string)
		code, _ := m["code"].(string)
		s = append(s, msg, code)
	}
	return " " + strings.Join(s, " ")
}

// openPulls creates each branch from main with one commit adding a file
// named after the branch, and opens a pull request from it into main
// whose fields (title, body) fields gives.
func openPulls(t *testing.T, f *Fake, fields func(branch string) map[string]any, branches ...string) {
	t.Helper()
	main := f.Branches()["main"]
	for _, b := range branches {
		do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/" + b, "sha": main})
		f.PushForeignCommit(b, map[string]string{b: b}, "")
		req := fields(b)
		req["head"], req["base"] = b, "main"
		wantStatus(t, do(t, f, "POST", "pulls", req), 201, "")
	}
}

func seeded(t *testing.T, opts ...Option) *Fake {
	f := New(t, "octo", "home-ops", opts...)
	f.Seed("main", map[string]string{"README.md": "hi\n", "apps/a/hr.yaml": "version: 1\n"})
	return f
}

func TestFake_EmptyRepository(t *testing.T) {
	t.Parallel()
	f := New(t, "octo", "home-ops")
	wantStatus(t, do(t, f, "GET", "git/ref/heads/main", nil), 409, "Git Repository is empty.")
	r := do(t, f, "GET", "/repos/octo/home-ops", nil)
	wantStatus(t, r, 200, "")
	if r.str("default_branch") != "main" || r.str("full_name") != "octo/home-ops" {
		t.Errorf("repo = %v", r.body)
	}
	wantStatus(t, do(t, f, "GET", "/repos/octo/other", nil), 404, "Not Found")
}

func TestFake_AuthAndHeaders(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	f.RequireToken("other")
	r := do(t, f, "GET", "/repos/octo/home-ops", nil)
	wantStatus(t, r, 401, "Bad credentials")
	for _, h := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used", "X-RateLimit-Resource"} {
		if r.header.Get(h) == "" {
			t.Errorf("missing header %s", h)
		}
	}
	f.RequireToken("tok")
	r = do(t, f, "GET", "/api/v3/repos/octo/home-ops", nil) // GHES prefix
	wantStatus(t, r, 200, "")
	if got := r.header.Get("X-RateLimit-Remaining"); got != "4998" {
		t.Errorf("remaining = %s, want 4998 after two requests", got)
	}
}

func TestFake_Pagination(t *testing.T) {
	t.Parallel()
	f := seeded(t, WithMaxPerPage(2))
	for _, l := range []string{"a", "b", "c", "d", "e"} {
		f.AddLabel(l, "ededed")
	}
	r := do(t, f, "GET", "labels?per_page=100", nil)
	wantStatus(t, r, 200, "")
	base := f.URL + "/repos/octo/home-ops/labels"
	want := `<` + base + `?page=2&per_page=2>; rel="next", <` + base + `?page=3&per_page=2>; rel="last"`
	if got := r.header.Get("Link"); got != want {
		t.Errorf("Link =\n%s\nwant\n%s", got, want)
	}
	r = do(t, f, "GET", "labels?page=3&per_page=2", nil)
	if n := len(r.body.([]any)); n != 1 {
		t.Errorf("last page has %d labels, want 1", n)
	}
	if got := r.header.Get("Link"); !strings.Contains(got, `rel="prev"`) || strings.Contains(got, `rel="next"`) {
		t.Errorf("last page Link = %s", got)
	}
}

func TestFake_Refs(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	main := f.Branches()["main"]
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/x", "sha": main}), 201, "")
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/x", "sha": main}), 422, "Reference already exists")
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "heads/y", "sha": main}), 422, "at least two slashes")
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/y", "sha": strings.Repeat("0", 40)}), 422, "Object does not exist")

	foreign := f.PushForeignCommit("x", map[string]string{"f": "1"}, "")
	r := do(t, f, "GET", "git/ref/heads/x", nil)
	if obj, _ := r.obj()["object"].(map[string]any); obj["sha"] != foreign || r.str("ref") != "refs/heads/x" {
		t.Errorf("get ref = %v", r.body)
	}
	wantStatus(t, do(t, f, "PATCH", "git/refs/heads/x", map[string]any{"sha": main, "force": false}), 422, "Update is not a fast forward")
	wantStatus(t, do(t, f, "PATCH", "git/refs/heads/x", map[string]any{"sha": main, "force": true}), 200, "")
	wantStatus(t, do(t, f, "PATCH", "git/refs/heads/x", map[string]any{"sha": foreign}), 200, "") // fast-forward
	wantStatus(t, do(t, f, "DELETE", "git/refs/heads/x", nil), 204, "")
	wantStatus(t, do(t, f, "DELETE", "git/refs/heads/x", nil), 422, "Reference does not exist")
	wantStatus(t, do(t, f, "GET", "git/ref/heads/x", nil), 404, "Not Found")
	if f.Writes() != 9 {
		t.Errorf("Writes() = %d, want 9", f.Writes())
	}
}

// A request without its required fields gets GitHub's 422 naming them.
func TestFake_NotSupplied(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/x"}), 422, "Invalid request.\n\n\"ref\", \"sha\" weren't supplied.")
	wantStatus(t, do(t, f, "POST", "git/blobs", map[string]any{}), 422, "Invalid request.\n\n\"content\" wasn't supplied.")
}

func TestFake_TreesAndCommits(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	main := f.Branches()["main"]
	c := do(t, f, "GET", "git/commits/"+main, nil)
	baseTree := c.obj()["tree"].(map[string]any)["sha"].(string)

	r := do(t, f, "POST", "git/trees", map[string]any{"base_tree": baseTree, "tree": []any{
		map[string]any{"path": "apps/a/hr.yaml", "mode": "100644", "type": "blob", "content": "version: 2\n"},
		map[string]any{"path": "README.md", "mode": "100644", "type": "blob", "sha": nil},
		map[string]any{"path": "bin/run", "mode": "100755", "type": "blob", "content": "#!/bin/sh\n"},
	}})
	wantStatus(t, r, 201, "")
	tree := r.str("sha")
	wantStatus(t, do(t, f, "POST", "git/trees", map[string]any{"base_tree": baseTree, "tree": []any{
		map[string]any{"path": "nope", "mode": "100644", "type": "blob", "sha": nil},
	}}), 422, "")
	wantStatus(t, do(t, f, "POST", "git/trees", map[string]any{"tree": []any{
		map[string]any{"path": "x", "mode": "100644", "type": "blob", "sha": "abc", "content": "x"},
	}}), 422, "Must supply either tree.sha or tree.content")

	r = do(t, f, "GET", "git/trees/"+tree+"?recursive=1", nil)
	var got []string
	for _, e := range r.obj()["tree"].([]any) {
		m := e.(map[string]any)
		got = append(got, m["mode"].(string)+" "+m["type"].(string)+" "+m["path"].(string))
	}
	want := []string{"040000 tree apps", "040000 tree apps/a", "100644 blob apps/a/hr.yaml", "040000 tree bin", "100755 blob bin/run"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("recursive tree mismatch (-want +got):\n%s", diff)
	}

	r = do(t, f, "POST", "git/commits", map[string]any{"message": "m", "tree": tree, "parents": []string{main}})
	wantStatus(t, r, 201, "")
	bot := r.str("sha")
	if v := r.obj()["verification"].(map[string]any); v["verified"] != true {
		t.Errorf("bot commit verification = %v", v)
	}
	r = do(t, f, "POST", "git/commits", map[string]any{"message": "m", "tree": tree, "parents": []string{main},
		"author": map[string]any{"name": "Jane", "email": "jane@example.com"}})
	if v := r.obj()["verification"].(map[string]any); v["verified"] != false {
		t.Errorf("authored commit verification = %v", v)
	}
	wantStatus(t, do(t, f, "POST", "git/commits", map[string]any{"message": "m", "tree": "nope"}), 422, "Tree SHA does not exist")
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/b", "sha": bot}), 201, "")
	if diff := cmp.Diff(map[string]string{"apps/a/hr.yaml": "version: 2\n", "bin/run": "#!/bin/sh\n"}, f.Files("b")); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}

	r = do(t, f, "GET", "compare/main...b", nil)
	if r.str("status") != "ahead" || r.obj()["ahead_by"] != float64(1) {
		t.Errorf("compare = %v %v", r.str("status"), r.obj()["ahead_by"])
	}
	commits := r.obj()["commits"].([]any)
	if a := commits[0].(map[string]any)["author"].(map[string]any)["login"]; a != "bosun[bot]" {
		t.Errorf("compare author = %v", a)
	}
}

func TestFake_Contents(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	big := strings.Repeat("x", maxContentsSize+1)
	f.Seed("main", map[string]string{"big": big})
	r := do(t, f, "GET", "contents/apps/a/hr.yaml?ref=main", nil)
	b, _ := base64.StdEncoding.DecodeString(strings.ReplaceAll(r.str("content"), "\n", ""))
	if r.str("encoding") != "base64" || string(b) != "version: 1\n" || r.str("type") != "file" {
		t.Errorf("contents = %v", r.body)
	}
	r = do(t, f, "GET", "contents/big", nil)
	if r.str("encoding") != "none" || r.str("content") != "" || r.str("sha") == "" {
		t.Errorf("big contents = encoding %q content %d bytes", r.str("encoding"), len(r.str("content")))
	}
	r = do(t, f, "GET", "git/blobs/"+r.str("sha"), nil)
	b, _ = base64.StdEncoding.DecodeString(strings.ReplaceAll(r.str("content"), "\n", ""))
	if string(b) != big {
		t.Errorf("blob = %d bytes", len(b))
	}
	if r := do(t, f, "GET", "contents/apps", nil); len(r.body.([]any)) != 1 {
		t.Errorf("dir listing = %v", r.body)
	}
	wantStatus(t, do(t, f, "GET", "contents/nope", nil), 404, "Not Found")
}

func TestFake_Pulls(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	main := f.Branches()["main"]
	wantStatus(t, do(t, f, "POST", "git/refs", map[string]any{"ref": "refs/heads/b", "sha": main}), 201, "")
	wantStatus(t, do(t, f, "POST", "pulls", map[string]any{"title": "t", "head": "b", "base": "main"}), 422, "No commits between main and b")
	f.PushForeignCommit("b", map[string]string{"x": "1"}, "")
	r := do(t, f, "POST", "pulls", map[string]any{"title": "t", "head": "octo:b", "base": "main", "body": "hello"})
	wantStatus(t, r, 201, "")
	if r.obj()["number"] != float64(1) || r.obj()["user"].(map[string]any)["login"] != "bosun[bot]" {
		t.Errorf("created = %v", r.body)
	}
	wantStatus(t, do(t, f, "POST", "pulls", map[string]any{"title": "t", "head": "b", "base": "main"}), 422, "A pull request already exists for octo:b.")
	wantStatus(t, do(t, f, "POST", "pulls", map[string]any{"title": "t", "head": "nope", "base": "main"}), 422, "invalid")
	wantStatus(t, do(t, f, "POST", "pulls", map[string]any{"title": "t", "head": "b", "base": "main", "body": strings.Repeat("x", 65537)}), 422, "body is too long (maximum is 65536 characters)")

	if n := len(do(t, f, "GET", "pulls?head=octo:b", nil).body.([]any)); n != 1 {
		t.Errorf("head=octo:b listed %d", n)
	}
	if n := len(do(t, f, "GET", "pulls?head=octo:zzz", nil).body.([]any)); n != 0 {
		t.Errorf("head=octo:zzz listed %d", n)
	}
	if n := len(do(t, f, "GET", "pulls?head=zzz", nil).body.([]any)); n != 1 {
		t.Errorf("bare head (ignored by GitHub) listed %d, want all", n)
	}

	wantStatus(t, do(t, f, "PATCH", "pulls/1", map[string]any{"state": "closed"}), 200, "")
	wantStatus(t, do(t, f, "PATCH", "pulls/1", map[string]any{"state": "closed", "base": "b"}), 422, "Cannot change the base branch of a closed pull request.")
	wantStatus(t, do(t, f, "PATCH", "pulls/1", map[string]any{"state": "open"}), 200, "")

	wantStatus(t, do(t, f, "POST", "issues/1/labels", []string{"type/major", "x"}), 200, "")
	wantStatus(t, do(t, f, "POST", "issues/1/labels", map[string]any{"labels": []string{"X"}}), 200, "")
	wantStatus(t, do(t, f, "DELETE", "issues/1/labels/type%2Fmajor", nil), 200, "")
	wantStatus(t, do(t, f, "DELETE", "issues/1/labels/type%2Fmajor", nil), 404, "Label does not exist")
	wantStatus(t, do(t, f, "POST", "labels", map[string]any{"name": "x", "color": "ffffff"}), 422, "already_exists")
	wantStatus(t, do(t, f, "POST", "issues/1/comments", map[string]any{"body": "c1"}), 201, "")
	wantStatus(t, do(t, f, "POST", "issues/9/comments", map[string]any{"body": "c1"}), 404, "")

	// Deleting the head branch closes the pull request, as on GitHub.
	headSHA := f.Branches()["b"]
	wantStatus(t, do(t, f, "DELETE", "git/refs/heads/b", nil), 204, "")
	got := f.PullRequests()[0]
	if got.State != "closed" || got.HeadSHA != headSHA || !cmp.Equal(got.Labels, []string{"x"}) || !cmp.Equal(f.Comments(1), []string{"c1"}) {
		t.Errorf("final PR = %+v, comments %q", got, f.Comments(1))
	}
}

func TestFake_MergeAndClose(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	openPulls(t, f, func(b string) map[string]any { return map[string]any{"title": b} }, "b1", "b2")
	f.Seed("main", map[string]string{"README.md": "changed on main\n"})
	f.Merge(1)
	f.Close(2)
	want := map[string]string{"README.md": "changed on main\n", "apps/a/hr.yaml": "version: 1\n", "b1": "b1"}
	if diff := cmp.Diff(want, f.Files("main")); diff != "" {
		t.Errorf("main after merge mismatch (-want +got):\n%s", diff)
	}
	prs := f.PullRequests()
	if !prs[0].Merged || prs[0].State != "closed" || prs[1].Merged || prs[1].State != "closed" {
		t.Errorf("PRs = %+v", prs)
	}
	if h := f.History("main"); len(h[0].Parents) != 2 || h[0].Author != "octo" {
		t.Errorf("merge commit = %+v", h[0])
	}
	wantStatus(t, do(t, f, "PATCH", "pulls/1", map[string]any{"state": "open"}), 422, "already been merged")
}

func TestFake_FaultsAndRateLimits(t *testing.T) {
	t.Parallel()
	clock := NewClock(DefaultStart)
	f := seeded(t, WithClock(clock))
	f.Inject(Fault{Method: "GET", Path: "git/ref/*", Status: 502, Times: 2})
	for i := 0; i < 2; i++ {
		wantStatus(t, do(t, f, "GET", "git/ref/heads/main", nil), 502, "Bad Gateway")
	}
	wantStatus(t, do(t, f, "GET", "git/ref/heads/main", nil), 200, "")

	f.RateLimitNext(RateLimit{For: 30 * time.Second})
	r := do(t, f, "GET", "/repos/octo/home-ops", nil)
	wantStatus(t, r, 403, "API rate limit exceeded")
	if r.header.Get("X-RateLimit-Remaining") != "0" || r.header.Get("X-RateLimit-Reset") != "1767268830" {
		t.Errorf("primary headers = %v", r.header)
	}
	wantStatus(t, do(t, f, "GET", "/repos/octo/home-ops", nil), 403, "API rate limit exceeded")
	clock.Advance(30 * time.Second)
	wantStatus(t, do(t, f, "GET", "/repos/octo/home-ops", nil), 200, "")

	f.RateLimitNext(RateLimit{Secondary: true, For: 10 * time.Second, Method: "POST"})
	wantStatus(t, do(t, f, "GET", "/repos/octo/home-ops", nil), 200, "")
	r = do(t, f, "POST", "labels", map[string]any{"name": "n"})
	wantStatus(t, r, 403, "secondary rate limit")
	if r.header.Get("Retry-After") != "10" || !strings.HasSuffix(r.obj()["documentation_url"].(string), "secondary-rate-limits") {
		t.Errorf("secondary = %v %v", r.header.Get("Retry-After"), r.body)
	}
	clock.Advance(4 * time.Second)
	if r := do(t, f, "GET", "/repos/octo/home-ops", nil); r.status != 403 || r.header.Get("Retry-After") != "6" {
		t.Errorf("during secondary: %d Retry-After %s", r.status, r.header.Get("Retry-After"))
	}
	clock.Advance(6 * time.Second)
	wantStatus(t, do(t, f, "POST", "labels", map[string]any{"name": "n"}), 201, "")

	f.DenyPermission("pull-requests")
	r = do(t, f, "PATCH", "pulls/1", map[string]any{})
	wantStatus(t, r, 403, "Resource not accessible by integration")
	if r.header.Get("X-Accepted-GitHub-Permissions") != "pull_requests=write" {
		t.Errorf("X-Accepted-GitHub-Permissions = %q", r.header.Get("X-Accepted-GitHub-Permissions"))
	}
	wantStatus(t, do(t, f, "GET", "pulls", nil), 200, "")
}

func TestFake_Search(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	openPulls(t, f, func(b string) map[string]any { return map[string]any{"title": "Update " + b, "body": "plan=" + b} }, "bosun/a", "bosun/b")
	do(t, f, "POST", "issues/2/labels", []string{"type/major"})
	f.Close(1)
	tests := []struct {
		q    string
		want []float64
	}{
		{`repo:octo/home-ops is:pr`, []float64{2, 1}},
		{`repo:octo/home-ops is:pr is:open`, []float64{2}},
		{`repo:octo/home-ops is:pr head:bosun/a`, []float64{1}},
		{`repo:octo/home-ops is:pr label:"type/major"`, []float64{2}},
		{`repo:octo/home-ops is:pr "plan=bosun/a"`, []float64{1}},
		{`repo:other/x is:pr`, nil},
	}
	for _, tt := range tests {
		r := do(t, f, "GET", "/search/issues?q="+strings.ReplaceAll(strings.ReplaceAll(tt.q, " ", "+"), `"`, "%22"), nil)
		var got []float64
		for _, it := range r.obj()["items"].([]any) {
			got = append(got, it.(map[string]any)["number"].(float64))
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("search %q mismatch (-want +got):\n%s", tt.q, diff)
		}
	}
}

func TestFake_Routes(t *testing.T) {
	t.Parallel()
	f := seeded(t)
	tests := []struct {
		name, method, path string
		status             int
		msg                string
	}{
		{"repository", "GET", "/repos/octo/home-ops", 200, ""},
		{"owner and name ignore case", "GET", "/repos/Octo/Home-Ops/git/ref/heads/main", 200, ""},
		{"GHES prefix", "GET", "/api/v3/repos/octo/home-ops/git/ref/heads/main", 200, ""},
		{"another repository", "GET", "/repos/octo/other/pulls", 404, "Not Found"},
		{"unknown endpoint", "GET", "/repos/octo/home-ops/actions/runs", 404, "Not Found"},
		{"unknown git endpoint", "GET", "/repos/octo/home-ops/git/tags/abc", 404, "Not Found"},
		{"wrong method is 404, not 405", "PUT", "/repos/octo/home-ops/pulls", 404, "Not Found"},
		{"outside the API", "GET", "/user", 404, "Not Found"},
		{"rate limit", "GET", "/rate_limit", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			wantStatus(t, do(t, f, tt.method, tt.path, nil), tt.status, tt.msg)
		})
	}
}
