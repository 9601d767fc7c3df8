package ocitest

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

// Service is the token service name the registry and token server agree on.
const Service = "ocitest"

// TokenPath is the token endpoint path, served on the registry's own
// host:port (oras-go accepts a loopback realm only on the registry's host).
const TokenPath = "/token"

// internalHeader marks requests made by the Registry's own push helpers: they
// bypass fault injection and request accounting.
const internalHeader = "Ocitest-Internal"

// AuthMode selects how the registry authenticates clients.
type AuthMode int

const (
	// AuthAnonymousPull runs the token flow; anonymous clients get pull tokens,
	// known users get pull and push. It is the default, and how GHCR treats
	// public packages.
	AuthAnonymousPull AuthMode = iota
	// AuthRequired runs the token flow and refuses anonymous token requests.
	AuthRequired
	// AuthNone serves the registry without any authentication.
	AuthNone
)

// Option configures New.
type Option func(*config)

type config struct {
	mode          AuthMode
	users         map[string]string
	middleware    []func(http.Handler) http.Handler
	tagValidators bool
	tokenTTL      time.Duration
}

// WithAuth sets the authentication mode (default AuthAnonymousPull).
func WithAuth(m AuthMode) Option { return func(c *config) { c.mode = m } }

// WithUser adds a user the token server accepts with Basic auth; users get pull
// and push on every repository.
func WithUser(username, password string) Option {
	return func(c *config) { c.users[username] = password }
}

// WithMiddleware wraps the registry and token handlers, for fault injection.
// The first option given is the outermost. Requests are counted before the
// middleware runs, so a response it makes up is counted too; the Registry's
// own pushes bypass it.
func WithMiddleware(mw func(http.Handler) http.Handler) Option {
	return func(c *config) { c.middleware = append(c.middleware, mw) }
}

// WithTagListValidators makes tag-list responses carry a strong ETag (the
// quoted sha256 of the body) and answers a matching If-None-Match with 304,
// as some hosted registries do; the registry itself, like distribution, sends
// none on tags/list. The 304 carries the ETag only, no Link (RFC 9110 §15.4.5 does
// not require it), so clients must keep the Link of the stored response.
func WithTagListValidators() Option { return func(c *config) { c.tagValidators = true } }

// WithTokenLifetime sets the lifetime of issued tokens: their exp claim and
// expires_in (default DefaultTokenLifetime).
func WithTokenLifetime(d time.Duration) Option { return func(c *config) { c.tokenTTL = d } }

// Registry is a running in-process registry.
type Registry struct {
	srv   *httptest.Server
	mode  AuthMode
	users map[string]string
	key   ed25519.PrivateKey
	kid   string
	realm string // the token endpoint's URL

	// admin is the internal pusher's identity.
	adminUser, adminPass string

	tokenTTL time.Duration

	mu       sync.Mutex
	requests []Request
	issued   map[string]bool // tokens issued and not revoked
	revoked  map[string]bool
}

// New starts a registry on 127.0.0.1 and stops it when the test ends.
func New(t testing.TB, opts ...Option) *Registry {
	t.Helper()
	c := &config{users: map[string]string{}, tokenTTL: DefaultTokenLifetime}
	for _, o := range opts {
		o(c)
	}
	r := &Registry{
		mode: c.mode, users: c.users, adminUser: "ocitest-admin", adminPass: randHex(t, 16),
		tokenTTL: c.tokenTTL, issued: map[string]bool{}, revoked: map[string]bool{},
	}
	r.srv = httptest.NewUnstartedServer(nil)
	var app http.Handler = distributionCompat(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	mux := http.NewServeMux()
	if c.mode != AuthNone {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatalf("ocitest: generate key: %v", err)
		}
		r.key, r.kid = priv, randHex(t, 8)
		r.realm = "http://" + r.srv.Listener.Addr().String() + TokenPath
		app = r.requireToken(app)
		mux.HandleFunc(TokenPath, r.serveToken)
	}
	mux.Handle("/v2/", app)
	var h http.Handler = mux
	if c.tagValidators {
		h = tagValidators(h)
	}
	for i := len(c.middleware) - 1; i >= 0; i-- {
		h = c.middleware[i](h)
	}
	r.srv.Config.Handler = r.account(mux, h)
	r.srv.Start()
	t.Cleanup(r.srv.Close)
	return r
}

// Host returns "127.0.0.1:PORT".
func (r *Registry) Host() string { return r.srv.Listener.Addr().String() }

// URL returns "http://127.0.0.1:PORT".
func (r *Registry) URL() string { return r.srv.URL }

// Ref returns "127.0.0.1:PORT/repo".
func (r *Registry) Ref(repo string) string { return r.Host() + "/" + repo }

// Client returns an HTTP client for the registry (plain, no retries).
func (r *Registry) Client() *http.Client { return r.srv.Client() }

func randHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("ocitest: random: %v", err)
	}
	return hex.EncodeToString(b)
}
