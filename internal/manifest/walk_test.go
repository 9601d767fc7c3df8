package manifest

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

func write(t *testing.T, root, rel string, data []byte) {
	t.Helper()
	fstree.WriteFile(t, filepath.Join(root, filepath.FromSlash(rel)), data)
}

func paths(r *Repo) []string {
	var out []string
	for _, f := range r.Files {
		out = append(out, f.Path)
	}
	return out
}

// TestLoad_BadInput puts every kind of bad file next to good ones: each is
// reported or skipped, nothing panics, and the good files are still read.
func TestLoad_BadInput(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	outside := t.TempDir()
	write(t, outside, "secret.yaml", []byte("a: 1\n"))
	write(t, root, "good.yaml", []byte("a: 1\n"))
	write(t, root, "z/good.yml", []byte("b: 2\n"))
	write(t, root, "malformed.yaml", []byte("a: 1\nb: [\n"))
	write(t, root, "binary.yaml", []byte("\x7fELF\x00\x01\x02"))
	write(t, root, "latin1.yaml", []byte("a: 1\nname: caf\xe9\n"))
	write(t, root, "bom.yaml", []byte("\ufeffa: 1\n"))
	write(t, root, "crlf.yaml", []byte("a: 1\r\n---\r\nb: 2\r\n"))
	write(t, root, "notes.txt", []byte("\x00\x00"))
	// A 50 MB file: sparse, so the test writes nothing; it must not be read.
	big, err := os.Create(filepath.Join(root, "big.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(50 << 20); err != nil {
		t.Fatal(err)
	}
	big.Close()
	mustSymlink(t, "loop-b.yaml", filepath.Join(root, "loop-a.yaml"))
	mustSymlink(t, "loop-a.yaml", filepath.Join(root, "loop-b.yaml"))
	mustSymlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(root, "escape.yaml"))
	mustSymlink(t, outside, filepath.Join(root, "escape-dir"))
	mustSymlink(t, "good.yaml", filepath.Join(root, "alias.yaml"))
	mustSymlink(t, ".", filepath.Join(root, "self"))

	r, err := Load(context.Background(), root, Options{})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	// Files that were read but do not parse are kept (with no documents).
	wantFiles := []string{"alias.yaml", "binary.yaml", "bom.yaml", "crlf.yaml", "good.yaml", "latin1.yaml", "malformed.yaml", "z/good.yml"}
	if diff := cmp.Diff(wantFiles, paths(r)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	wantErrs := []FileError{
		{File: "big.yaml", Msg: "file too large: 52428800 bytes, limit 10485760"},
		{File: "binary.yaml", Msg: "binary file"},
		{File: "latin1.yaml", Line: 2, Msg: "invalid UTF-8"},
		{File: "loop-a.yaml", Msg: "symlink cannot be resolved (broken or looping)"},
		{File: "loop-b.yaml", Msg: "symlink cannot be resolved (broken or looping)"},
		{File: "malformed.yaml", Line: 2, Msg: "did not find expected node content"},
	}
	if diff := cmp.Diff(wantErrs, r.Errors); diff != "" {
		t.Errorf("errors mismatch (-want +got):\n%s", diff)
	}
	for _, f := range r.Files {
		if f.Path == "crlf.yaml" && len(f.Docs) != 2 {
			t.Errorf("crlf.yaml: %d documents, want 2", len(f.Docs))
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Skipf("symlinks unavailable: %v", err)
	}
}

func TestLoad_Selection(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	for _, p := range []string{
		"a.yaml", "b.YML", "c.json", ".archive/old.yaml", "x/.archive/old.yaml",
		".git/config.yaml", "secret/s.yaml", "x/secret/s.yaml", "x/keep.yaml",
	} {
		write(t, root, p, []byte("a: 1\n"))
	}
	tests := []struct {
		name string
		opts Options
		want []string
	}{
		{"default", Options{}, []string{"a.yaml", "b.YML", "secret/s.yaml", "x/keep.yaml", "x/secret/s.yaml"}},
		{"archive", Options{IncludeArchive: true}, []string{".archive/old.yaml", "a.yaml", "b.YML", "secret/s.yaml", "x/.archive/old.yaml", "x/keep.yaml", "x/secret/s.yaml"}},
		{"ignore", Options{Ignore: []string{"**/secret/**", "*.YML"}}, []string{"a.yaml", "x/keep.yaml"}},
		{"size cap", Options{MaxFileSize: 4}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := Load(context.Background(), root, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, paths(r)); diff != "" {
				t.Errorf("files mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoad_Fatal(t *testing.T) {
	t.Parallel()
	if _, err := Load(context.Background(), filepath.Join(t.TempDir(), "missing"), Options{}); err == nil {
		t.Error("Load(missing root) succeeded, want error")
	}
	if _, err := Load(context.Background(), t.TempDir(), Options{Ignore: []string{"[bad"}}); err == nil {
		t.Error("Load(bad glob) succeeded, want error")
	}
}

// TestLoad_Git checks that only tracked files are read in a git work tree.
func TestLoad_Git(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	write(t, root, "tracked.yaml", []byte("a: 1\n"))
	write(t, root, "sub/tracked.yaml", []byte("a: 1\n"))
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", root}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Skipf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	git("add", "tracked.yaml", "sub/tracked.yaml")
	write(t, root, "untracked.yaml", []byte("a: 1\n"))
	r, err := Load(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"sub/tracked.yaml", "tracked.yaml"}, paths(r)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
}

// TestLoad_GitFails checks that a work tree git cannot list is an error
// that says what git said, never a silent walk of untracked files, and that
// NoGit walks the file system on request.
func TestLoad_GitFails(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root := t.TempDir()
	// A worktree whose repository is gone: git refuses it, as it refuses a
	// repository with "dubious ownership".
	write(t, root, ".git", []byte("gitdir: "+filepath.Join(root, "missing")+"\n"))
	write(t, root, "untracked.yaml", []byte("a: 1\n"))
	r, err := Load(context.Background(), root, Options{})
	if err == nil {
		t.Fatalf("Load() read %v, want an error", paths(r))
	}
	if !errors.Is(err, ErrGit) || !strings.Contains(err.Error(), "not a git repository") || !strings.Contains(err.Error(), "--no-git") {
		t.Errorf("Load() error = %v, want ErrGit with git's message and the --no-git hint", err)
	}
	r, err = Load(context.Background(), root, Options{NoGit: true})
	if err != nil {
		t.Fatalf("Load(NoGit): %v", err)
	}
	if diff := cmp.Diff([]string{"untracked.yaml"}, paths(r)); diff != "" {
		t.Errorf("Load(NoGit) files mismatch (-want +got):\n%s", diff)
	}
}

// TestLoad_SymlinkOutside checks that a YAML symlink leading out of the
// root is not read and is listed as skipped, with the reason.
func TestLoad_SymlinkOutside(t *testing.T) {
	t.Parallel()
	root, outside := t.TempDir(), t.TempDir()
	write(t, outside, "secret.yaml", []byte("a: 1\n"))
	write(t, root, "good.yaml", []byte("a: 1\n"))
	mustSymlink(t, filepath.Join(outside, "secret.yaml"), filepath.Join(root, "escape.yaml"))
	mustSymlink(t, "good.yaml", filepath.Join(root, "inside.yaml"))
	r, err := Load(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"good.yaml", "inside.yaml"}, paths(r)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
	want := []SkippedFile{{File: "escape.yaml", Reason: SkipSymlinkOutside}}
	if diff := cmp.Diff(want, r.Skipped); diff != "" {
		t.Errorf("skipped mismatch (-want +got):\n%s", diff)
	}
}

// TestLoad_Cancelled checks that a cancelled context stops Load.
func TestLoad_Cancelled(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "a.yaml", []byte("a: 1\n"))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, root, Options{NoGit: true}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(cancelled) error = %v, want context.Canceled", err)
	}
}

// TestLoad_HostileIgnore checks that an ignore glob that makes a
// backtracking matcher run for hours is matched at once.
func TestLoad_HostileIgnore(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	deep := strings.Repeat("a/", 39) + "x.yaml"
	write(t, root, deep, []byte("a: 1\n"))
	r, err := Load(context.Background(), root, Options{Ignore: []string{strings.Repeat("**/a/", 10) + "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{deep}, paths(r)); diff != "" {
		t.Errorf("files mismatch (-want +got):\n%s", diff)
	}
}

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
