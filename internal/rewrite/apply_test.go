package rewrite

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

func TestPlainSafe(t *testing.T) {
	t.Parallel()
	tabletest.Run(t, "plainSafe", plainSafe, map[string]bool{
		"1.2.3":              true,
		"v1.16.1":            true,
		"1.2.3-rc.1+build.5": true,
		"1.2.3_build":        true,
		"sha256:0c0ffee":     true,
		"2025.02.03-rc.1":    true,
		"it's":               true,
		"1.10":               false, // float
		"1e3":                false, // float
		"0123":               false, // octal in YAML 1.1
		"0x1f":               false, // int
		"1_000":              false, // int in YAML 1.1
		"42":                 false,
		"*":                  false, // alias indicator
		"yes":                false, // bool in YAML 1.1
		"on":                 false, // bool in YAML 1.1
		"y":                  false, // bool in YAML 1.1
		"true":               false, // bool
		"null":               false,
		"~":                  false,
		"":                   false,
		" 1.2.3":             false,
		"1.2.3 ":             false,
		"a: b":               false,
		"a #b":               false,
		"a,b":                false, // ends a flow scalar
		"[x]":                false,
		"@x":                 false, // reserved indicator
		"`x":                 false,
		"&x":                 false,
		"!x":                 false,
		"- x":                false,
		"? x":                false,
		"%x":                 false,
		"|":                  false,
		"2001-12-14":         false, // timestamp in yaml.v3
		".inf":               false,
	})
}

func TestApply_Invalid(t *testing.T) {
	t.Parallel()
	src := "a: 1.2.3\nb: [x, y]\n"
	tests := []struct {
		name    string
		edit    Edit
		wantErr error
	}{
		{"range past the end", Edit{Start: 3, End: 99, Old: "1.2.3", New: "2"}, ErrInvalidEdit},
		{"negative start", Edit{Start: -1, End: 3, Old: "1.2.3", New: "2"}, ErrInvalidEdit},
		{"empty range", Edit{Start: 3, End: 3, Old: "1.2.3", New: "2"}, ErrInvalidEdit},
		{"not at a token", Edit{Start: 4, End: 8, Old: ".2.3", New: "2"}, ErrMismatch},
		{"range takes a trailing newline", Edit{Start: 3, End: 9, Old: "1.2.3", New: "2"}, ErrNotEditable},
		{"range takes the comma", Edit{Start: 13, End: 15, Old: "x", New: "2"}, ErrMismatch},
		{"newline in the new value", Edit{Start: 3, End: 8, Old: "1.2.3", New: "1\n2"}, ErrInvalidEdit},
		{"control character", Edit{Start: 3, End: 8, Old: "1.2.3", New: "1\x002"}, ErrInvalidEdit},
		{"invalid UTF-8", Edit{Start: 3, End: 8, Old: "1.2.3", New: "\xff"}, ErrInvalidEdit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, err := Apply([]byte(src), []Edit{tt.edit})
			if !errors.Is(err, tt.wantErr) || out != nil {
				t.Errorf("Apply() = %q, %v; want nil, %v", out, err, tt.wantErr)
			}
		})
	}
}

func TestApply_Unparsable(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"a: [\n", "\xff\xfea\x00:\x00", "a: \xff\n"} {
		if _, err := Apply([]byte(src), []Edit{{Start: 0, End: 1, Old: "a", New: "b"}}); err == nil {
			t.Errorf("Apply(%q) succeeded, want a parse error", src)
		}
	}
}

func TestApply_NoEdits(t *testing.T) {
	t.Parallel()
	src := []byte("a: 1\n")
	out, err := Apply(src, nil)
	if err != nil || string(out) != "a: 1\n" {
		t.Fatalf("Apply(nil) = %q, %v", out, err)
	}
	out[0] = 'x'
	if src[0] != 'a' {
		t.Error("Apply(nil) returned src itself, want a copy")
	}
}

