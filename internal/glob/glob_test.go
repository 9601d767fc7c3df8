package glob

import (
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

func TestMatch(t *testing.T) {
	t.Parallel()
	tabletest.Run2(t, "Match", Match, map[[2]string]bool{
		// ignore globs, as manifest.Options.Ignore uses them
		{"**/secret/**", "a/secret/x.yaml"}:    true,
		{"**/secret/**", "secret/x.yaml"}:      true,
		{"**/secret/**", "a/secrets/x.yaml"}:   false,
		{"*.yaml", "x.yaml"}:                   true,
		{"*.yaml", "a/x.yaml"}:                 false,
		{"**/*.enc.yaml", "a/b/x.enc.yaml"}:    true,
		{"talos/**", "talos/a/b.yaml"}:         true,
		{"talos/*/b.yaml", "talos/a/b.yaml"}:   true,
		{"talos/*/b.yaml", "talos/a/c/b.yaml"}: false,
		{"a/**/b.yaml", "a/b.yaml"}:            true,
		// policy path and source globs: see policy.TestMatchPath
		{"oci://ghcr.io/**", "oci://ghcr.io/bjw-s-labs/helm/app-template"}: true,
		// "**" details
		{"**", ""}:                     true,
		{"**", "a/b/c"}:                true,
		{"**/**/x", "x"}:               true,
		{"a/**/**/b", "a/b"}:           true,
		{"a/**/b/**/c", "a/x/b/y/z/c"}: true,
		{"a/**/b/**/c", "a/x/b/y/z/d"}: false,
		{"a/**", "b"}:                  false,
		{"a**b", "a/b"}:                false,
		{"**/", "a/"}:                  true,
		{"**/", "a"}:                   false,
		{"", ""}:                       true,
		{"", "a"}:                      false,
		{"a", "a/"}:                    false,
		{`\*`, "*"}:                    true,
		{`\*`, "x"}:                    false,
		{"?", "/"}:                     false,
	})
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"a", "**", "**/x/*.yaml", "oci://ghcr.io/**", "[a-z]*"} {
		if err := Validate(p); err != nil {
			t.Errorf("Validate(%q) = %v, want nil", p, err)
		}
	}
	for _, p := range []string{"", "[", "a/[b", `x\`} {
		if err := Validate(p); err == nil {
			t.Errorf("Validate(%q) = nil, want an error", p)
		}
	}
}

func TestMatchName(t *testing.T) {
	t.Parallel()
	if !MatchName("dev-*", "dev-*") || MatchName("dev-?", "dev-al") || MatchName("[", "[") {
		t.Error("MatchName mismatch")
	}
}

// hostile is "**/a/" ten times then "b" against forty "a" segments: a
// backtracking matcher tries every way of splitting forty segments among ten
// "**" (over 10^9), and never finishes.
func hostile() (pattern, name string) {
	return strings.Repeat("**/a/", 10) + "b", strings.TrimSuffix(strings.Repeat("a/", 40), "/")
}

func TestMatch_Hostile(t *testing.T) {
	t.Parallel()
	pattern, name := hostile()
	if Match(pattern, name) {
		t.Errorf("Match(%q, %q) = true, want false", pattern, name)
	}
	if !Match(pattern, name+"/b") {
		t.Errorf("Match(%q, %q/b) = false, want true", pattern, name)
	}
	// The same shape inside one segment is path.Match's job: polynomial too.
	seg := strings.Repeat("*a", 20) + "b"
	if Match(seg, strings.Repeat("a", 200)) {
		t.Errorf("Match(%q, a×200) = true, want false", seg)
	}
}

func BenchmarkMatch_Hostile(b *testing.B) {
	pattern, name := hostile()
	p, err := Compile(pattern)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		p.Match(name)
	}
}
