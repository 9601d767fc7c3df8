package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/httpx"
)

// DefaultBaseURL is the github.com API root.
const DefaultBaseURL = "https://api.github.com"

// Defaults for Options.
const (
	DefaultMaxWait = 5 * time.Minute
	DefaultRetries = 3
	// DefaultTimeout bounds one request attempt, response body included.
	DefaultTimeout = time.Minute
)

// Options configures a Client.
type Options struct {
	// BaseURL is the API root with GITHUB_API_URL semantics, used as given:
	// "https://api.github.com" (the default), "https://ghe.example.com/api/v3",
	// or a test server's URL.
	BaseURL string
	// Token authenticates requests ("Authorization: Bearer …"); empty sends none.
	Token string
	// HTTPClient is the client to send requests with (default: httpx's
	// client with connect, TLS and response-header timeouts, and no retries
	// of its own: Client retries). It is copied, never modified; the copy's
	// Timeout, when zero, becomes Timeout.
	HTTPClient *http.Client
	// Timeout bounds one request attempt end to end, response body
	// included. 0 means DefaultTimeout; negative sets no bound.
	Timeout time.Duration
	// Repo is the repository every call acts on.
	Repo forge.Repo
	// Logger receives debug and warning records; nil discards them.
	Logger *slog.Logger
	// Sleep waits for d or until ctx is done (default: a timer). Tests inject
	// a fake clock's Sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock used to compute rate-limit waits (default time.Now).
	Now func() time.Time
	// MaxWait is the total time the client may spend waiting out rate limits
	// over its life; a wait that would exceed it fails with
	// forge.ErrRateLimited instead. 0 means DefaultMaxWait; negative never waits.
	MaxWait time.Duration
	// Retries bounds the retries of a request that met a server error (5xx)
	// or, for reads (GET, HEAD), a network error or an attempt that hit
	// Timeout. Waits double from 1s. 0 means DefaultRetries; negative never retries.
	Retries int
	// UserAgent defaults to "bosun".
	UserAgent string
}

// Client talks to one GitHub repository. It is safe for concurrent use.
type Client struct {
	opts    Options
	owner   string
	repo    string
	baseURL *url.URL
	hc      *http.Client
	log     *slog.Logger
	writes  atomic.Int64

	mu       sync.Mutex
	gh       *gh.Client
	waited   time.Duration
	defaultB string
	labels   map[string]bool // lower-cased names known to exist; nil until listed
}

// New returns a client for opts.Repo.
func New(opts Options) (*Client, error) {
	if opts.Repo.Owner == "" || opts.Repo.Name == "" {
		return nil, fmt.Errorf("github client: repository owner and name are required")
	}
	if opts.BaseURL == "" {
		opts.BaseURL = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimSuffix(opts.BaseURL, "/") + "/")
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("github client: invalid base URL %q", httpx.RedactURL(opts.BaseURL))
	}
	if base.User != nil {
		return nil, fmt.Errorf("github client: base URL must not carry credentials")
	}
	if opts.Sleep == nil {
		opts.Sleep = httpx.Sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.MaxWait == 0 {
		opts.MaxWait = DefaultMaxWait
	}
	if opts.Retries == 0 {
		opts.Retries = DefaultRetries
	}
	if opts.Retries < 0 {
		opts.Retries = 0
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "bosun"
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Client{opts: opts, owner: opts.Repo.Owner, repo: opts.Repo.Name, baseURL: base, log: log}
	c.hc = newHTTPClient(opts, log, &c.writes, base.Host)
	c.gh = c.newGH()
	return c, nil
}

// newHTTPClient returns the client requests go through: opts.HTTPClient or
// httpx's, with the token, User-Agent and write counting added.
func newHTTPClient(opts Options, log *slog.Logger, writes *atomic.Int64, host string) *http.Client {
	hc := &http.Client{}
	if opts.HTTPClient != nil {
		*hc = *opts.HTTPClient
		if hc.Timeout == 0 && opts.Timeout > 0 {
			hc.Timeout = opts.Timeout
		}
	} else {
		// One attempt per call here: call retries with GitHub's rate-limit
		// rules, which httpx's generic retries would pre-empt.
		*hc = *httpx.New(httpx.Options{UserAgent: opts.UserAgent, Timeout: opts.Timeout, MaxAttempts: 1, Logger: log})
	}
	next := hc.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	hc.Transport = &transport{next: next, token: opts.Token, host: host, ua: opts.UserAgent, writes: writes}
	return hc
}

// newGH builds a go-github client. A fresh one forgets the rate limits the
// previous one learnt, which is how the client resumes after waiting them out.
func (c *Client) newGH() *gh.Client {
	g := gh.NewClient(c.hc)
	if c.baseURL.String() != DefaultBaseURL+"/" {
		// WithEnterpriseURLs would append "api/v3/" to hosts not named api.*;
		// GITHUB_API_URL already is the API root, so use it as given.
		if g2, err := g.WithEnterpriseURLs(c.baseURL.String(), c.baseURL.String()); err == nil {
			g = g2
		}
		u := *c.baseURL
		g.BaseURL = &u
	}
	g.UserAgent = c.opts.UserAgent
	return g
}

func (c *Client) client() *gh.Client {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gh
}

// Writes returns how many POST, PATCH, PUT and DELETE requests the client
// has sent (retries included).
func (c *Client) Writes() int { return int(c.writes.Load()) }

// Repo returns the repository the client acts on.
func (c *Client) Repo() forge.Repo { return c.opts.Repo }

// transport adds the token (only for the API host, so a redirect elsewhere
// never carries it), the User-Agent, and counts writes.
type transport struct {
	next   http.RoundTripper
	token  string
	host   string
	ua     string
	writes *atomic.Int64
}

func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(req.Context())
	if t.token != "" && strings.EqualFold(r.URL.Host, t.host) {
		r.Header.Set("Authorization", "Bearer "+t.token)
	}
	if r.Header.Get("User-Agent") == "" {
		r.Header.Set("User-Agent", t.ua)
	}
	switch r.Method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		t.writes.Add(1)
	}
	return t.next.RoundTrip(r)
}

