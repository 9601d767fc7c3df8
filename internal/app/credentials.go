package app

import (
	"context"
	"strings"

	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource"
)

// registryLogins are the registries[] entries that log in with a username
// and a password read from the environment: the one documented way to reach
// a private Helm repository or OCI registry (besides a docker config).
type registryLogins struct {
	hosts  datasource.Hosts // the entries with a login, for longest-match
	logins map[string]login // by Host.Match
}

type login struct{ user, passEnv string }

func newRegistryLogins(cfg *config.Config) registryLogins {
	rl := registryLogins{logins: map[string]login{}}
	for _, r := range cfg.Registries {
		if r.Username == "" || r.PasswordEnv == "" {
			continue
		}
		rl.hosts = append(rl.hosts, datasource.Host{Match: r.Host, Mirror: r.Mirror})
		rl.logins[r.Host] = login{user: r.Username, passEnv: r.PasswordEnv}
	}
	return rl
}

func (rl registryLogins) empty() bool { return len(rl.hosts) == 0 }

// helm returns HTTP Basic credentials for a Helm repository URL: the login
// of the longest registries[] match.
func (rl registryLogins) helm(getenv func(string) string) func(url string) (string, string, bool) {
	return func(url string) (string, string, bool) {
		ep := rl.hosts.Resolve(url)
		l, ok := rl.logins[ep.Host.Match]
		if !ok {
			return "", "", false
		}
		pass := getenv(l.passEnv)
		return l.user, pass, pass != ""
	}
}

// oci returns credentials for a contacted registry host: a registries[]
// login whose host (or mirror's host) it is, else fallback (the docker
// config and GITHUB_TOKEN).
func (rl registryLogins) oci(getenv func(string) string, fallback auth.CredentialFunc) auth.CredentialFunc {
	return func(ctx context.Context, hostport string) (auth.Credential, error) {
		for _, h := range rl.hosts {
			if strings.EqualFold(chart.Source{URL: h.Match}.Host(), hostport) ||
				(h.Mirror != "" && strings.EqualFold(chart.Source{URL: h.Mirror}.Host(), hostport)) {
				l := rl.logins[h.Match]
				if pass := getenv(l.passEnv); pass != "" {
					return auth.Credential{Username: l.user, Password: pass}, nil
				}
			}
		}
		if fallback == nil {
			return auth.EmptyCredential, nil
		}
		return fallback(ctx, hostport)
	}
}
