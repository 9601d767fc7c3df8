package datasource

import "testing"

func TestHosts_Resolve(t *testing.T) {
	t.Parallel()
	hs := Hosts{
		{Match: "ghcr.io", Mirror: "http://127.0.0.1:5000/ghcr.io"},
		{Match: "https://charts.example.com/stable", Mirror: "http://127.0.0.1:8080/stable"},
		{Match: "registry.internal:5000", Insecure: true},
	}
	tests := []struct {
		name, in, url string
		plain         bool
	}{
		{"oci mirror", "oci://ghcr.io/bjw-s-labs/helm/app-template", "http://127.0.0.1:5000/ghcr.io/bjw-s-labs/helm/app-template", true},
		{"prefix mirror", "https://charts.example.com/stable", "http://127.0.0.1:8080/stable", true},
		{"prefix mirror with path", "https://charts.example.com/stable/sub", "http://127.0.0.1:8080/stable/sub", true},
		{"prefix does not match sibling", "https://charts.example.com/stablex", "https://charts.example.com/stablex", false},
		{"insecure host", "oci://registry.internal:5000/charts/x", "oci://registry.internal:5000/charts/x", true},
		{"no match", "oci://quay.io/x/y", "oci://quay.io/x/y", false},
		{"loopback defaults to plain", "oci://127.0.0.1:5001/x", "oci://127.0.0.1:5001/x", true},
		{"localhost defaults to plain", "oci://localhost:5001/x", "oci://localhost:5001/x", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ep := hs.Resolve(tt.in)
			if ep.URL != tt.url || ep.PlainHTTP != tt.plain {
				t.Errorf("Resolve(%q) = %q plain=%v, want %q plain=%v", tt.in, ep.URL, ep.PlainHTTP, tt.url, tt.plain)
			}
		})
	}
}
