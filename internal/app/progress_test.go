package app

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// TestPlan_ProgressKeepsOneToken: drawing progress must not cost the run
// its shared registry token. The status line wraps the lookup, and the
// pipeline's list of sources (which makes one token serve them all) has to
// reach the lookup through it: with three charts on one registry that
// wants a token, a plan on a terminal asks for one token, as without one.
func TestPlan_ProgressKeepsOneToken(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{false, true} {
		r := ocitest.New(t)
		dir := t.TempDir()
		writeFile := func(name, body string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		writeFile("bosun.yaml", fmt.Sprintf("version: 1\nregistries:\n  - host: %s\n    insecure: true\n", r.Host()))
		writeFile("repository.yaml", fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: apps}
spec: {type: oci, url: "oci://%s/charts"}
`, r.Host()))
		for _, name := range []string{"alpha", "bravo", "charlie"} {
			r.PushChart(t, "charts/"+name, name, "1.0.0", fixedNow.Add(-60*24*time.Hour), "")
			r.PushChart(t, "charts/"+name, name, "1.1.0", fixedNow.Add(-30*24*time.Hour), "")
			writeFile(name+".yaml", fmt.Sprintf(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: %[1]s, namespace: apps}
spec:
  chart:
    spec:
      chart: %[1]s
      version: 1.0.0
      sourceRef: {kind: HelmRepository, name: charts}
`, name))
		}
		res := runAppTerm(t, nil, terminal, "plan", "--no-cache", dir)
		if res.code != ExitOK {
			t.Fatalf("terminal %v: exit %d\n%s", terminal, res.code, res.stderr)
		}
		if n := strings.Count(res.stdout, "1.1.0"); n < 3 {
			t.Fatalf("terminal %v: %d updates to 1.1.0 in the plan, want 3:\n%s", terminal, n, res.stdout)
		}
		if terminal && progressRE.FindString(res.stderr) == "" {
			t.Fatalf("no progress drawn on a terminal:\n%q", res.stderr)
		}
		tokens, challenges := 0, 0
		for _, q := range r.Requests() {
			switch {
			case q.Kind == ocitest.KindToken && q.Repo == "charts/alpha":
				tokens++
			case q.Kind != ocitest.KindToken && q.Status == http.StatusUnauthorized:
				challenges++
			}
		}
		if tokens != 1 || challenges != 1 {
			t.Errorf("terminal %v: %d token requests, %d challenges; want 1 and 1", terminal, tokens, challenges)
		}
	}
}
