package httpx

import (
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"query and fragment", "https://u:p@h.example/a/index.yaml?sig=abc&x=1#frag", "https://h.example/a/index.yaml?sig=REDACTED&x=REDACTED"},
		{"datasource userinfo", "https://user:secret@charts.example.com/x", "https://charts.example.com/x"},
		{"userinfo", "http://alice:S3CRETPW@host/charts", "http://host/charts"},
		{"oci userinfo", "oci://bob:pw@ghcr.io/org/app", "oci://ghcr.io/org/app"},
		{"username only token", "https://ghp_0123456789abcdef@github.com/o/r", "https://github.com/o/r"},
		{"token in path", "https://charts.example.com/ghp_0123456789abcdefXYZ/index.yaml", "https://charts.example.com/REDACTED/index.yaml"},
		{"jwt in path", "https://h/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl/x", "https://h/REDACTED/x"},
		{"digest kept", "https://r/v2/a/manifests/sha256:0123", "https://r/v2/a/manifests/sha256:0123"},
		{"no scheme with secret", "alice:S3CRETPW@host/charts", "alice:host/charts"},
		{"unparsable", "http://alice:S3CR%ZZ@host/", "<unparsable url>"},
		{"bad query", "https://h/x?a=%zz", "https://h/x?REDACTED"},
		{"plain", "https://charts.jetstack.io", "https://charts.jetstack.io"},
		{"unresolved variable kept as written", "${REGISTRY}/charts/app", "${REGISTRY}/charts/app"},
		{"nothing to remove, odd spelling kept", "oci://ghcr.io/a%2Fb/{x}", "oci://ghcr.io/a%2Fb/{x}"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := RedactURL(tt.in)
			if got != tt.want {
				t.Errorf("RedactURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
			for _, secret := range []string{"S3CRETPW", "ghp_0123", "eyJzdWIi", "sig=abc"} {
				if strings.Contains(got, secret) {
					t.Errorf("RedactURL(%q) = %q keeps %q", tt.in, got, secret)
				}
			}
		})
	}
}