// The edits slice may come in any order; Apply does not reorder the caller's slice.
func TestApply_Order(t *testing.T) {
	t.Parallel()
	src := []byte("ref: {tag: 1.2.3, digest: sha256:aa}\n")
	edits := []Edit{
		{Start: 26, End: 35, Old: "sha256:aa", New: "sha256:bb"},
		{Start: 11, End: 16, Old: "1.2.3", New: "1.2.4"},
	}
	orig := append([]Edit(nil), edits...)
	out, err := Apply(src, edits)
	if err != nil {
		t.Fatal(err)
	}
	if want := "ref: {tag: 1.2.4, digest: sha256:bb}\n"; string(out) != want {
		t.Errorf("Apply() = %q, want %q", out, want)
	}
	if diff := cmp.Diff(orig, edits); diff != "" {
		t.Errorf("edits modified (-want +got):\n%s", diff)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	old := "# head\na: 1.2.3 # c\nb: &x [1, 2]\nc: *x\n"
	edit := Edit{Start: 10, End: 15, Old: "1.2.3", New: "1.3.0"}
	tests := []struct {
		name    string
		updated string
		wantErr string
	}{
		{"ok", "# head\na: 1.3.0 # c\nb: &x [1, 2]\nc: *x\n", ""},
		{"ok quoted", "# head\na: \"1.3.0\" # c\nb: &x [1, 2]\nc: *x\n", ""},
		{"wrong value", "# head\na: 1.3.1 # c\nb: &x [1, 2]\nc: *x\n", "no scalar token at the new position"},
		{"not a string", "# head\na: 1.3e0 # c\nb: &x [1, 2]\nc: *x\n", "no scalar token at the new position"},
		{"comment changed", "# head\na: 1.3.0 # d\nb: &x [1, 2]\nc: *x\n", "bytes after the last edit changed"},
		{"head changed", "# Head\na: 1.3.0 # c\nb: &x [1, 2]\nc: *x\n", "bytes before edit"},
		{"single-quoted is another style", "# head\na: '1.3.0' # c\nb: &x [1, 2]\nc: *x\n", "edited scalar style 0 became 4"},
		{"value became a mapping", "# head\na: 1.3.0: x # c\nb: &x [1, 2]\nc: *x\n", "bytes after the last edit changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Verify([]byte(old), []byte(tt.updated), []Edit{edit})
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("Verify() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrVerify) {
				t.Errorf("Verify() = %v, want ErrVerify containing %q", err, tt.wantErr)
			}
		})
	}
}

// A value that only breaks the document once in place: the tree check in
// Verify catches it even though every byte outside the range is unchanged.
func TestVerify_Tree(t *testing.T) {
	t.Parallel()
	old := "a: x\nb: 1\n"
	edit := Edit{Start: 3, End: 4, Old: "x", New: "y"}
	err := Verify([]byte(old), []byte("a: y\nb: 1\n"), []Edit{edit})
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	// A plain token that swallows what follows it on the line.
	old = "a: [x, z]\n"
	edit = Edit{Start: 4, End: 5, Old: "x", New: "y"}
	err = Verify([]byte(old), []byte("a: [y, z]\n"), []Edit{edit})
	if err != nil {
		t.Fatalf("Verify() = %v", err)
	}
	err = Verify([]byte(old), []byte("a: [y z, z]\n"), []Edit{{Start: 4, End: 5, Old: "x", New: "y"}})
	if !errors.Is(err, ErrVerify) {
		t.Errorf("Verify() = %v, want ErrVerify", err)
	}
}

func ExampleApply() {
	src := []byte("spec:\n  ref:\n    tag: 1.9.0 # pinned\n")
	i := strings.Index(string(src), "1.9.0")
	out, err := Apply(src, []Edit{{Start: i, End: i + len("1.9.0"), Old: "1.9.0", New: "1.10"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	os.Stdout.Write(out)
	// Output:
	// spec:
	//   ref:
	//     tag: "1.10" # pinned
}
