package migrate

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseJSON5(t *testing.T) {
	t.Parallel()
	src := "\ufeff// comment\n{\n  unquoted: 'single \\'q\\'',\n  \"quoted\": \"a\\u0041\\\n\",\n  /* block\n comment */ num: [0x1F, +1.5, .5, -Infinity, NaN, 1e3,],\n  $schema: null, yes: true,\n}\n"
	v, err := ParseJSON5([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	var lines []int
	for _, m := range v.Keys {
		keys = append(keys, m.Key)
		lines = append(lines, m.Line)
	}
	if diff := cmp.Diff([]string{"unquoted", "quoted", "num", "$schema", "yes"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{3, 4, 7, 8, 8}, lines); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	if got := v.Get("unquoted").Str; got != "single 'q'" {
		t.Errorf("unquoted = %q", got)
	}
	if got := v.Get("quoted").Str; got != "aA" {
		t.Errorf("quoted = %q (line continuation)", got)
	}
	nums := v.Get("num").Items
	want := []float64{31, 1.5, 0.5, math.Inf(-1)}
	for i, w := range want {
		if nums[i].Num != w {
			t.Errorf("num[%d] = %v, want %v", i, nums[i].Num, w)
		}
	}
	if !math.IsNaN(nums[4].Num) || nums[5].Num != 1000 {
		t.Errorf("NaN / 1e3 = %v %v", nums[4].Num, nums[5].Num)
	}
	if v.Get("$schema").Kind != Null || !v.Get("yes").Bool {
		t.Errorf("null/true misparsed")
	}
}

func TestParseJSON5_Errors(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "{", "{a 1}", "[1 2]", "{a: 'x}", "/* x", "{a: tru}", "[1,,]", "{} x", "[" + string(make([]byte, 0)) + "\"\n\"]"} {
		if _, err := ParseJSON5([]byte(src)); err == nil {
			t.Errorf("ParseJSON5(%q): want an error", src)
		}
	}
	deep := make([]byte, 0, 1000)
	for range 500 {
		deep = append(deep, '[')
	}
	if _, err := ParseJSON5(deep); err == nil {
		t.Error("deep nesting: want an error")
	}
}

func FuzzParseJSON5(f *testing.F) {
	f.Add([]byte(`{a: [1, 'b', {c: null}], /* x */ "d": 0x10,}`))
	f.Add([]byte("// c\n[+Infinity]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = ParseJSON5(b) // must not panic
	})
}
