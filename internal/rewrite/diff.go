package rewrite

import (
	"bytes"
	"fmt"
	"strings"
)

const diffContext = 3

// maxDiffCells bounds the memory of the Myers search (rounds × frontier
// size); beyond it the differing middle is shown as one replacement, still a
// correct diff, just not a minimal one.
const maxDiffCells = 1 << 22

// UnifiedDiff returns a git-style unified diff (a/ and b/ headers, 3 lines of
// context) from before to after, or "" when they are equal. Lines keep their
// bytes, a CR of a CRLF ending included; a missing final newline is marked
// with "\ No newline at end of file".
func UnifiedDiff(path string, before, after []byte) string {
	if bytes.Equal(before, after) {
		return ""
	}
	a, b := splitLines(before), splitLines(after)
	ops := diffLines(a, b)

	var out strings.Builder
	fmt.Fprintf(&out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", path, path, path, path)
	// Group ops into hunks: changes closer than 2*context lines share one.
	for i := 0; i < len(ops); {
		if ops[i].kind == opEqual {
			i++
			continue
		}
		start := max(i-diffContext, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != opEqual {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == opEqual {
				run++
			}
			if run == len(ops) || run-end > 2*diffContext {
				end = min(end+diffContext, run)
				break
			}
			end = run
		}
		writeHunk(&out, a, b, ops[start:end])
		i = end
	}
	return out.String()
}

type opKind byte

const (
	opEqual  opKind = ' '
	opDelete opKind = '-'
	opInsert opKind = '+'
)

// op is one line of the edit script; ai and bi are its 0-based line indexes
// in before and after (the position it would have, for the side it is not in).
type op struct {
	kind   opKind
	ai, bi int
}

func writeHunk(out *strings.Builder, a, b []string, ops []op) {
	var na, nb int
	for _, o := range ops {
		if o.kind != opInsert {
			na++
		}
		if o.kind != opDelete {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%s +%s @@\n", hunkRange(ops[0].ai, na), hunkRange(ops[0].bi, nb))
	for _, o := range ops {
		var line string
		if o.kind == opInsert {
			line = b[o.bi]
		} else {
			line = a[o.ai]
		}
		out.WriteByte(byte(o.kind))
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}

func hunkRange(start, n int) string {
	switch n {
	case 0:
		return fmt.Sprintf("%d,0", start)
	case 1:
		return fmt.Sprintf("%d", start+1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

// splitLines splits after each '\n', keeping it.
func splitLines(b []byte) []string {
	var lines []string
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n') + 1
		if i == 0 {
			i = len(b)
		}
		lines = append(lines, string(b[:i]))
		b = b[i:]
	}
	return lines
}

// diffLines returns an edit script from a to b: common prefix and suffix are
// trimmed, then the middle is diffed with Myers' algorithm.
func diffLines(a, b []string) []op {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []op
	for i := 0; i < pre; i++ {
		ops = append(ops, op{opEqual, i, i})
	}
	for _, o := range myers(a[pre:len(a)-suf], b[pre:len(b)-suf]) {
		ops = append(ops, op{o.kind, o.ai + pre, o.bi + pre})
	}
	for i := 0; i < suf; i++ {
		ops = append(ops, op{opEqual, len(a) - suf + i, len(b) - suf + i})
	}
	return ops
}

// replaceAll is the edit script that deletes all n old lines and inserts
// all m new ones.
func replaceAll(n, m int) []op {
	var ops []op
	for i := 0; i < n; i++ {
		ops = append(ops, op{opDelete, i, 0})
	}
	for j := 0; j < m; j++ {
		ops = append(ops, op{opInsert, n, j})
	}
	return ops
}

// myers is the greedy O(ND) shortest edit script, keeping each round's
// frontier for the backtrack.
func myers(a, b []string) []op {
	n, m := len(a), len(b)
	if n == 0 || m == 0 {
		return replaceAll(n, m)
	}
	offset := n + m
	v := make([]int, 2*offset+2)
	var trace [][]int
	found := false
	for d := 0; d <= n+m && (d+1)*len(v) <= maxDiffCells; d++ {
		trace = append(trace, append([]int(nil), v...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[offset+k-1] < v[offset+k+1]) {
				x = v[offset+k+1]
			} else {
				x = v[offset+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[offset+k] = x
			if x >= n && y >= m {
				found = true
				break
			}
		}
		if found {
			break
		}
	}
	if !found {
		return replaceAll(n, m)
	}
	// Backtrack from (n, m) through the saved frontiers.
	var rev []op
	x, y := n, m
	for d := len(trace) - 1; d > 0; d-- {
		vp := trace[d]
		k := x - y
		var pk int
		if k == -d || (k != d && vp[offset+k-1] < vp[offset+k+1]) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		px := vp[offset+pk]
		py := px - pk
		for x > px && y > py {
			x, y = x-1, y-1
			rev = append(rev, op{opEqual, x, y})
		}
		if x == px {
			y--
			rev = append(rev, op{opInsert, x, y})
		} else {
			x--
			rev = append(rev, op{opDelete, x, y})
		}
	}
	for x > 0 && y > 0 {
		x, y = x-1, y-1
		rev = append(rev, op{opEqual, x, y})
	}
	ops := make([]op, len(rev))
	for i, o := range rev {
		ops[len(rev)-1-i] = o
	}
	return ops
}
