package httpx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configure New. The zero value is usable.
type Options struct {
	// UserAgent is sent when a request has none; default "bosun/dev".
	UserAgent string
	// DialTimeout, TLSHandshakeTimeout and ResponseHeaderTimeout bound each
	// attempt; defaults 10s, 10s, 30s.
	DialTimeout           time.Duration
	TLSHandshakeTimeout   time.Duration
	ResponseHeaderTimeout time.Duration
	// Timeout bounds one request end to end (every retry and the body read),
	// through its context; default 2m, negative disables.
	Timeout time.Duration
	// MaxAttempts is how many times an idempotent request is tried; default
	// 4, 1 disables retries.
	MaxAttempts int
	// BaseRetryWait is the first backoff step (doubled each retry, with
	// jitter); default 500ms.
	BaseRetryWait time.Duration
	// MaxRetryWait caps any single wait. A Retry-After longer than this is not
	// waited for: the response is returned as is. Default 30s.
	MaxRetryWait time.Duration
	// Sleep waits d or until ctx is done; tests inject a recorder. Default
	// uses a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// HostConcurrency bounds concurrent requests per host ("host:port");
	// nil or a result <= 0 means 4.
	HostConcurrency func(host string) int
	// CacheDir enables the conditional-request cache; "" disables it.
	CacheDir string
	// Logger receives one Debug record per attempt; nil discards.
	Logger *slog.Logger
	// Transport is the innermost transport; default a tuned clone of
	// http.DefaultTransport with proxies from the environment.
	Transport http.RoundTripper
}

const (
	// CacheHeader is set on responses served from the on-disk cache.
	CacheHeader = "X-Bosun-Cache"
	// CacheRevalidated is CacheHeader's value after a 304.
	CacheRevalidated = "revalidated"

	maxRedirects = 10
)

// New returns a client with bosun's transport stack:
// deadline → user agent → cache → retry → per-host limit → logging → base.
func New(opts Options) *http.Client {
	o := opts.withDefaults()
	base := o.Transport
	if base == nil {
		base = baseTransport(o)
	}
	var rt http.RoundTripper = base
	rt = &logTransport{next: rt, log: o.Logger}
	rt = newLimitTransport(rt, o.HostConcurrency)
	rt = &retryTransport{next: rt, max: o.MaxAttempts, base: o.BaseRetryWait, cap: o.MaxRetryWait, sleep: o.Sleep}
	if o.CacheDir != "" {
		rt = &cacheTransport{next: rt, dir: o.CacheDir, log: o.Logger}
	}
	rt = &uaTransport{next: rt, ua: o.UserAgent}
	if o.Timeout > 0 {
		rt = &deadlineTransport{next: rt, d: o.Timeout}
	}
	return &http.Client{Transport: rt, CheckRedirect: checkRedirect}
}

// baseTransport is the default innermost transport: http.DefaultTransport's
// settings (proxies from the environment, HTTP/2 negotiated over TLS with
// registries that offer it: ForceAttemptHTTP2 keeps it on despite the
// custom dialer) with o's timeouts, and up to 8 idle connections kept per
// host, more than the default per-host limit of 4 in flight, so that a
// run reuses its connections rather than opening one per request.
func baseTransport(o Options) *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: o.DialTimeout, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = o.TLSHandshakeTimeout
	t.ResponseHeaderTimeout = o.ResponseHeaderTimeout
	t.ForceAttemptHTTP2 = true
	t.MaxIdleConnsPerHost = 8
	return t
}

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = "bosun/dev"
	}
	if o.DialTimeout <= 0 {
		o.DialTimeout = 10 * time.Second
	}
	if o.TLSHandshakeTimeout <= 0 {
		o.TLSHandshakeTimeout = 10 * time.Second
	}
	if o.ResponseHeaderTimeout <= 0 {
		o.ResponseHeaderTimeout = 30 * time.Second
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Minute
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 4
	}
	if o.BaseRetryWait <= 0 {
		o.BaseRetryWait = 500 * time.Millisecond
	}
	if o.MaxRetryWait <= 0 {
		o.MaxRetryWait = 30 * time.Second
	}
	if o.Sleep == nil {
		o.Sleep = Sleep
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// DefaultCacheDir is $XDG_CACHE_HOME/bosun, else os.UserCacheDir()/bosun,
// else "" (caching disabled).
func DefaultCacheDir() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "bosun")
	}
	d, err := os.UserCacheDir()
	if err != nil || d == "" {
		return ""
	}
	return filepath.Join(d, "bosun")
}

// Sleep waits d, or returns ctx's error as soon as ctx ends (at once when d
// is not positive).
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrRedirectLoop is returned (wrapped in *url.Error) when a redirect chain
// revisits a URL.
var ErrRedirectLoop = errors.New("redirect loop")

// checkRedirect follows at most 10 redirects, rejects loops, and never lets
// credentials travel to another host: Authorization, Proxy-Authorization
// and Cookie are dropped unless the new host:port equals the original's
// (stricter than net/http, which keeps them for subdomains).
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("stopped after %d redirects at %s", maxRedirects, redactURL(req.URL))
	}
	for _, v := range via {
		if v.URL.String() == req.URL.String() {
			return fmt.Errorf("%w at %s", ErrRedirectLoop, redactURL(req.URL))
		}
	}
	orig := via[0].URL
	if !strings.EqualFold(req.URL.Host, orig.Host) || (orig.Scheme == "https" && req.URL.Scheme != "https") {
		req.Header.Del("Authorization")
		req.Header.Del("Proxy-Authorization")
		req.Header.Del("Cookie")
		req.URL.User = nil
	}
	return nil
}

type uaTransport struct {
	next http.RoundTripper
	ua   string
}

func (t *uaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("User-Agent") != "" {
		return t.next.RoundTrip(req)
	}
	r := req.Clone(req.Context())
	r.Header.Set("User-Agent", t.ua)
	return t.next.RoundTrip(r)
}

// deadlineTransport bounds a request, body read included, by a context
// deadline released when the body is closed, fully read or fails.
type deadlineTransport struct {
	next http.RoundTripper
	d    time.Duration
}

func (t *deadlineTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(req.Context(), t.d)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	resp.Body = &endBody{ReadCloser: resp.Body, end: cancel}
	return resp, nil
}
