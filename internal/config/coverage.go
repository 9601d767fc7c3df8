package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/glob"
)

// Warning is a doubt about the file that does not stop bosun, such as a
// rule that matches nothing in the repository.
type Warning struct {
	File string
	Line int // 0 when unknown
	// Path is the key path ("rules[1].match.namespaces[0]").
	Path string
	Msg  string
}

func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("%s:%d: warning: %s: %s", w.File, w.Line, w.Path, w.Msg)
	}
	return fmt.Sprintf("%s: warning: %s: %s", w.File, w.Path, w.Msg)
}

// Name returns the file name used in messages.
func (c *Config) Name() string {
	if c.name == "" {
		return "config"
	}
	return c.name
}

// Line returns the line of a key path ("pullRequests.titleTemplate"), or of
// its nearest parent that has one; 0 when the file does not set it.
func (c *Config) Line(path string) int { return c.at(path) }

// matchList is one list of globs of a rule's match, and the values of a
// reference it is matched against.
type matchList struct {
	key    string // "namespaces"
	noun   string // "namespace"
	isPath bool   // globs are path globs ("**"), not name globs
	globs  func(Match) []string
	values func(chart.Ref) []string
}

func matchLists() []matchList {
	return []matchList{
		{key: "namespaces", noun: "namespace", globs: func(m Match) []string { return m.Namespaces },
			values: func(r chart.Ref) []string { return r.Namespaces }},
		{key: "charts", noun: "chart", globs: func(m Match) []string { return m.Charts },
			values: func(r chart.Ref) []string { return []string{r.Chart} }},
		{key: "paths", noun: "file", isPath: true, globs: func(m Match) []string { return m.Paths },
			values: func(r chart.Ref) []string { return []string{r.Loc.File} }},
		{key: "clusters", noun: "cluster", isPath: true, globs: func(m Match) []string { return m.Clusters },
			values: refClusters},
	}
}

// refClusters returns the clusters a reference lands in.
func refClusters(r chart.Ref) []string {
	out := make([]string, 0, len(r.Clusters))
	for _, p := range r.Clusters {
		out = append(out, p.Cluster)
	}
	return out
}

// matcher compiles pattern once; an invalid pattern matches nothing.
func (l matchList) matcher(pattern string) func(string) bool {
	if !l.isPath {
		return func(v string) bool { return glob.MatchName(pattern, v) }
	}
	p, err := glob.Compile(pattern)
	if err != nil {
		return func(string) bool { return false }
	}
	return p.Match
}

// matchesAny reports whether pattern matches one of values.
func (l matchList) matchesAny(pattern string, values []string) bool {
	return slices.ContainsFunc(values, l.matcher(pattern))
}

// Unmatched checks the rules against the references of a repository: each
// namespace, chart, path and cluster glob that matches no reference is a
// warning, with a close value that would ("did you mean"), and so is a rule
// whose globs each match something but never all on one reference.
func (c *Config) Unmatched(refs []chart.Ref) []Warning {
	if len(c.Rules) == 0 {
		return nil
	}
	if len(refs) == 0 {
		return []Warning{{File: c.Name(), Line: c.at("rules"), Path: "rules", Msg: "the repository holds no chart references, so no rule matches anything"}}
	}
	lists := matchLists()
	values := make([][]string, len(lists))
	cands := make([][]string, len(lists)) // what a suggestion may start with
	for i, l := range lists {
		values[i] = distinctValues(refs, l.values)
		cands[i] = values[i]
		if l.isPath {
			cands[i] = withParentDirs(values[i])
		}
	}
	var out []Warning
	for ri, rule := range c.Rules {
		warned := false
		compiled := make([][]func(string) bool, len(lists)) // the rule's globs, per list
		for li, l := range lists {
			for gi, g := range l.globs(rule.Match) {
				m := l.matcher(g)
				compiled[li] = append(compiled[li], m)
				if slices.ContainsFunc(values[li], m) {
					continue
				}
				path := fmt.Sprintf("rules[%d].match.%s[%d]", ri, l.key, gi)
				out = append(out, Warning{File: c.Name(), Line: c.at(path), Path: path,
					Msg: fmt.Sprintf("%q matches no %s of any reference%s", g, l.noun, didYouMean(l, g, values[li], cands[li]))})
				warned = true
			}
		}
		if !warned && !slices.ContainsFunc(refs, func(r chart.Ref) bool { return matchesAll(lists, compiled, r) }) {
			path := fmt.Sprintf("rules[%d].match", ri)
			out = append(out, Warning{File: c.Name(), Line: c.at(path), Path: path,
				Msg: "each list matches some reference, but no reference matches them all"})
		}
	}
	return out
}

