package httpx

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

// link is what NextLink returns for a header.
type link struct {
	Ref string
	OK  bool
	Err error
}

func TestNextLink(t *testing.T) {
	t.Parallel()
	next := func(header string) link {
		ref, ok, err := NextLink(header)
		return link{ref, ok, err}
	}
	// EquateErrors: an error matches the row's when it wraps it.
	tabletest.Run(t, "NextLink", next, map[string]link{
		``: {},
		`</v2/a/tags/list?n=10&last=b>; rel="next"`:                       {`/v2/a/tags/list?n=10&last=b`, true, nil},
		`<a>; rel="prev", <b>; rel=next`:                                  {`b`, true, nil},
		`<a>; title="x, <y>; rel=next"; rel="prev", <b>; REL="last next"`: {`b`, true, nil},
		`<a>; rel="prev"`:   {},
		`/v2/a; rel="next"`: {Err: ErrBadLink},
		`<a; rel="next"`:    {Err: ErrBadLink},
		`<a b>; rel="next"`: {Err: ErrBadLink},
	}, cmpopts.EquateErrors())
}

// FuzzNextLink drives the Link header parser with hostile headers: it never
// panics, an error is always ErrBadLink, and a target it returns is a
// URI reference without whitespace or angle brackets that occurs in the
// header between '<' and '>'.
func FuzzNextLink(f *testing.F) {
	for _, seed := range []string{
		`</v2/a/tags/list?n=10&last=1.0.0>; rel="next"`,
		`<https://r.example/v2/a/tags/list?last=b>; rel=next, <x>; rel="prev"`,
		`<x>; rel="prev next"; title="a,b", <y>; rel="next"`,
		`<x>; title="\"quoted, rel=next\""; rel=prev, <z>; rel=next`,
		`<`, `<>`, `<a>; rel="ne\"xt", <b`, `,,, <a>;;; rel = next`,
		"<a\r\n>; rel=next",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, header string) {
		ref, ok, err := NextLink(header)
		if err != nil {
			if ok || !errors.Is(err, ErrBadLink) {
				t.Fatalf("NextLink(%q) = %q, %v, %v", header, ref, ok, err)
			}
			return
		}
		if !ok {
			if ref != "" {
				t.Fatalf("NextLink(%q) = %q without ok", header, ref)
			}
			return
		}
		if strings.ContainsAny(ref, " \t\r\n<>") || !strings.Contains(header, "<"+ref+">") {
			t.Fatalf("NextLink(%q) = %q", header, ref)
		}
	})
}
