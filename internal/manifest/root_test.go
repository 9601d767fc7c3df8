package manifest

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadInRoot reads files by path through symbolic links that stay in
// the root, and refuses, each with its own error, what leaves the root (a
// symlinked directory included), what is not a regular file, what is too
// large and what is missing. A link out is refused whether or not what it
// names exists, so that no error tells what lies outside. No error names
// the root.
func TestReadInRoot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	root := filepath.Join(dir, "repo")
	write(t, dir, "outside/secret.txt", []byte("password: hunter2\n"))
	write(t, root, "plain.txt", []byte("a=1\n"))
	write(t, root, "sub/inner.txt", []byte("b=2\n"))
	write(t, root, "big.txt", bytes.Repeat([]byte("x"), 101))
	if err := os.Mkdir(filepath.Join(root, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	mustSymlink(t, "sub", filepath.Join(root, "linkdir"))
	mustSymlink(t, filepath.Join(root, "plain.txt"), filepath.Join(root, "abs.txt"))
	mustSymlink(t, filepath.Join(dir, "outside"), filepath.Join(root, "vals"))
	mustSymlink(t, "../outside/secret.txt", filepath.Join(root, "out.txt"))
	mustSymlink(t, "../outside/nothing.txt", filepath.Join(root, "gone.txt"))
	mustSymlink(t, "nothing.txt", filepath.Join(root, "dangling.txt"))
	mustSymlink(t, "loop", filepath.Join(root, "loop"))
	mustSymlink(t, "repo", filepath.Join(dir, "rootlink"))

	for _, tc := range []struct{ root, p, want string }{
		{root, "plain.txt", "a=1\n"},
		{root, "sub/inner.txt", "b=2\n"},
		{root, "linkdir/inner.txt", "b=2\n"},
		{root, "abs.txt", "a=1\n"},
		{root, "sub/../plain.txt", "a=1\n"},
		{filepath.Join(dir, "rootlink"), "linkdir/inner.txt", "b=2\n"},
	} {
		got, err := ReadInRoot(tc.root, tc.p, 100)
		if err != nil || string(got) != tc.want {
			t.Errorf("ReadInRoot(%s) = %q, %v; want %q", tc.p, got, err, tc.want)
		}
	}

	for _, tc := range []struct {
		p    string
		want error
	}{
		{"vals/secret.txt", ErrOutside},
		{"out.txt", ErrOutside},
		{"sub/../vals/secret.txt", ErrOutside},
		{"../outside/secret.txt", ErrOutside},
		{filepath.ToSlash(filepath.Join(dir, "outside", "secret.txt")), ErrOutside},
		{"empty", ErrNotRegular},
		{"big.txt", ErrTooLarge},
		{"missing.txt", fs.ErrNotExist},
		{"vals/missing.txt", ErrOutside},
		{"gone.txt", ErrOutside},
		{"vals", ErrOutside},
		{"dangling.txt", fs.ErrNotExist},
		{"linkdir/missing.txt", fs.ErrNotExist},
		{"loop", nil},
		{"plain.txt/../plain.txt", errNotDir},
		{"plain.txt/", errNotDir},
	} {
		got, err := ReadInRoot(root, tc.p, 100)
		switch {
		case err == nil:
			t.Errorf("ReadInRoot(%s) = %q; want an error", tc.p, got)
		case tc.want != nil && !errors.Is(err, tc.want):
			t.Errorf("ReadInRoot(%s) = %v; want %v", tc.p, err, tc.want)
		case !strings.HasPrefix(err.Error(), tc.p) || strings.Contains(strings.TrimPrefix(err.Error(), tc.p), dir):
			t.Errorf("ReadInRoot(%s) = %q; want it to start with the path and name no other", tc.p, err)
		}
	}
}
