package docs

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDeps_NoClientGo keeps helm's heavy packages out of the binary: only
// pkg/chart, pkg/chart/loader and pkg/registry may be imported (the rest
// pulls in client-go: 856 packages, a slow build and a 70 MB binary).
func TestDeps_NoClientGo(t *testing.T) {
	t.Parallel()
	cmd := exec.Command("go", "list", "-deps", "./cmd/bosun")
	cmd.Dir = root(t)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.HasPrefix(p, "k8s.io/client-go") || strings.HasPrefix(p, "k8s.io/apimachinery") {
			t.Errorf("%s is in the bosun binary's dependencies: a helm package other than pkg/chart, pkg/chart/loader or pkg/registry is imported", p)
		}
		if strings.HasPrefix(p, "helm.sh/helm/v3/pkg/") {
			switch p {
			case "helm.sh/helm/v3/pkg/chart", "helm.sh/helm/v3/pkg/chart/loader", "helm.sh/helm/v3/pkg/registry":
			default:
				t.Errorf("helm package %s is imported; only pkg/chart, pkg/chart/loader and pkg/registry are allowed", p)
			}
		}
	}
}
