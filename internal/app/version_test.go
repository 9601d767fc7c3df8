package app

import (
	"strings"
	"testing"
)

// TestVersion_Flag: `bosun version` prints version, commit and date, and
// `bosun --version` prints the same.
func TestVersion_Flag(t *testing.T) {
	t.Parallel()
	r := runApp(t, nil, "version")
	if r.code != ExitOK || !strings.HasPrefix(r.stdout, "bosun ") {
		t.Fatalf("version: code %d, stdout %q", r.code, r.stdout)
	}
	for _, want := range []string{"\ncommit: ", "\ndate: "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("version output lacks %q: %q", want, r.stdout)
		}
	}
	if f := runApp(t, nil, "--version"); f.code != ExitOK || f.stdout != r.stdout {
		t.Errorf("--version: code %d, stdout %q, want what version prints %q", f.code, f.stdout, r.stdout)
	}
}
