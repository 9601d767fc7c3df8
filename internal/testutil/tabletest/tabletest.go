package tabletest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Named is a row with a subtest name that says what the row is about.
type Named[In, Out any] struct {
	Name string
	In   In
	Want Out
}

// Run checks fn(in) against want for every entry of rows, each in a
// parallel subtest named after the input (fmt %v), in the order of those
// names. name is fn's name in messages.
func Run[In comparable, Out any](t *testing.T, name string, fn func(In) Out, rows map[In]Out, opts ...cmp.Option) {
	t.Helper()
	ins := make([]In, 0, len(rows))
	for in := range rows {
		ins = append(ins, in)
	}
	slices.SortFunc(ins, func(a, b In) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	for _, in := range ins {
		check(t, fmt.Sprint(in), name, fn, in, rows[in], opts)
	}
}

// RunNamed is Run for rows that carry their subtest's name, in the order
// given.
func RunNamed[In, Out any](t *testing.T, name string, fn func(In) Out, rows []Named[In, Out], opts ...cmp.Option) {
	t.Helper()
	for _, r := range rows {
		check(t, r.Name, name, fn, r.In, r.Want, opts)
	}
}

func check[In, Out any](t *testing.T, sub, name string, fn func(In) Out, in In, want Out, opts []cmp.Option) {
	t.Helper()
	t.Run(sub, func(t *testing.T) {
		t.Parallel()
		if diff := cmp.Diff(want, fn(in), opts...); diff != "" {
			t.Errorf("%s(%#v) mismatch (-want +got):\n%s", name, in, diff)
		}
	})
}
