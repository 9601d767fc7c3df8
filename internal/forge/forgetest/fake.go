package forgetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/statuswriter"
)

// Fake is a stateful fake of GitHub's REST API for one repository.
// All methods are safe for concurrent use.
type Fake struct {
	// URL is the API base URL to hand to a client ("http://127.0.0.1:port").
	// The fake also accepts GHES-style paths under "/api/v3".
	URL string

	t     testing.TB
	srv   *httptest.Server
	mux   *http.ServeMux
	clock *Clock
	owner string
	repo  string

	mu            sync.Mutex
	bot           string
	maxPerPage    int
	defaultBranch string
	git           *store
	refs          map[string]string // "heads/main" -> commit SHA
	pulls         []*pull           // index = number-1
	labels        []*label
	comments      map[int][]*comment
	nextID        int64

	token  string
	denied map[string]bool // "pull-requests", "contents", "issues"
	// noActionsPulls refuses pull request creation as GitHub does for
	// Actions tokens when the repository setting does not allow it.
	noActionsPulls bool

	rateLimit      int
	rateRemaining  int
	rateReset      time.Time
	secondaryUntil time.Time
	rateTriggers   []RateLimit

	// statuses and checkRuns are per commit SHA, oldest first;
	// protection is per branch.
	statuses         map[string][]commitStatus
	checkRuns        map[string][]checkRun
	protection       map[string]protection
	autoMergeAllowed bool

	faults   []*Fault
	writes   int
	requests []Request
}

// Request is one request the fake received.
type Request struct {
	Method string
	// Path is the URL path with any "/api/v3" prefix removed, still escaped.
	Path   string
	Query  string
	Body   []byte
	Status int
}

// Option configures a Fake.
type Option func(*Fake)

// WithClock makes the fake read time from c (default: a Clock at DefaultStart).
func WithClock(c *Clock) Option { return func(f *Fake) { f.clock = c } }

// WithBotLogin sets the login that authors commits created through the API
// without an explicit author, pull requests, comments (default "bosun[bot]").
func WithBotLogin(login string) Option { return func(f *Fake) { f.bot = login } }

// WithMaxPerPage caps per_page below GitHub's 100, to exercise pagination.
func WithMaxPerPage(n int) Option { return func(f *Fake) { f.maxPerPage = n } }

// WithDefaultBranch sets the repository's default branch (default "main").
func WithDefaultBranch(b string) Option { return func(f *Fake) { f.defaultBranch = b } }

// WithRateLimit sets the primary rate limit per hour-long window (default 5000).
func WithRateLimit(n int) Option { return func(f *Fake) { f.rateLimit = n } }

// New starts a fake for owner/repo on 127.0.0.1; it stops when t ends. The
// repository starts empty (the Git Data API answers 409) until Seed is called.
func New(t testing.TB, owner, repo string, opts ...Option) *Fake {
	t.Helper()
	f := &Fake{
		t:             t,
		owner:         owner,
		repo:          repo,
		bot:           "bosun[bot]",
		maxPerPage:    100,
		defaultBranch: "main",
		git:           newStore(),
		refs:          map[string]string{},
		comments:      map[int][]*comment{},
		denied:        map[string]bool{},
		rateLimit:     5000,
		nextID:        1000,
		statuses:      map[string][]commitStatus{},
		checkRuns:     map[string][]checkRun{},
		protection:    map[string]protection{},
	}
	for _, o := range opts {
		o(f)
	}
	if f.clock == nil {
		f.clock = NewClock(DefaultStart)
	}
	if f.maxPerPage <= 0 || f.maxPerPage > 100 {
		f.maxPerPage = 100
	}
	f.rateRemaining = f.rateLimit
	f.mux = f.routes()
	f.rateReset = f.clock.Now().Add(time.Hour).Truncate(time.Second)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("forgetest: listen: %v", err)
	}
	f.srv = &httptest.Server{Listener: l, Config: &http.Server{Handler: f}}
	f.srv.Start()
	f.URL = f.srv.URL
	t.Cleanup(f.srv.Close)
	return f
}

// Clock returns the clock the fake reads.
func (f *Fake) Clock() *Clock { return f.clock }

// RequireToken makes every request without "Authorization: Bearer tok" (or
// "token tok") fail with 401 Bad credentials.
func (f *Fake) RequireToken(tok string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.token = tok
}

// DenyPermission makes the token lack write access for a permission:
// "contents" (git data, contents), "pull-requests" (pulls) or "issues"
// (labels, comments). Writes then get 403 "Resource not accessible by integration".
func (f *Fake) DenyPermission(perm string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.denied[perm] = true
}

