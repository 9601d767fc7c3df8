package versioning

import (
	"github.com/Masterminds/semver/v3"

	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string // String() of the parsed version; "" = error
		orig    string
		wantErr bool
	}{
		{in: "1.2.3", want: "1.2.3", orig: "1.2.3"},
		{in: "v1.18.2", want: "1.18.2", orig: "v1.18.2"},
		{in: "1.2.3-rc.1+build.5", want: "1.2.3-rc.1+build.5", orig: "1.2.3-rc.1+build.5"},
		{in: "v2025.02.03-rc.1", want: "2025.2.3-rc.1", orig: "v2025.02.03-rc.1"},
		{in: "1.2", wantErr: true},
		{in: "v1", wantErr: true},
		{in: "1.x", wantErr: true},
		{in: "1.2.x", wantErr: true},
		{in: "^1.2.3", wantErr: true},
		{in: "*", wantErr: true},
		{in: "", wantErr: true},
		// Flux quirk: three dot parts, so Masterminds coerces it to 1.2.0 with pre-release 1.4.5.
		{in: "1.2-1.4.5", want: "1.2.0-1.4.5", orig: "1.2-1.4.5"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			v, err := Parse(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want error", tt.in, v)
				}
				if IsExact(tt.in) {
					t.Errorf("IsExact(%q) = true", tt.in)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if v.String() != tt.want || v.Original() != tt.orig {
				t.Errorf("Parse(%q) = %s (original %s), want %s (original %s)", tt.in, v, v.Original(), tt.want, tt.orig)
			}
			if !IsExact(tt.in) {
				t.Errorf("IsExact(%q) = false", tt.in)
			}
		})
	}
}

func TestParseConstraint(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c, v string
		want bool
	}{
		{"", "1.0.0", true},
		{"", "1.0.0-rc.1", false},
		{"*", "9.9.9", true},
		{"1.x", "1.9.0", true},
		{"1.x", "2.0.0", false},
		{"^0.2.3", "0.3.0", false},
		{">=1.0.0-0", "1.1.0-rc.1", true},
		{"~1.2.3", "1.3.0", false},
		{"v1.x", "v1.5.0", true},
	}
	for _, tt := range tests {
		t.Run(tt.c+" "+tt.v, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConstraint(tt.c)
			if err != nil {
				t.Fatal(err)
			}
			v, err := Parse(tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Check(v); got != tt.want {
				t.Errorf("%q.Check(%s) = %v, want %v", tt.c, tt.v, got, tt.want)
			}
		})
	}
	if _, err := ParseConstraint(">= foo"); err == nil {
		t.Error("ParseConstraint(\">= foo\") succeeded")
	}
}

func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from, to string
		want     chart.UpdateType
	}{
		{"1.2.3", "2.0.0", chart.UpdateMajor},
		{"1.2.3", "1.3.0", chart.UpdateMinor},
		{"1.2.3", "1.2.4", chart.UpdatePatch},
		{"0.1.0", "0.2.0", chart.UpdateMinor},
		{"0.9.0", "1.0.0", chart.UpdateMajor},
		{"1.2.3-rc.1", "1.2.3", chart.UpdatePatch},
		{"1.2.3+a", "1.2.3+b", chart.UpdatePatch},
		{"v1.2.3", "1.2.3", chart.UpdateDigest},
		{"1.2.3", "1.2.3", chart.UpdateDigest},
	}
	for _, tt := range tests {
		t.Run(tt.from+"→"+tt.to, func(t *testing.T) {
			t.Parallel()
			if got := Classify(mustParse(t, tt.from), mustParse(t, tt.to)); got != tt.want {
				t.Errorf("Classify(%s, %s) = %s, want %s", tt.from, tt.to, got, tt.want)
			}
		})
	}
	if got := Classify(nil, mustParse(t, "1.0.0")); got != chart.UpdateMajor {
		t.Errorf("Classify(nil, 1.0.0) = %s, want major", got)
	}
}

func TestTags(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ version, tag string }{
		{"1.2.3", "1.2.3"},
		{"1.2.3+build.1", "1.2.3_build.1"},
		{"v1.2.3-rc.1+abc", "v1.2.3-rc.1_abc"},
	} {
		if got := ToTag(tt.version); got != tt.tag {
			t.Errorf("ToTag(%q) = %q, want %q", tt.version, got, tt.tag)
		}
		if got := FromTag(tt.tag); got != tt.version {
			t.Errorf("FromTag(%q) = %q, want %q", tt.tag, got, tt.version)
		}
	}
}

func TestWithPrefixOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ orig, v, want string }{
		{"v1.2.3", "v1.3.0", "v1.3.0"},
		{"v1.2.3", "1.3.0", "v1.3.0"},
		{"1.2.3", "v1.3.0", "1.3.0"},
		{"1.2.3", "1.3.0", "1.3.0"},
	} {
		if got := WithPrefixOf(tt.orig, tt.v); got != tt.want {
			t.Errorf("WithPrefixOf(%q, %q) = %q, want %q", tt.orig, tt.v, got, tt.want)
		}
	}
}

func TestSameVersion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		written, published string
		want               bool
	}{
		{"1.2.3", "1.2.3", true},
		{"v1.2.3", "1.2.3", true},
		{"1.2.3", "v1.2.3", true},
		{"1.2.3_b", "1.2.3+b", true},
		{"1.2.3", "1.2.4", false},
		{"1.2.3", "1.2.3+b", false},
	} {
		if got := SameVersion(tt.written, tt.published); got != tt.want {
			t.Errorf("SameVersion(%q, %q) = %v, want %v", tt.written, tt.published, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, s string) *semver.Version {
	t.Helper()
	v, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
