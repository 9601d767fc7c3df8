package docs

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// binaryDeps returns every package linked into the bosun binary, each with
// the packages it imports.
func binaryDeps(t *testing.T) map[string][]string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "./cmd/bosun")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		deps[f[0]] = f[1:]
	}
	return deps
}

// TestDeps_NoClientGo keeps helm's heavy packages out of the binary: only
// pkg/chart, pkg/chart/loader and pkg/registry may be imported (the rest
// pulls in client-go: 856 packages, a slow build and a 70 MB binary).
func TestDeps_NoClientGo(t *testing.T) {
	t.Parallel()
	for p := range binaryDeps(t) {
		if strings.HasPrefix(p, "k8s.io/client-go") || strings.HasPrefix(p, "k8s.io/apimachinery") {
			t.Errorf("%s is in the bosun binary's dependencies: a helm package other than pkg/chart, pkg/chart/loader or pkg/registry is imported", p)
		}
		if strings.HasPrefix(p, "helm.sh/helm/v3/pkg/") {
			switch p {
			case "helm.sh/helm/v3/pkg/chart", "helm.sh/helm/v3/pkg/chart/loader", "helm.sh/helm/v3/pkg/registry",
				"helm.sh/helm/v3/pkg/ignore": // .helmignore rules, imported by pkg/chart/loader
			default:
				t.Errorf("helm package %s is imported; only pkg/chart, pkg/chart/loader and pkg/registry are allowed", p)
			}
		}
	}
}

// TestDeps_NoTestSupport keeps test code out of the binary: neither the
// testing package, nor net/http/httptest, nor bosun's test helpers
// (internal/testutil/...) may be linked in.
func TestDeps_NoTestSupport(t *testing.T) {
	t.Parallel()
	const module = "github.com/bosunhq/bosun/"
	for p, imports := range binaryDeps(t) {
		if p == "testing" || strings.HasPrefix(p, "testing/") {
			t.Errorf("%s is in the bosun binary's dependencies", p)
		}
		if p == "net/http/httptest" {
			t.Errorf("%s is in the bosun binary's dependencies", p)
		}
		if strings.HasPrefix(p, module+"internal/testutil/") {
			t.Errorf("test helper %s is in the bosun binary's dependencies", p)
		}
		for _, forbidden := range []string{"testing", "net/http/httptest"} {
			if slices.Contains(imports, forbidden) {
				t.Errorf("%s imports %s and is in the bosun binary", p, forbidden)
			}
		}
	}
}