// ForbidActionsPullRequests makes creating a pull request fail the way GitHub
// refuses a GitHub Actions token while the repository setting "Allow GitHub
// Actions to create and approve pull requests" is off: 403 "GitHub Actions is
// not permitted to create or approve pull requests." Pushing branches still works.
func (f *Fake) ForbidActionsPullRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noActionsPulls = true
}

// Fault is an injected failure.
type Fault struct {
	// Method matches the request method; "" matches any.
	Method string
	// Path matches the request path with "*" matching any run of characters.
	// A pattern without a leading "/" is relative to /repos/{owner}/{repo}/
	// ("git/refs", "pulls*"); "" matches any.
	Path   string
	Status int
	// Body is sent verbatim; empty means GitHub's generic body for Status.
	Body   string
	Header http.Header
	// Times is how many matching requests fail; 0 means 1.
	Times int
	// Hang sends no response at all (Status, Body and Header are unused):
	// the request waits until the client gives up.
	Hang bool
}

// FailNext makes the next request matching method and pattern fail once with
// status, body and headers (see Fault).
func (f *Fake) FailNext(method, pattern string, status int, body string, header http.Header) {
	f.Inject(Fault{Method: method, Path: pattern, Status: status, Body: body, Header: header})
}

// Inject adds a fault; faults are matched in the order they were added.
func (f *Fake) Inject(flt Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if flt.Times <= 0 {
		flt.Times = 1
	}
	f.faults = append(f.faults, &flt)
}

// Writes returns how many POST, PATCH, PUT and DELETE requests arrived
// (failed ones included).
func (f *Fake) Writes() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes
}

