package app

import (
	"regexp"
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

// TestVersion_FlagForms: -v prints the version too; --help wins over
// --version; the help lists the flag; the version flag belongs to the root
// command only.
func TestVersion_FlagForms(t *testing.T) {
	t.Parallel()
	want := runApp(t, nil, "version").stdout
	if r := runApp(t, nil, "-v"); r.code != ExitOK || r.stdout != want {
		t.Errorf("-v: code %d, stdout %q, want %q", r.code, r.stdout, want)
	}
	help := runApp(t, nil, "--help")
	if help.code != ExitOK || !regexp.MustCompile(`\n  -v, --version +version for bosun\n`).MatchString(help.stdout) {
		t.Errorf("--help: code %d, stdout %q lacks the version flag", help.code, help.stdout)
	}
	if r := runApp(t, nil, "--version", "--help"); r.code != ExitOK || r.stdout != help.stdout {
		t.Errorf("--version --help: code %d, stdout %q, want the help", r.code, r.stdout)
	}
	if r := runApp(t, nil, "--version=false"); r.code != ExitOK || r.stdout != help.stdout {
		t.Errorf("--version=false: code %d, stdout %q, want the help", r.code, r.stdout)
	}
	if r := runApp(t, nil, "scan", "--version"); r.code != ExitUsage || !strings.Contains(r.stderr, "unknown flag: --version") {
		t.Errorf("scan --version: code %d, stderr %q, want a usage error", r.code, r.stderr)
	}
}
