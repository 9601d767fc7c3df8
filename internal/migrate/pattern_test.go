package migrate

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestConvertNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []string
		regex   bool
		want    names
		wantErr bool
	}{
		{name: "exact chart", in: []string{"cilium"}, want: names{charts: []string{"cilium"}}},
		{name: "exact OCI package", in: []string{"ghcr.io/a/b"}, want: names{oci: []string{"oci://ghcr.io/a/b"}}},
		{name: "substring regex", in: []string{"/cilium/"}, want: names{charts: []string{"*cilium*"}, oci: []string{"oci://**/*cilium*/**"}}},
		{name: "anchored regex", in: []string{"/^kube-/", "/-crds$/"}, want: names{charts: []string{"kube-*", "*-crds"}, oci: []string{"oci://kube-*/**", "oci://**/*-crds"}}},
		{name: "path regex", in: []string{`/^ghcr\.io\/org\//`}, want: names{oci: []string{"oci://ghcr.io/org/*/**"}}},
		{name: "alternatives", in: []string{"/^(a)$/"}, wantErr: true},
		{name: "pattern list", in: []string{"^a$|^b$"}, regex: true, want: names{charts: []string{"a", "b"}}},
		{name: "glob", in: []string{"rook-*"}, want: names{charts: []string{"rook-*"}}},
		{name: "negation", in: []string{"!x"}, wantErr: true},
		{name: "class", in: []string{"/a[bc]/"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := convertNames(tt.in, tt.regex)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(names{})); diff != "" {
				t.Errorf("convertNames(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}
