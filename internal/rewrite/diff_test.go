package rewrite

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestUnifiedDiff(t *testing.T) {
	t.Parallel()
	lines := func(n int) string {
		var b strings.Builder
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&b, "l%d\n", i)
		}
		return b.String()
	}
	tests := []struct {
		name, before, after, want string
	}{
		{name: "equal", before: "a\n", after: "a\n", want: ""},
		{
			name:   "one line, context clipped at the start",
			before: "a: 1\nversion: 1.2.3\nb: 2\n",
			after:  "a: 1\nversion: 1.3.0\nb: 2\n",
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -1,3 +1,3 @@\n a: 1\n-version: 1.2.3\n+version: 1.3.0\n b: 2\n",
		},
		{
			name:   "three lines of context",
			before: lines(10),
			after:  strings.Replace(lines(10), "l5\n", "L5\n", 1),
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-l5\n+L5\n l6\n l7\n l8\n",
		},
		{
			name:   "distant changes make two hunks",
			before: lines(20),
			after:  strings.NewReplacer("l2\n", "L2\n", "l18\n", "L18\n").Replace(lines(20)),
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n l4\n l5\n" +
				"@@ -15,6 +15,6 @@\n l15\n l16\n l17\n-l18\n+L18\n l19\n l20\n",
		},
		{
			name:   "changes six lines apart share a hunk",
			before: lines(12),
			after:  strings.NewReplacer("l3\n", "L3\n", "l10\n", "L10\n").Replace(lines(12)),
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -1,12 +1,12 @@\n l1\n l2\n-l3\n+L3\n l4\n l5\n l6\n l7\n l8\n l9\n-l10\n+L10\n l11\n l12\n",
		},
		{
			name:   "CRLF kept",
			before: "a: 1\r\nv: 1\r\n",
			after:  "a: 1\r\nv: 2\r\n",
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -1,2 +1,2 @@\n a: 1\r\n-v: 1\r\n+v: 2\r\n",
		},
		{
			name:   "no newline at end of file",
			before: "a: 1\nv: 1",
			after:  "a: 1\nv: 2",
			want: "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n" +
				"@@ -1,2 +1,2 @@\n a: 1\n-v: 1\n\\ No newline at end of file\n+v: 2\n\\ No newline at end of file\n",
		},
		{
			name:   "from empty",
			before: "",
			after:  "a\n",
			want:   "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n@@ -0,0 +1 @@\n+a\n",
		},
		{
			name:   "to empty",
			before: "a\nb\n",
			after:  "",
			want:   "diff --git a/f.yaml b/f.yaml\n--- a/f.yaml\n+++ b/f.yaml\n@@ -1,2 +0,0 @@\n-a\n-b\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := UnifiedDiff("f.yaml", []byte(tt.before), []byte(tt.after))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UnifiedDiff() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// Random line edits: applying the diff's hunks to before must give after,
// and the number of changed lines must be minimal for small inputs.
func TestUnifiedDiff_Patch(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	randLines := func() string {
		var b strings.Builder
		for n := r.IntN(25); n > 0; n-- {
			b.WriteString(string(rune('a'+r.IntN(4))) + "\n")
		}
		if r.IntN(4) == 0 {
			b.WriteString("z")
		}
		return b.String()
	}
	for i := 0; i < 500; i++ {
		before, after := randLines(), randLines()
		d := UnifiedDiff("f", []byte(before), []byte(after))
		got, err := applyUnified(before, d)
		if err != nil {
			t.Fatalf("case %d: %v\nbefore %q\nafter %q\ndiff:\n%s", i, err, before, after, d)
		}
		if got != after {
			t.Fatalf("case %d: patched = %q, want %q\ndiff:\n%s", i, got, after, d)
		}
		if want := len(splitLines([]byte(before))) + len(splitLines([]byte(after))) - 2*lcs(splitLines([]byte(before)), splitLines([]byte(after))); countChanges(d) != want {
			t.Fatalf("case %d: %d changed lines, minimal is %d\n%s", i, countChanges(d), want, d)
		}
	}
}

func countChanges(d string) int {
	n := 0
	for _, l := range strings.Split(d, "\n") {
		if (strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "---")) || (strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++")) {
			n++
		}
	}
	return n
}

func lcs(a, b []string) int {
	dp := make([][]int, len(a)+1)
	for i := range dp {
		dp[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	return dp[0][0]
}

// applyUnified is a small patch(1) for the diffs UnifiedDiff writes.
func applyUnified(before, d string) (string, error) {
	if d == "" {
		return before, nil
	}
	src := splitLines([]byte(before))
	var out []string
	pos := 0
	body := d[strings.Index(d, "\n@@")+1:]
	// Split into records: each '+', '-' or ' ' line with its own newline, and
	// a "\ No newline" marker that removes the previous line's newline.
	var recs []string
	for len(body) > 0 {
		i := strings.IndexByte(body, '\n')
		line := body[:i+1]
		body = body[i+1:]
		if strings.HasPrefix(line, `\ No newline`) {
			recs[len(recs)-1] = strings.TrimSuffix(recs[len(recs)-1], "\n")
			continue
		}
		recs = append(recs, line)
	}
	for _, rec := range recs {
		switch rec[0] {
		case '@':
			f := strings.Fields(rec)
			start, _ := strconv.Atoi(strings.Split(strings.TrimPrefix(f[1], "-"), ",")[0])
			if strings.HasSuffix(f[1], ",0") {
				start++
			}
			for pos < start-1 {
				out = append(out, src[pos])
				pos++
			}
		case ' ', '-':
			if pos >= len(src) || src[pos] != rec[1:] {
				return "", fmt.Errorf("line %d: %q does not match %q", pos+1, rec, safeIndex(src, pos))
			}
			if rec[0] == ' ' {
				out = append(out, src[pos])
			}
			pos++
		case '+':
			out = append(out, rec[1:])
		}
	}
	out = append(out, src[pos:]...)
	return strings.Join(out, ""), nil
}

func safeIndex(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "<eof>"
}
