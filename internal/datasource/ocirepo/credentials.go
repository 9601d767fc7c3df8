package ocirepo

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"

	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
)

// GitHubRegistry is the host GITHUB_TOKEN is offered to.
const GitHubRegistry = "ghcr.io"

// gitHubUser is the username sent with GITHUB_TOKEN; GHCR accepts any
// non-empty name with a token.
const gitHubUser = "bosun"

// DockerCredentials returns credentials for a contacted registry host, read
// the way `docker login` and `helm registry login` store them: the config
// file $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json (a missing
// file means no credentials), consulting credHelpers, credsStore and auths in
// that order. For ghcr.io without stored credentials, a non-empty
// GITHUB_TOKEN is used as the password. getenv reads the environment (nil
// means no variables are set). The error reports a malformed config file.
func DockerCredentials(getenv func(string) string) (auth.CredentialFunc, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	var store credentials.Store
	dir := getenv("DOCKER_CONFIG")
	if dir == "" {
		if home := getenv("HOME"); home != "" {
			dir = filepath.Join(home, ".docker")
		}
	}
	if dir != "" {
		path := filepath.Join(dir, "config.json")
		ds, err := credentials.NewStore(path, credentials.StoreOptions{})
		if err != nil {
			return nil, fmt.Errorf("docker config %s: %w", path, err)
		}
		store = ds
	}
	ghToken := getenv("GITHUB_TOKEN")
	return func(ctx context.Context, hostport string) (auth.Credential, error) {
		if store != nil {
			cred, err := credentials.Credential(store)(ctx, hostport)
			if err != nil {
				// Helper errors name the helper and host, never the secret.
				return auth.EmptyCredential, fmt.Errorf("credentials for %s: %w", hostport, err)
			}
			if cred != auth.EmptyCredential {
				return cred, nil
			}
		}
		if hostport == GitHubRegistry && ghToken != "" {
			return auth.Credential{Username: gitHubUser, Password: ghToken}, nil
		}
		return auth.EmptyCredential, nil
	}, nil
}

// memoCredential resolves each host's credential once (per Source) and
// shares it: a credential helper runs once per host, not once per token.
// Failures are not remembered.
func memoCredential(f auth.CredentialFunc) auth.CredentialFunc {
	if f == nil {
		return nil
	}
	var (
		mu   sync.Mutex
		seen = map[string]auth.Credential{}
	)
	return func(ctx context.Context, host string) (auth.Credential, error) {
		mu.Lock()
		c, ok := seen[host]
		mu.Unlock()
		if ok {
			return c, nil
		}
		c, err := f(ctx, host)
		if err != nil {
			return c, err
		}
		mu.Lock()
		seen[host] = c
		mu.Unlock()
		return c, nil
	}
}
