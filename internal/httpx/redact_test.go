package httpx

import (
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	rows := []tabletest.Named[string, string]{
		{Name: "query and fragment", In: "https://u:p@h.example/a/index.yaml?sig=abc&x=1#frag", Want: "https://h.example/a/index.yaml?sig=REDACTED&x=REDACTED"},
		{Name: "datasource userinfo", In: "https://user:secret@charts.example.com/x", Want: "https://charts.example.com/x"},
		{Name: "userinfo", In: "http://alice:S3CRETPW@host/charts", Want: "http://host/charts"},
		{Name: "oci userinfo", In: "oci://bob:pw@ghcr.io/org/app", Want: "oci://ghcr.io/org/app"},
		{Name: "username only token", In: "https://ghp_0123456789abcdef@github.com/o/r", Want: "https://github.com/o/r"},
		{Name: "token in path", In: "https://charts.example.com/ghp_0123456789abcdefXYZ/index.yaml", Want: "https://charts.example.com/REDACTED/index.yaml"},
		{Name: "jwt in path", In: "https://h/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/x", Want: "https://h/REDACTED/x"},
		{Name: "digest kept", In: "https://r/v2/a/manifests/sha256:0123", Want: "https://r/v2/a/manifests/sha256:0123"},
		{Name: "no scheme with secret", In: "alice:S3CRETPW@host/charts", Want: "alice:host/charts"},
		{Name: "unparsable, redacted as text", In: "http://alice:S3CR%ZZ@host/", Want: "http://host/"},
		{Name: "oci substitution", In: "oci://${REGISTRY}/charts/app", Want: "oci://${REGISTRY}/charts/app"},
		{Name: "https substitution", In: "https://${HOST}/charts", Want: "https://${HOST}/charts"},
		{Name: "substitution with secrets", In: "https://user:S3CRETPW@${HOST}/charts/index.yaml?sig=abc&x#frag", Want: "https://${HOST}/charts/index.yaml?sig=REDACTED&x=REDACTED"},
		{Name: "substitution, last @ of the authority", In: "oci://alice:S3C@RETPW@${REGISTRY}/org/app", Want: "oci://${REGISTRY}/org/app"},
		{Name: "substitution, token user and path", In: "oci://ghp_0123456789abcdef@${REGISTRY}/ghp_0123456789abcdefXYZ/app", Want: "oci://${REGISTRY}/REDACTED/app"},
		{Name: "unparsable, no scheme", In: "S3CRETPW@${REGISTRY}/charts//a%zz", Want: "${REGISTRY}/charts//a%zz"},
		{Name: "substitution, @ in the path kept", In: "https://${HOST}/charts/@scope/app", Want: "https://${HOST}/charts/@scope/app"},
		{Name: "control character escaped", In: "https://${HOST}/a\nb?sig=abc", Want: "https://${HOST}/a%0Ab?sig=REDACTED"},
		{Name: "bad query", In: "https://h/x?a=%zz", Want: "https://h/x?REDACTED"},
		{Name: "plain", In: "https://charts.jetstack.io", Want: "https://charts.jetstack.io"},
		{Name: "unresolved variable kept as written", In: "${REGISTRY}/charts/app", Want: "${REGISTRY}/charts/app"},
		{Name: "nothing to remove, odd spelling kept", In: "oci://ghcr.io/a%2Fb/{x}", Want: "oci://ghcr.io/a%2Fb/{x}"},
		{Name: "empty", In: "", Want: ""},
	}
	tabletest.RunNamed(t, "RedactURL", RedactURL, rows)
	for _, r := range rows {
		got := RedactURL(r.In)
		for _, secret := range []string{"S3CRETPW", "ghp_0123", "eyJzdWIi", "sig=abc"} {
			if strings.Contains(got, secret) {
				t.Errorf("RedactURL(%q) = %q keeps %q", r.In, got, secret)
			}
		}
	}
}

// FuzzRedactURL: whatever the URL (parsable or not), a password written
// in its authority and a query value never come out, and nothing panics.
func FuzzRedactURL(f *testing.F) {
	f.Add("https", "bot", "hunter22", "charts.example.com", "/stable", "token")
	f.Add("oci", "u", "p4ssw0rd", "${REGISTRY}", "/charts/app", "sig")
	f.Add("http", "", "secret99", "host:8080", "/a b/%zz", "x")
	f.Fuzz(func(t *testing.T, scheme, user, pass, host, path, query string) {
		if len(pass) < 6 || strings.ContainsAny(pass, "/@?#%:\\") || strings.ContainsAny(user, "/@?#:") ||
			strings.Contains(scheme+user+host+path, pass) || strings.ContainsAny(host, "/@?#") ||
			strings.ContainsAny(scheme, ":/@?#") || strings.ContainsAny(path, "?#") || !strings.HasPrefix(path, "/") {
			t.Skip()
		}
		if strings.Contains(RedactURL(scheme+"://"+user+"@"+host+path), pass) {
			t.Skip() // the other parts, once escaped, spell it
		}
		raw := scheme + "://" + user + ":" + pass + "@" + host + path
		if got := RedactURL(raw); strings.Contains(got, pass) {
			t.Errorf("RedactURL(%q) = %q shows the password", raw, got)
		}
		if len(query) >= 6 && !strings.ContainsAny(query, "&#=+%;?") && !strings.Contains(scheme+host+path, "t=") {
			raw = scheme + "://" + host + path + "?t=" + query
			if got := RedactURL(raw); strings.Contains(got, "t="+query) {
				t.Errorf("RedactURL(%q) = %q shows the query value", raw, got)
			}
		}
	})
}