// matchesAll reports whether r matches every non-empty list of a rule's
// match, compiled (one matcher per glob, per list of lists); it ignores
// sources, kinds and update types, so it never claims too little.
func matchesAll(lists []matchList, compiled [][]func(string) bool, r chart.Ref) bool {
	for li, ms := range compiled {
		if len(ms) == 0 {
			continue
		}
		vs := lists[li].values(r)
		if !slices.ContainsFunc(ms, func(m func(string) bool) bool { return slices.ContainsFunc(vs, m) }) {
			return false
		}
	}
	return true
}

func distinctValues(refs []chart.Ref, of func(chart.Ref) []string) []string {
	var out []string
	for _, r := range refs {
		for _, v := range of(r) {
			if v != "" {
				out = append(out, v)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// didYouMean proposes a glob close to pattern (at most two edits in its
// literal part) that matches one of values, or lists the values in use
// when there are few.
func didYouMean(l matchList, pattern string, values, cands []string) string {
	if s := closest(l, pattern, values, cands); s != "" {
		return fmt.Sprintf(" (did you mean %q?)", s)
	}
	if !l.isPath && len(values) <= 10 {
		return fmt.Sprintf(" (%ss in use: %s)", l.noun, strings.Join(values, ", "))
	}
	return ""
}

// closest returns the glob nearest to pattern that matches one of values,
// made of a candidate (a value or a prefix of one) and pattern's wildcard
// part, or "".
func closest(l matchList, pattern string, values, cands []string) string {
	cut := strings.IndexAny(pattern, "*?[{\\")
	if cut < 0 {
		cut = len(pattern)
	}
	lit, rest := pattern[:cut], pattern[cut:]
	maxD := min(2, len(lit)/3)
	if maxD == 0 || len(lit) > maxSuggestLen {
		return ""
	}
	seen := map[string]bool{}
	best, bestD := "", maxD+1
	for _, c := range cands {
		lo, hi := prefixLengths(len(lit), len(c), rest == "")
		for n := lo; n <= hi; n++ {
			p := c[:n]
			if seen[p] {
				continue
			}
			seen[p] = true
			d := distanceWithin(lit, p, maxD)
			proposal := p + rest
			if d == 0 || d > bestD || (d == bestD && proposal >= best) || proposal == pattern {
				continue
			}
			if l.matchesAny(proposal, values) {
				best, bestD = proposal, d
			}
		}
	}
	return best
}

// maxSuggestLen bounds the literal part of a glob worth a suggestion: no
// namespace, chart or path is longer.
const maxSuggestLen = 512

// distanceWithin is the edit distance of a and b when it is at most k, else
// k+1; it fills only the band of the table within k of the diagonal.
func distanceWithin(a, b string, k int) int {
	if abs(len(a)-len(b)) > k {
		return k + 1
	}
	far := k + 1
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = min(j, far)
	}
	for i := 1; i <= len(a); i++ {
		for j := range cur {
			cur[j] = far
		}
		if i <= k {
			cur[0] = i
		}
		for j := max(1, i-k); j <= min(len(b), i+k); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost, far)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// prefixLengths gives the range of prefix lengths of a candidate of length m worth
// comparing with a literal of length n: the whole candidate when the glob
// has no wildcard part, else prefixes within two of n.
func prefixLengths(n, m int, whole bool) (lo, hi int) {
	if whole {
		return m, m
	}
	return max(1, n-2), min(m, n+2)
}

// withParentDirs adds every directory holding a file of paths ("apps/",
// "apps/db/") to them.
func withParentDirs(paths []string) []string {
	out := slices.Clone(paths)
	for _, p := range paths {
		for i := range len(p) {
			if p[i] == '/' {
				out = append(out, p[:i+1])
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
