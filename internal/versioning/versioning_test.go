package versioning

import (
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

// parsed is what Parse makes of a version: its String() and Original(),
// both "" when Parse fails, and whether IsExact accepts it.
type parsed struct {
	String, Original string
	Exact            bool
}

func parse(in string) parsed {
	v, err := Parse(in)
	if err != nil {
		return parsed{Exact: IsExact(in)}
	}
	return parsed{String: v.String(), Original: v.Original(), Exact: IsExact(in)}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tabletest.Run(t, "parse", parse, map[string]parsed{
		"1.2.3":              {"1.2.3", "1.2.3", true},
		"v1.18.2":            {"1.18.2", "v1.18.2", true},
		"1.2.3-rc.1+build.5": {"1.2.3-rc.1+build.5", "1.2.3-rc.1+build.5", true},
		"v2025.02.03-rc.1":   {"2025.2.3-rc.1", "v2025.02.03-rc.1", true},
		"1.2":                {},
		"v1":                 {},
		"1.x":                {},
		"1.2.x":              {},
		"^1.2.3":             {},
		"*":                  {},
		"":                   {},
		// Flux quirk: three dot parts, so Masterminds coerces it to 1.2.0 with pre-release 1.4.5.
		"1.2-1.4.5": {"1.2.0-1.4.5", "1.2-1.4.5", true},
	})
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
	tabletest.Run2(t, "WithPrefixOf", WithPrefixOf, map[[2]string]string{
		{"v1.2.3", "v1.3.0"}: "v1.3.0",
		{"v1.2.3", "1.3.0"}:  "v1.3.0",
		{"1.2.3", "v1.3.0"}:  "1.3.0",
		{"1.2.3", "1.3.0"}:   "1.3.0",
	})
}

func TestSameVersion(t *testing.T) {
	t.Parallel()
	tabletest.Run2(t, "SameVersion", SameVersion, map[[2]string]bool{
		{"1.2.3", "1.2.3"}:     true,
		{"v1.2.3", "1.2.3"}:    true,
		{"1.2.3", "v1.2.3"}:    true,
		{"1.2.3_b", "1.2.3+b"}: true,
		{"1.2.3", "1.2.4"}:     false,
		{"1.2.3", "1.2.3+b"}:   false,
	})
}

func mustParse(t *testing.T, s string) *semver.Version {
	t.Helper()
	v, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
