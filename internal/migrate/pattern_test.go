package migrate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

// convArgs and converted are convertNames's arguments and what it gives:
// the names, and whether it failed.
type (
	convArgs struct {
		entries   []string
		regexOnly bool
	}
	converted struct {
		names names
		err   bool
	}
)

func TestConvertNames(t *testing.T) {
	t.Parallel()
	conv := func(a convArgs) converted {
		n, err := convertNames(a.entries, a.regexOnly)
		return converted{n, err != nil}
	}
	tabletest.RunNamed(t, "convertNames", conv, []tabletest.Named[convArgs, converted]{
		{Name: "exact chart", In: convArgs{[]string{"cilium"}, false}, Want: converted{names{charts: []string{"cilium"}}, false}},
		{Name: "exact OCI package", In: convArgs{[]string{"ghcr.io/a/b"}, false}, Want: converted{names{oci: []string{"oci://ghcr.io/a/b"}}, false}},
		{Name: "substring regex", In: convArgs{[]string{"/cilium/"}, false}, Want: converted{names{charts: []string{"*cilium*"}, oci: []string{"oci://**/*cilium*/**"}}, false}},
		{Name: "anchored regex", In: convArgs{[]string{"/^kube-/", "/-crds$/"}, false}, Want: converted{names{charts: []string{"kube-*", "*-crds"}, oci: []string{"oci://kube-*/**", "oci://**/*-crds"}}, false}},
		{Name: "path regex", In: convArgs{[]string{`/^ghcr\.io\/org\//`}, false}, Want: converted{names{oci: []string{"oci://ghcr.io/org/*/**"}}, false}},
		{Name: "alternatives", In: convArgs{[]string{"/^(a)$/"}, false}, Want: converted{names{}, true}},
		{Name: "pattern list", In: convArgs{[]string{"^a$|^b$"}, true}, Want: converted{names{charts: []string{"a", "b"}}, false}},
		{Name: "glob", In: convArgs{[]string{"rook-*"}, false}, Want: converted{names{charts: []string{"rook-*"}}, false}},
		{Name: "negation", In: convArgs{[]string{"!x"}, false}, Want: converted{names{}, true}},
		{Name: "class", In: convArgs{[]string{"/a[bc]/"}, false}, Want: converted{names{}, true}},
	}, cmp.AllowUnexported(names{}, converted{}))
}
