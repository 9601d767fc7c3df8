package app

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// A private Helm repository is reached with registries[].username and the
// password from the environment variable passwordEnv names; the password
// shows nowhere.
func TestPlan_PrivateHelmRepository(t *testing.T) {
	t.Parallel()
	const secret = "S3CRET-from-env"
	u := privateCharts(t, "bosun", secret)
	dir := t.TempDir()
	manifest := appFromPrivate(u.String())
	cfg := fmt.Sprintf("version: 1\nregistries:\n  - host: %s\n    username: bosun\n    passwordEnv: CHARTS_TOKEN\n", u.Host)
	fstree.Write(t, dir, map[string]string{"app.yaml": manifest, "bosun.yaml": cfg})
	res := runApp(t, map[string]string{"CHARTS_TOKEN": secret}, "--log-level", "debug", "plan", "--no-cache", "-o", "json", dir)
	if res.code != ExitOK || !strings.Contains(res.stdout, `"to": "1.1.0"`) {
		t.Fatalf("plan with the token: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout+res.stderr, secret) {
		t.Errorf("the password is shown:\n%s%s", res.stdout, res.stderr)
	}
	// Without the variable the repository refuses, and the run says so.
	res = runApp(t, nil, "plan", "--no-cache", "-o", "json", dir)
	if res.code == ExitOK || !strings.Contains(res.stdout+res.stderr, "401") {
		t.Errorf("plan without the token: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

func TestRegistryLogins_OCI(t *testing.T) {
	t.Parallel()
	cfg := &config.Config{Registries: []config.Registry{
		{Host: "ghcr.io", Mirror: "http://127.0.0.1:5000/ghcr.io", Username: "me", PasswordEnv: "GHCR_PAT"},
		{Host: "quay.io"},
	}}
	env := map[string]string{"GHCR_PAT": "pat"}
	fallback := func(_ context.Context, host string) (auth.Credential, error) {
		return auth.Credential{Username: "docker", Password: host}, nil
	}
	creds := newRegistryLogins(cfg).oci(func(k string) string { return env[k] }, fallback)
	for host, want := range map[string]string{"ghcr.io": "me:pat", "127.0.0.1:5000": "me:pat", "quay.io": "docker:quay.io"} {
		c, err := creds(context.Background(), host)
		if err != nil || c.Username+":"+c.Password != want {
			t.Errorf("%s: %+v, %v; want %s", host, c, err, want)
		}
	}
	if newRegistryLogins(&config.Config{Registries: []config.Registry{{Host: "quay.io"}}}).empty() != true {
		t.Error("a registry without a login counts as a login")
	}
}

// privateCharts serves charts app 1.0.0 and 1.1.0 under /charts to user
// with password only, and returns the repository's URL.
func privateCharts(t *testing.T, user, password string) *url.URL {
	t.Helper()
	srv := helmrepotest.NewWithOptions(t, helmrepotest.Options{Path: "/charts", Username: user, Password: password},
		helmrepotest.Chart{Name: "app", Version: "1.0.0"}, helmrepotest.Chart{Name: "app", Version: "1.1.0"})
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// appFromPrivate is a HelmRepository "private" at repoURL and a HelmRelease
// "app" at chart version 1.0.0 from it.
func appFromPrivate(repoURL string) string {
	return fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: private, namespace: flux-system}
spec: {url: %s}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: app, namespace: default}
spec:
  chart:
    spec: {chart: app, version: 1.0.0, sourceRef: {kind: HelmRepository, name: private, namespace: flux-system}}
`, repoURL)
}
