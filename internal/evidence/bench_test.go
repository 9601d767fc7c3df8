package evidence

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkValuesDiff diffs two large values.yaml files (about 6,000 lines,
// every 7th line changed), the size of the biggest charts' defaults.
func BenchmarkValuesDiff(b *testing.B) {
	var old, cur strings.Builder
	for i := range 6000 {
		fmt.Fprintf(&old, "key%d:\n  value: %d # a comment of some length\n", i, i)
		if i%7 == 0 {
			fmt.Fprintf(&cur, "key%d:\n  value: %d # changed\n", i, i+1)
		} else {
			fmt.Fprintf(&cur, "key%d:\n  value: %d # a comment of some length\n", i, i)
		}
	}
	a, c := []byte(old.String()), []byte(cur.String())
	b.SetBytes(int64(len(a) + len(c)))
	b.ReportAllocs()
	for b.Loop() {
		d, err := valuesDiff(a, c, "1", "2")
		if err != nil || d == "" {
			b.Fatal(err)
		}
	}
}

// BenchmarkValuesDiff_rewritten diffs two unrelated files of 1 MiB each,
// the diff input cap: the worst case for the LCS search.
func BenchmarkValuesDiff_rewritten(b *testing.B) {
	var old, cur strings.Builder
	for i := 0; old.Len() < maxDiffInput-64; i++ {
		fmt.Fprintf(&old, "a%d: %d\n", i, i)
		fmt.Fprintf(&cur, "b%d: %d\n", i, i)
	}
	a, c := []byte(old.String()), []byte(cur.String())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := valuesDiff(a, c, "1", "2"); err != nil {
			b.Fatal(err)
		}
	}
}
