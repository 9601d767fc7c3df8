package corpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the corpus directory: $BOSUN_CORPUS, else
// <repository root>/../shared/corpus. It calls t.Skip when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("BOSUN_CORPUS")
	if dir == "" {
		_, file, _, ok := runtime.Caller(0)
		if !ok {
			t.Skip("corpus: cannot locate the source tree; set BOSUN_CORPUS")
		}
		// file is <root>/internal/testutil/corpus/corpus.go
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		dir = filepath.Join(root, "..", "shared", "corpus")
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("corpus not found at %s (set BOSUN_CORPUS to the corpus directory)", dir)
	}
	return dir
}

// Repo returns the directory of one corpus repository ("onedr0p__home-ops"),
// skipping the test when it is absent.
func Repo(t testing.TB, name string) string {
	t.Helper()
	dir := filepath.Join(Dir(t), name)
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		t.Skipf("corpus repository %s not found at %s", name, dir)
	}
	return dir
}

// HomeOps are the corpus repositories of two real home-ops setups that
// tests run whole.
var HomeOps = []string{"onedr0p__home-ops", "xunholy__k8s-gitops"}

// EachRepo runs f on each repository of names, in a parallel subtest named
// after it; a repository that is absent skips its subtest.
func EachRepo(t *testing.T, names []string, f func(t *testing.T, name, dir string)) {
	t.Helper()
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f(t, name, Repo(t, name))
		})
	}
}
