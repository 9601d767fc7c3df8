package glob

import (
	"path"
	"strings"
	"testing"
)

// backtrack is the recursive matcher glob replaced (exponential on some
// patterns), kept as the reference for what Match must answer.
func backtrack(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 1 && pat[1] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 1 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if backtrack(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		ok, err := path.Match(pat[0], name[0])
		if err != nil || !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// FuzzMatch checks that Match agrees with the backtracking matcher on
// every valid pattern small enough for the latter to finish.
func FuzzMatch(f *testing.F) {
	f.Add("**/secret/**", "a/secret/x.yaml")
	f.Add("a/**/b.yaml", "a/b.yaml")
	f.Add(".archive/**", ".archive")
	f.Add("oci://ghcr.io/**", "oci://ghcr.io/x/y")
	f.Add("**/a/**/a/b", "a/a/a/b")
	f.Add("*/[a-c]?/**/", "x/ba/y/")
	f.Fuzz(func(t *testing.T, pattern, name string) {
		if strings.Count(pattern, "**") > 4 || strings.Count(name, "/") > 12 || len(pattern) > 64 {
			return
		}
		p, err := Compile(pattern)
		if err != nil {
			return
		}
		want := backtrack(strings.Split(pattern, "/"), strings.Split(name, "/"))
		if got := p.Match(name); got != want {
			t.Errorf("Match(%q, %q) = %v, backtracking matcher says %v", pattern, name, got, want)
		}
	})
}