// maxRateWaits bounds how often one call waits for a rate limit, so a server
// that keeps refusing cannot hold the client forever.
const maxRateWaits = 5

// call runs fn with retries of server errors and waits for rate limits, and
// returns its error classified and prefixed with op.
func (c *Client) call(ctx context.Context, op string, fn func(g *gh.Client) (*gh.Response, error)) error {
	retries, waits := 0, 0
	for {
		resp, err := fn(c.client())
		if err == nil {
			return nil
		}
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%s: %w", op, ctxErr)
		}
		if wait, reset, limited := c.rateWait(err); limited {
			waits++
			if waits > maxRateWaits || !c.reserveWait(wait) {
				return fmt.Errorf("%s: %w", op, &forge.Error{
					Kind: forge.ErrRateLimited, StatusCode: status(resp, err), Message: ghMessage(err), Reset: reset,
				})
			}
			c.log.Warn("github rate limit, waiting", "op", op, "wait", wait.String())
			if err := c.opts.Sleep(ctx, wait); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			c.mu.Lock()
			c.gh = c.newGH()
			c.mu.Unlock()
			continue
		}
		if retryable(resp, err) && retries < c.opts.Retries {
			retries++
			d := time.Duration(1<<(retries-1)) * time.Second
			c.log.Debug("github request failed, retrying", "op", op, "attempt", retries, "err", err.Error())
			if err := c.opts.Sleep(ctx, d); err != nil {
				return fmt.Errorf("%s: %w", op, err)
			}
			continue
		}
		return fmt.Errorf("%s: %w", op, classify(resp, err))
	}
}

// reserveWait takes d from the wait budget, reporting whether it fits.
func (c *Client) reserveWait(d time.Duration) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.opts.MaxWait < 0 || c.waited+d > c.opts.MaxWait {
		return false
	}
	c.waited += d
	return true
}

// rateWait reports whether err is a rate limit and how long to wait for it.
// Primary limits wait until X-RateLimit-Reset; secondary limits honour
// Retry-After, else the reset when the quota is spent, else a minute (GitHub's
// documented advice).
func (c *Client) rateWait(err error) (wait time.Duration, reset time.Time, ok bool) {
	now := c.opts.Now()
	until := func(t time.Time) time.Duration {
		if d := t.Sub(now); d > 0 {
			return d
		}
		return 0
	}
	var rle *gh.RateLimitError
	if errors.As(err, &rle) {
		reset = rle.Rate.Reset.Time
		return until(reset), reset, true
	}
	var are *gh.AbuseRateLimitError
	if errors.As(err, &are) {
		var h http.Header
		if are.Response != nil {
			h = are.Response.Header
		}
		if d, r, ok := secondaryWait(h, now, until); ok {
			return d, r, true
		}
		if are.RetryAfter != nil && *are.RetryAfter > 0 {
			return *are.RetryAfter, now.Add(*are.RetryAfter), true
		}
		return time.Minute, now.Add(time.Minute), true
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusTooManyRequests {
		h := er.Response.Header
		if d, r, ok := secondaryWait(h, now, until); ok {
			return d, r, true
		}
		return time.Minute, now.Add(time.Minute), true
	}
	return 0, time.Time{}, false
}

func secondaryWait(h http.Header, now time.Time, until func(time.Time) time.Duration) (time.Duration, time.Time, bool) {
	if h == nil {
		return 0, time.Time{}, false
	}
	if v := h.Get("Retry-After"); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			d := time.Duration(s) * time.Second
			return d, now.Add(d), true
		}
	}
	if h.Get("X-RateLimit-Remaining") == "0" {
		if s, err := strconv.ParseInt(h.Get("X-RateLimit-Reset"), 10, 64); err == nil {
			r := time.Unix(s, 0)
			return until(r), r, true
		}
	}
	return 0, time.Time{}, false
}

