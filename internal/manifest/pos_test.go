package manifest

import "testing"

func TestLines_Offset(t *testing.T) {
	t.Parallel()
	src := []byte("\ufeffé: a\r\nb\rc\u0085d\u2028e\n🚀x")
	x := NewLines(src)
	tests := []struct {
		line, col, want int
	}{
		{1, 1, 3},  // after the BOM
		{1, 2, 5},  // after é (2 bytes)
		{1, 5, 8},  // at the CR
		{1, 6, -1}, // past the line end
		{2, 1, 10},
		{3, 1, 12},
		{4, 1, 15}, // after NEL (2 bytes)
		{5, 1, 19}, // after LS (3 bytes)
		{6, 1, 21},
		{6, 2, 25}, // after 🚀 (4 bytes)
		{6, 3, 26}, // end of file
		{6, 4, -1},
		{7, 1, -1},
		{0, 1, -1},
	}
	for _, tt := range tests {
		got, ok := x.Offset(tt.line, tt.col)
		if !ok {
			got = -1
		}
		if got != tt.want {
			t.Errorf("Offset(%d, %d) = %d, want %d", tt.line, tt.col, got, tt.want)
		}
	}
	if got := x.Line(21); got != 6 {
		t.Errorf("Line(21) = %d, want 6", got)
	}
	if x.BOM() != 3 {
		t.Errorf("BOM() = %d, want 3", x.BOM())
	}
}

func TestSkipProperties(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		want int
	}{
		{"1.2.3", 0},
		{"&a 1.2.3", 3},
		{"!!str &a 1.2.3", 9},
		{"&a # note\n  1.2.3", 12},
		{"!<tag:yaml.org,2002:str> x", 25},
		{"!<unterminated x", -1},
		{"&a,", 2},
	}
	for _, tt := range tests {
		if got := SkipProperties([]byte(tt.src), 0); got != tt.want {
			t.Errorf("SkipProperties(%q) = %d, want %d", tt.src, got, tt.want)
		}
	}
}

func TestLinesEndOfEveryBreak(t *testing.T) {
	src := []byte("\xEF\xBB\xBFa\nb\r\nc\rd\u0085e\u2028f\u2029g\r\r\nh\n\ni é\n")
	x := NewLines(src)
	line := 1
	for i := x.BOM(); i <= len(src); i++ {
		if n := BreakLen(src, i); n > 0 || i == len(src) {
			if got := x.end(line); got != i {
				t.Errorf("line %d ends at %d, want %d", line, got, i)
			}
			line++
			i += max(n, 1) - 1
		}
	}
	if line-1 != len(x.starts) {
		t.Errorf("%d lines checked, %d indexed", line-1, len(x.starts))
	}
}
