package policy

import (
	"fmt"
	"path"
	"strings"
)

// ValidateGlob reports whether pattern is a valid glob (path.Match syntax,
// plus "**" as a whole path segment).
func ValidateGlob(pattern string) error {
	if pattern == "" {
		return fmt.Errorf("empty pattern")
	}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return fmt.Errorf("bad pattern %q: %w", pattern, err)
		}
	}
	return nil
}

// MatchPath matches a "/"-separated path (a file path or a URL) against a
// glob with doublestar semantics: "*", "?" and "[...]" match within one
// segment, and a "**" segment matches any number of segments, zero included
// (".archive/**" matches ".archive/a/b.yaml"; "**/x.yaml" matches "x.yaml").
// An invalid pattern matches nothing.
func MatchPath(pattern, name string) bool {
	return matchSegs(strings.Split(pattern, "/"), strings.Split(name, "/"))
}

func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for len(pat) > 1 && pat[1] == "**" {
				pat = pat[1:]
			}
			if len(pat) == 1 {
				return true
			}
			for i := 0; i <= len(name); i++ {
				if matchSegs(pat[1:], name[i:]) {
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

// MatchName matches a name without "/" (a namespace, chart or kind) against
// a path.Match glob. An invalid pattern matches nothing.
func MatchName(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
