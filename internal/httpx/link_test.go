package httpx

import (
	"errors"
	"strings"
	"testing"
)

func TestNextLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		header, want string
		ok           bool
		err          bool
	}{
		{header: ``},
		{header: `</v2/a/tags/list?n=10&last=b>; rel="next"`, want: `/v2/a/tags/list?n=10&last=b`, ok: true},
		{header: `<a>; rel="prev", <b>; rel=next`, want: `b`, ok: true},
		{header: `<a>; title="x, <y>; rel=next"; rel="prev", <b>; REL="last next"`, want: `b`, ok: true},
		{header: `<a>; rel="prev"`},
		{header: `/v2/a; rel="next"`, err: true},
		{header: `<a; rel="next"`, err: true},
		{header: `<a b>; rel="next"`, err: true},
	}
	for _, tt := range tests {
		got, ok, err := NextLink(tt.header)
		if got != tt.want || ok != tt.ok || (err != nil) != tt.err {
			t.Errorf("NextLink(%q) = %q, %v, %v; want %q, %v, err %v", tt.header, got, ok, err, tt.want, tt.ok, tt.err)
		}
		if err != nil && !errors.Is(err, ErrBadLink) {
			t.Errorf("NextLink(%q) error %v does not wrap ErrBadLink", tt.header, err)
		}
	}
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