func status(resp *gh.Response, err error) int {
	if resp != nil && resp.Response != nil {
		return resp.StatusCode
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		return er.Response.StatusCode
	}
	return 0
}

func retryable(resp *gh.Response, err error) bool {
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Response != nil && er.Response.StatusCode >= 500
	}
	if resp == nil || resp.Response == nil {
		// No response: a network failure. Only reads are safe to resend.
		var ue *url.Error
		return errors.As(err, &ue) && (ue.Op == "Get" || ue.Op == "Head")
	}
	return false
}

func ghMessage(err error) string {
	var rle *gh.RateLimitError
	if errors.As(err, &rle) {
		return rle.Message
	}
	var are *gh.AbuseRateLimitError
	if errors.As(err, &are) {
		return are.Message
	}
	var er *gh.ErrorResponse
	if errors.As(err, &er) {
		return er.Message
	}
	return ""
}

// classify maps a go-github error onto the forge sentinels.
func classify(resp *gh.Response, err error) error {
	var er *gh.ErrorResponse
	if !errors.As(err, &er) || er.Response == nil {
		if resp == nil || resp.Response == nil {
			return &forge.Error{Kind: forge.ErrUnavailable, Message: err.Error()}
		}
		return err // a decoding failure on a 2xx
	}
	code := er.Response.StatusCode
	fe := &forge.Error{StatusCode: code, Message: er.Message}
	for _, d := range er.Errors {
		switch {
		case d.Message != "":
			fe.Details = append(fe.Details, d.Message)
		case d.Code != "":
			fe.Details = append(fe.Details, strings.TrimSpace(fmt.Sprintf("%s %s %s", d.Resource, d.Field, d.Code)))
		}
	}
	switch {
	case code == http.StatusNotFound:
		fe.Kind = forge.ErrNotFound
	case code == http.StatusConflict:
		fe.Kind = forge.ErrConflict
	case code == http.StatusMethodNotAllowed:
		fe.Kind = forge.ErrNotAllowed
	case code == http.StatusUnauthorized:
		fe.Kind = forge.ErrPermission
		if fe.Message == "" {
			fe.Message = "Bad credentials"
		}
		fe.Message += " (the token is missing, invalid or expired)"
	case code == http.StatusForbidden:
		fe.Kind = forge.ErrPermission
		if strings.Contains(er.Message, actionsNotPermitted) {
			fe.Setting = actionsSetting
		} else if req := er.Response.Request; req != nil {
			fe.Permission = permissionFor(req.Method, req.URL.Path)
		}
	case code == http.StatusUnprocessableEntity:
		fe.Kind = forge.ErrValidation
		if alreadyExists(er) {
			fe.Kind = forge.ErrAlreadyExists
		}
	case code >= 500:
		fe.Kind = forge.ErrUnavailable
	}
	return fe
}

// actionsNotPermitted is GitHub's 403 message when the repository (or its
// organization) does not let GitHub Actions tokens open pull requests; no
// token permission changes that, only actionsSetting does.
const (
	actionsNotPermitted = "GitHub Actions is not permitted to create or approve pull requests"
	actionsSetting      = `the repository setting Settings → Actions → General → "Allow GitHub Actions to create and approve pull requests" (an organization may need to allow it first)`
)

func alreadyExists(er *gh.ErrorResponse) bool {
	if strings.Contains(er.Message, "already exists") {
		return true
	}
	for _, d := range er.Errors {
		if d.Code == "already_exists" || strings.Contains(d.Message, "already exists") {
			return true
		}
	}
	return false
}

// permissionFor infers the GITHUB_TOKEN permission an endpoint needs.
func permissionFor(method, path string) string {
	level := "write"
	if method == http.MethodGet || method == http.MethodHead {
		level = "read"
	}
	i := strings.Index(path, "/repos/")
	if i < 0 {
		return ""
	}
	seg := strings.Split(strings.Trim(path[i+len("/repos/"):], "/"), "/")
	if len(seg) < 3 {
		return "metadata: read"
	}
	switch {
	case seg[2] == "commits" && (seg[len(seg)-1] == "status" || seg[len(seg)-1] == "statuses"):
		return "statuses: " + level
	case seg[2] == "commits" && seg[len(seg)-1] == "check-runs":
		return "checks: " + level
	}
	switch seg[2] {
	case "git", "contents", "compare", "commits", "branches":
		return "contents: " + level
	case "pulls":
		return "pull-requests: " + level
	case "issues", "labels":
		return "issues: " + level
	}
	return ""
}