// Requests returns every request received so far.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// glob matches s against a pattern where "*" matches any run of characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for i := 1; i < len(parts)-1; i++ {
		j := strings.Index(s, parts[i])
		if j < 0 {
			return false
		}
		s = s[j+len(parts[i]):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

func (f *Fake) matches(method, pattern, reqMethod, path string) bool {
	if method != "" && !strings.EqualFold(method, reqMethod) {
		return false
	}
	if pattern == "" {
		return true
	}
	if !strings.HasPrefix(pattern, "/") {
		pattern = "/repos/" + f.owner + "/" + f.repo + "/" + pattern
	}
	return glob(pattern, path)
}

// ServeHTTP plays the GitHub REST API.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 200<<20))
	path := r.URL.EscapedPath()
	if strings.HasPrefix(path, "/api/v3/") {
		path = path[len("/api/v3"):]
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := &statuswriter.Writer{ResponseWriter: w}
	if isWrite(r.Method) {
		f.writes++
	}
	f.requests = append(f.requests, Request{Method: r.Method, Path: path, Query: r.URL.RawQuery, Body: body})
	idx := len(f.requests) - 1
	defer func() { f.requests[idx].Status = rec.Status() }()

	now := f.clock.Now()
	exhausted := f.spendQuota(rec, now)

	if f.token != "" {
		auth := r.Header.Get("Authorization")
		if auth != "Bearer "+f.token && auth != "token "+f.token {
			writeError(rec, http.StatusUnauthorized, "Bad credentials", "https://docs.github.com/rest")
			return
		}
	}
	if f.rateLimited(rec, r.Method, path, now, exhausted) {
		return
	}
	for i, flt := range f.faults {
		if !f.matches(flt.Method, flt.Path, r.Method, path) {
			continue
		}
		flt.Times--
		if flt.Times <= 0 {
			f.faults = append(f.faults[:i], f.faults[i+1:]...)
		}
		if flt.Hang {
			// Answer nothing until the client gives up; other requests
			// are served meanwhile.
			f.mu.Unlock()
			<-r.Context().Done()
			f.mu.Lock()
			return
		}
		for k, vs := range flt.Header {
			rec.Header()[k] = vs
		}
		b := flt.Body
		if b == "" {
			b = fmt.Sprintf(`{"message":%q,"documentation_url":"https://docs.github.com/rest"}`, http.StatusText(flt.Status))
		}
		rec.Header().Set("Content-Type", "application/json; charset=utf-8")
		rec.WriteHeader(flt.Status)
		rec.Write([]byte(b))
		return
	}
	if perm := permissionOf(r.Method, path); perm != "" && f.denied[perm] {
		rec.Header().Set("X-Accepted-GitHub-Permissions", strings.ReplaceAll(perm, "-", "_")+"=write")
		writeError(rec, http.StatusForbidden, "Resource not accessible by integration", "https://docs.github.com/rest")
		return
	}
	if f.noActionsPulls && r.Method == http.MethodPost && f.matches("", "pulls", r.Method, path) {
		writeError(rec, http.StatusForbidden, "GitHub Actions is not permitted to create or approve pull requests.",
			"https://docs.github.com/rest/pulls/pulls#create-a-pull-request")
		return
	}
	f.route(rec, r, path, body)
}

// permissionOf names the token permission a write to path needs ("" for reads).
func permissionOf(method, path string) string {
	if !isWrite(method) {
		return ""
	}
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if len(seg) < 4 || seg[0] != "repos" {
		return ""
	}
	switch seg[3] {
	case "git", "contents":
		return "contents"
	case "pulls":
		return "pull-requests"
	case "issues", "labels":
		return "issues"
	}
	return ""
}

// errorBody is GitHub's client error shape (https://docs.github.com/rest#client-errors).
type errorBody struct {
	Message          string      `json:"message"`
	Errors           []errDetail `json:"errors,omitempty"`
	DocumentationURL string      `json:"documentation_url,omitempty"`
	Status           string      `json:"status,omitempty"`
}

type errDetail struct {
	Resource string `json:"resource,omitempty"`
	Field    string `json:"field,omitempty"`
	Code     string `json:"code"`
	Message  string `json:"message,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, status int, msg, doc string, details ...errDetail) {
	writeJSON(w, status, errorBody{Message: msg, Errors: details, DocumentationURL: doc, Status: strconv.Itoa(status)})
}

// decodeJSON decodes a request body into v; when it is not JSON of that
// shape it writes GitHub's 400 "Problems parsing JSON" and returns false.
func decodeJSON(w http.ResponseWriter, body []byte, v any, doc string) bool {
	if err := json.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, "Problems parsing JSON", doc)
		return false
	}
	return true
}

func notFound(w http.ResponseWriter, doc string) {
	writeError(w, http.StatusNotFound, "Not Found", doc)
}

// unprocessable writes GitHub's 422 for a request it understood but refused.
func unprocessable(w http.ResponseWriter, msg, doc string) {
	writeError(w, http.StatusUnprocessableEntity, msg, doc)
}

// notSupplied writes GitHub's 422 for a request that lacks required fields.
func notSupplied(w http.ResponseWriter, doc string, fields ...string) {
	quoted := make([]string, len(fields))
	for i, f := range fields {
		quoted[i] = strconv.Quote(f)
	}
	verb := "wasn't"
	if len(fields) > 1 {
		verb = "weren't"
	}
	unprocessable(w, "Invalid request.\n\n"+strings.Join(quoted, ", ")+" "+verb+" supplied.", doc)
}

// validationFailed writes GitHub's 422 "Validation Failed" with field errors.
func validationFailed(w http.ResponseWriter, doc string, details ...errDetail) {
	writeError(w, http.StatusUnprocessableEntity, "Validation Failed", doc, details...)
}

// page applies per_page/page to n items, sets the Link header, and returns
// the slice bounds. GitHub's default per_page is 30, its maximum 100.
func (f *Fake) page(w http.ResponseWriter, r *http.Request, n int) (lo, hi int) {
	q := r.URL.Query()
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = v
	}
	if per > f.maxPerPage {
		per = f.maxPerPage
	}
	pg := 1
	if v, err := strconv.Atoi(q.Get("page")); err == nil && v > 0 {
		pg = v
	}
	last := (n + per - 1) / per
	if last < 1 {
		last = 1
	}
	link := func(p int, rel string) string {
		u := *r.URL
		qq := u.Query()
		qq.Set("page", strconv.Itoa(p))
		if q.Get("per_page") != "" {
			qq.Set("per_page", strconv.Itoa(per))
		}
		u.RawQuery = qq.Encode()
		base, _ := url.Parse(f.URL)
		u.Scheme, u.Host = base.Scheme, base.Host
		return fmt.Sprintf("<%s>; rel=%q", u.String(), rel)
	}
	var links []string
	if pg < last {
		links = append(links, link(pg+1, "next"), link(last, "last"))
	}
	if pg > 1 {
		links = append(links, link(1, "first"), link(pg-1, "prev"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo = (pg - 1) * per
	if lo > n {
		lo = n
	}
	hi = lo + per
	if hi > n {
		hi = n
	}
	return lo, hi
}

// assign sets *dst to the request's value of an optional field when the
// request carries it.
func assign[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}
