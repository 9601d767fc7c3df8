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

// Run checks fn(in) against want (go-cmp, with opts) for every entry of
// rows, each in a parallel subtest named after the input (fmt %v), in the
// order of those names. name is fn's name in messages.
func Run[In comparable, Out any](t *testing.T, name string, fn func(In) Out, rows map[In]Out, opts ...cmp.Option) {
	t.Helper()
	for _, in := range sortedKeys(rows) {
		check(t, fmt.Sprint(in), fmt.Sprintf("%s(%#v)", name, in), fn, in, rows[in], opts)
	}
}

// Run2 is Run for a function of two arguments of one type: each row's key
// holds both.
func Run2[A comparable, Out any](t *testing.T, name string, fn func(A, A) Out, rows map[[2]A]Out, opts ...cmp.Option) {
	t.Helper()
	for _, k := range sortedKeys(rows) {
		call := fmt.Sprintf("%s(%#v, %#v)", name, k[0], k[1])
		check(t, fmt.Sprint(k), call, func(k [2]A) Out { return fn(k[0], k[1]) }, k, rows[k], opts)
	}
}

// RunNamed is Run for rows that carry their subtest's name, in the order
// given.
func RunNamed[In, Out any](t *testing.T, name string, fn func(In) Out, rows []Named[In, Out], opts ...cmp.Option) {
	t.Helper()
	for _, r := range rows {
		check(t, r.Name, fmt.Sprintf("%s(%#v)", name, r.In), fn, r.In, r.Want, opts)
	}
}

// check runs fn(in) in the parallel subtest sub; call says what was
// called in the failure message.
func check[In, Out any](t *testing.T, sub, call string, fn func(In) Out, in In, want Out, opts []cmp.Option) {
	t.Helper()
	t.Run(sub, func(t *testing.T) {
		t.Parallel()
		if diff := cmp.Diff(want, fn(in), opts...); diff != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", call, diff)
		}
	})
}

// sortedKeys are the keys of rows in the order of their fmt %v form, so
// that subtests run in the same order every time.
func sortedKeys[K comparable, V any](rows map[K]V) []K {
	keys := make([]K, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b K) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
	return keys
}
