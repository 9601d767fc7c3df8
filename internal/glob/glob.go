package glob

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Pattern is a compiled glob.
type Pattern struct {
	raw  string
	segs []string // "**" runs collapsed to one
}

// Compile checks pattern and prepares it for matching. Every segment but
// "**" must be valid path.Match syntax. The empty pattern is valid and
// matches only the empty path; Validate rejects it.
func Compile(pattern string) (*Pattern, error) {
	p := &Pattern{raw: pattern}
	for _, seg := range strings.Split(pattern, "/") {
		if seg == "**" {
			if n := len(p.segs); n > 0 && p.segs[n-1] == "**" {
				continue
			}
			p.segs = append(p.segs, seg)
			continue
		}
		if _, err := path.Match(seg, ""); err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", pattern, err)
		}
		p.segs = append(p.segs, seg)
	}
	return p, nil
}

// Validate reports whether pattern is a non-empty valid glob.
func Validate(pattern string) error {
	if pattern == "" {
		return errors.New("empty pattern")
	}
	_, err := Compile(pattern)
	return err
}

// String returns the pattern as written.
func (p *Pattern) String() string { return p.raw }

// Match reports whether the "/"-separated name matches the whole pattern.
func (p *Pattern) Match(name string) bool {
	n := len(p.segs)
	// cur[i]: the first i pattern segments match the path segments read so far.
	cur := make([]bool, n+1)
	next := make([]bool, n+1)
	cur[0] = true
	p.closure(cur)
	for {
		seg, rest, more := strings.Cut(name, "/")
		clear(next)
		alive := false
		for i := range n {
			if !cur[i] {
				continue
			}
			if p.segs[i] == "**" {
				next[i] = true
				alive = true
			} else if ok, _ := path.Match(p.segs[i], seg); ok {
				next[i+1] = true
				alive = true
			}
		}
		if !alive {
			return false
		}
		p.closure(next)
		cur, next = next, cur
		if !more {
			break
		}
		name = rest
	}
	return cur[n]
}

// closure adds the positions reachable by letting a "**" match nothing.
func (p *Pattern) closure(set []bool) {
	for i, s := range p.segs {
		if set[i] && s == "**" {
			set[i+1] = true
		}
	}
}

// Match reports whether name matches pattern; an invalid pattern matches
// nothing. Callers matching one pattern many times should Compile it once.
func Match(pattern, name string) bool {
	p, err := Compile(pattern)
	return err == nil && p.Match(name)
}

// MatchName matches a name without "/" (a namespace, chart or kind) against
// a path.Match pattern; an invalid pattern matches nothing.
func MatchName(pattern, name string) bool {
	ok, err := path.Match(pattern, name)
	return err == nil && ok
}
