package ocirepo

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"

	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
)

// sharedScopes lets one bearer token serve every repository a run looks
// up on a registry. A token request may name several scopes, and the token
// server grants what it permits of each, so asking once for the pull scope
// of every expected repository of a host replaces one token exchange (and
// the 401 that prompts it) per repository. oras-go's token cache is keyed
// by the scopes a request carries: giving every request to the host the
// same full list makes them share the one token.
//
// The first lookup on a host starts alone, so that the concurrent first
// requests do not each meet a 401 before the token exists. The others
// start as soon as that lookup's token is cached, or its first request
// has an answer other than a 401 (a registry that asks for no token), or
// it ends: never later, so a slow or hanging repository holds back no
// other. A registry that refuses the combined request loses sharing for
// the rest of the run before the others start; one that grants a token
// some repository cannot use loses it at the first lookup that fails.
// Either way the failing lookup is retried at once with its own scope
// alone.
type sharedScopes struct {
	mu    sync.Mutex
	hosts map[string]*hostScopes
}

type hostScopes struct {
	scopes   []string
	disabled atomic.Bool
	started  atomic.Bool
	primed   chan struct{} // closed once the first caller has its token or an answer (primer)
}

// primerKey is the context key under which the first lookup on a host
// carries the function that lets the others start.
type primerKey struct{}

// prime lets the other lookups of ctx's host start, when ctx is the first
// lookup's; it does nothing otherwise, and nothing the second time.
func prime(ctx context.Context) {
	if f, ok := ctx.Value(primerKey{}).(func()); ok {
		f()
	}
}

// primingCache is the Source's token cache: a token stored for the first
// lookup on a host lets the others start, since they can use it at once.
type primingCache struct{ auth.Cache }

func (c primingCache) Set(ctx context.Context, registry string, scheme auth.Scheme, key string, fetch func(context.Context) (string, error)) (string, error) {
	token, err := c.Cache.Set(ctx, registry, scheme, key, fetch)
	if err == nil {
		prime(ctx)
	}
	return token, err
}

// primingClient is the Source's registry client: an answer other than a
// 401 to the first lookup on a host means the registry has either accepted
// its token or asks for none, so the others may start.
type primingClient struct{ *auth.Client }

func (c primingClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.Client.Do(req)
	if err == nil && resp.StatusCode != http.StatusUnauthorized {
		prime(req.Context())
	}
	return resp, err
}

// Expect records the chart sources the run will look up. Sharing applies
// to hosts with more than one expected repository; sources added later
// are looked up with their own scope. Call it once, before the lookups.
func (s *Source) Expect(srcs []chart.Source) {
	byHost := map[string][]string{}
	for _, src := range srcs {
		if src.Kind != chart.SourceOCI {
			continue
		}
		t, err := Resolve(s.opts.Hosts, src)
		if err != nil {
			continue
		}
		byHost[t.Ref.Host()] = append(byHost[t.Ref.Host()], auth.ScopeRepository(t.Ref.Repository, auth.ActionPull))
	}
	s.shared.mu.Lock()
	defer s.shared.mu.Unlock()
	s.shared.hosts = map[string]*hostScopes{}
	for host, scopes := range byHost {
		scopes = auth.CleanScopes(scopes)
		if len(scopes) < 2 {
			continue
		}
		s.shared.hosts[host] = &hostScopes{scopes: slices.Clip(scopes), primed: make(chan struct{})}
	}
}

func (ss *sharedScopes) host(host string) *hostScopes {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.hosts[host]
}

// withShared runs call with the host's shared scopes, when sharing applies
// to t, and again with t's own scope when the shared attempt fails for a
// reason other than a missing repository or a passing fault.
func (s *Source) withShared(ctx context.Context, t target, call func(context.Context) error) error {
	h := s.shared.host(t.Ref.Host())
	if h == nil {
		return call(ctx)
	}
	if h.started.CompareAndSwap(false, true) {
		// started admits exactly one first caller: its primer (or its
		// return, whichever comes first) closes primed.
		release := sync.OnceFunc(func() { close(h.primed) })
		defer release()
		ctx = context.WithValue(ctx, primerKey{}, release)
	} else {
		select {
		case <-h.primed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if h.disabled.Load() {
		return call(ctx)
	}
	err := call(auth.WithScopesForHost(ctx, t.Ref.Host(), h.scopes...))
	if err == nil || ctx.Err() != nil {
		return err
	}
	if transient, kind := classify(err); transient || errors.Is(kind, datasource.ErrNotFound) {
		return err
	}
	if h.disabled.CompareAndSwap(false, true) {
		s.log.Debug("registry refused a token for several repositories; one token per repository from now on",
			"registry", t.Ref.Host(), "err", httpx.ScrubError(err))
	}
	return call(ctx)
}
