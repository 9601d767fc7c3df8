package ocirepo

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
)

// FuzzTagPage drives the tag-list page decoder and the next-page resolution
// with hostile input: neither may panic, a next page is always on the
// registry's origin, and decoding never keeps more than it read. (The Link
// header parser alone is fuzzed in httpx: FuzzNextLink.)
func FuzzTagPage(f *testing.F) {
	for _, seed := range []struct{ link, body string }{
		{`</v2/a/tags/list?n=10&last=1.0.0>; rel="next"`, `{"name":"a","tags":["1.0.0","1.1.0"]}`},
		{`<https://r.example/v2/a/tags/list?last=b>; rel=next, <x>; rel="prev"`, `{"tags":[]}`},
		{`<x>; rel="prev next"; title="a,b", <y>; rel="next"`, `{"tags":null}`},
		{`<http://evil.example/v2/a/tags/list>; rel="next"`, `{"tags":["a"],"tags":["b"]}`},
		{`<//evil.example/x>; rel="next"`, `[`},
		{`<`, `{"tags":[1]}`},
		{`<a>; rel="ne\"xt", <b`, "\xff"},
		{`<http://u:p@r.example/x>; rel="next"`, `{"tags":["` + strings.Repeat("a", 200) + `"]}`},
	} {
		f.Add(seed.link, []byte(seed.body))
	}
	origin := &url.URL{Scheme: "https", Host: "r.example"}
	page := origin.JoinPath("v2", "org", "app", "tags", "list")
	f.Fuzz(func(t *testing.T, link string, body []byte) {
		next, err := nextPage(origin, page, link)
		if next != nil {
			if err != nil || next.Scheme != origin.Scheme || !strings.EqualFold(next.Host, origin.Host) || next.User != nil {
				t.Fatalf("nextPage(%q) = %v, %v: not on %v", link, next, err, origin)
			}
		}
		tags, err := decodeTagPage(bytes.NewReader(body))
		if err == nil && len(strings.Join(tags, "")) > len(body) {
			t.Fatalf("decodeTagPage kept more than it read")
		}
	})
}
