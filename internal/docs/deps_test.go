package docs

import (
	"os/exec"
	"path/filepath"
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

// TestDeps_NoReflectMethod keeps the linker's method dead-code elimination:
// when any reachable function calls reflect's Method or MethodByName (the
// linker marks it <ReflectMethod>), every exported method of every type
// converted to an interface stays in the binary, which made it a third
// larger. text/template's Execute is such a function (it looks methods up
// by name), hence internal/texttemplate; slim-sprig's functions, linked in
// for ResourceSet templates, are covered by the same build.
func TestDeps_NoReflectMethod(t *testing.T) {
	if testing.Short() {
		t.Skip("links the bosun binary")
	}
	t.Parallel()
	cmd := exec.Command("go", "build", "-ldflags=-dumpdep", "-o", filepath.Join(t.TempDir(), "bosun"), "./cmd/bosun")
	cmd.Dir = root(t)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go build -ldflags=-dumpdep: %v\n%.2000s", err, out)
	}
	edges, flagged := reflectMethodFuncs(string(out))
	if edges == 0 {
		t.Fatalf("go build -ldflags=-dumpdep printed no dependency edges; the check would pass blindly:\n%.2000s", out)
	}
	for _, f := range flagged {
		t.Errorf("%s is marked <ReflectMethod> (reached by %s): it calls reflect's Method or MethodByName, so the linker keeps every exported method", f.name, f.from)
	}
}

// flaggedFunc is a function the linker marked <ReflectMethod>, with one
// function that reaches it.
type flaggedFunc struct{ name, from string }

// reflectMethodFuncs reads the linker's -dumpdep output ("from -> to"
// lines, a name followed by <ReflectMethod> when the linker marked it) and
// returns how many edges it holds and the marked functions, sorted.
func reflectMethodFuncs(dump string) (int, []flaggedFunc) {
	edges := 0
	from := map[string]string{}
	for _, line := range strings.Split(dump, "\n") {
		src, dst, ok := strings.Cut(line, " -> ")
		if !ok {
			continue
		}
		edges++
		srcName, srcFlagged := strings.CutSuffix(src, " <ReflectMethod>")
		if dstName, dstFlagged := strings.CutSuffix(dst, " <ReflectMethod>"); dstFlagged {
			if caller, seen := from[dstName]; !seen || caller == "" {
				from[dstName] = srcName
			}
		}
		if _, seen := from[srcName]; srcFlagged && !seen {
			from[srcName] = "" // no edge into it seen yet
		}
	}
	var flagged []flaggedFunc
	for name, caller := range from {
		if caller == "" {
			caller = "an unknown root"
		}
		flagged = append(flagged, flaggedFunc{name, caller})
	}
	slices.SortFunc(flagged, func(a, b flaggedFunc) int { return strings.Compare(a.name, b.name) })
	return edges, flagged
}
