package rewrite

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

const hrYAML = `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: podinfo
spec:
  chart:
    spec:
      chart: podinfo
      version: 6.5.0 # pinned
`

const ociYAML = "spec:\r\n  ref:\r\n    tag: '1.2.3'\r\n    digest: sha256:aaaa\r\n"

// setup writes files (name -> content, mode) under a new temp dir.
func setup(t *testing.T, files map[string]string, modes map[string]fs.FileMode) string {
	t.Helper()
	root := t.TempDir()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		fstree.WriteFile(t, p, []byte(content))
		if m, ok := modes[name]; ok {
			if err := os.Chmod(p, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	return root
}

// editOf builds an edit of the first occurrence of token in content.
func editOf(t *testing.T, file, content, token, old, new string) Edit {
	t.Helper()
	i := strings.Index(content, token)
	if i < 0 {
		t.Fatalf("%q not in %s", token, file)
	}
	return Edit{File: file, Start: i, End: i + len(token), Old: old, New: new}
}

func readFile(t *testing.T, root, name string) (string, fs.FileMode) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), fi.Mode().Perm()
}

// assertNoTemp fails if any file other than want exists under root.
func assertNoTemp(t *testing.T, root string, want ...string) {
	t.Helper()
	var got []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files under root (-want +got):\n%s", diff)
	}
}

type resultSummary struct {
	File  string
	Edits int
	Err   string
	After string
}

func summarize(rs []FileResult) []resultSummary {
	var out []resultSummary
	for _, r := range rs {
		s := resultSummary{File: r.File, Edits: r.Edits, After: string(r.After)}
		if r.Err != nil {
			s.Err = r.Err.Error()
		}
		out = append(out, s)
	}
	return out
}

func TestFiles(t *testing.T) {
	t.Parallel()
	files := map[string]string{
		"apps/a/helmrelease.yaml":   hrYAML,
		"apps/b/ocirepository.yaml": ociYAML,
		"apps/c/helmrelease.yaml":   hrYAML,
	}
	root := setup(t, files, map[string]fs.FileMode{"apps/b/ocirepository.yaml": 0o600})
	edits := []Edit{
		editOf(t, "apps/b/ocirepository.yaml", ociYAML, "sha256:aaaa", "sha256:aaaa", "sha256:bbbb"),
		editOf(t, "apps/a/helmrelease.yaml", hrYAML, "6.5.0", "6.5.0", "6.10.1"),
		editOf(t, "apps/b/ocirepository.yaml", ociYAML, "'1.2.3'", "1.2.3", "1.3.0"),
		// c changed since the plan: it no longer holds 6.4.0.
		editOf(t, "apps/c/helmrelease.yaml", hrYAML, "6.5.0", "6.4.0", "6.10.1"),
	}
	res := Files(root, edits, Options{})

	wantA := strings.Replace(hrYAML, "6.5.0", "6.10.1", 1)
	wantB := "spec:\r\n  ref:\r\n    tag: '1.3.0'\r\n    digest: sha256:bbbb\r\n"
	want := []resultSummary{
		{File: "apps/a/helmrelease.yaml", Edits: 1, After: wantA},
		{File: "apps/b/ocirepository.yaml", Edits: 2, After: wantB},
		{File: "apps/c/helmrelease.yaml", Edits: 1, Err: `rewrite apps/c/helmrelease.yaml: edit apps/c/helmrelease.yaml:9 (bytes 143-148): holds "6.5.0", want "6.4.0": file does not hold the expected value`},
	}
	if diff := cmp.Diff(want, summarize(res)); diff != "" {
		t.Errorf("Files() mismatch (-want +got):\n%s", diff)
	}
	if !errors.Is(res[2].Err, ErrMismatch) {
		t.Errorf("Files() c error = %v, want ErrMismatch", res[2].Err)
	}
	if string(res[2].Before) != hrYAML {
		t.Errorf("Files() c Before = %q, want the file content", res[2].Before)
	}

	for _, tc := range []struct {
		name, content string
		mode          fs.FileMode
	}{
		{"apps/a/helmrelease.yaml", wantA, 0o644},
		{"apps/b/ocirepository.yaml", wantB, 0o600},
		{"apps/c/helmrelease.yaml", hrYAML, 0o644},
	} {
		got, mode := readFile(t, root, tc.name)
		if got != tc.content || mode != tc.mode {
			t.Errorf("%s = %q mode %04o, want %q mode %04o", tc.name, got, mode, tc.content, tc.mode)
		}
	}
	assertNoTemp(t, root, "apps/a/helmrelease.yaml", "apps/b/ocirepository.yaml", "apps/c/helmrelease.yaml")
}

func TestFiles_OneWritePerFile(t *testing.T) {
	t.Parallel()
	root := setup(t, map[string]string{"o.yaml": ociYAML}, nil)
	var mu sync.Mutex
	var writes []string
	opts := Options{WriteFile: func(name string, data []byte, perm fs.FileMode) error {
		mu.Lock()
		writes = append(writes, filepath.Base(name))
		mu.Unlock()
		return writeFile(name, data, perm)
	}}
	res := Files(root, []Edit{
		editOf(t, "o.yaml", ociYAML, "'1.2.3'", "1.2.3", "1.3.0"),
		editOf(t, "./o.yaml", ociYAML, "sha256:aaaa", "sha256:aaaa", "sha256:bbbb"),
	}, opts)
	if len(res) != 1 || res[0].Err != nil || res[0].Edits != 2 {
		t.Fatalf("Files() = %+v, want one result with 2 edits", summarize(res))
	}
	if len(writes) != 1 || !strings.HasPrefix(writes[0], ".o.yaml.bosun-") {
		t.Errorf("writes = %q, want one write to a temporary .o.yaml.bosun-* file", writes)
	}
	assertNoTemp(t, root, "o.yaml")
}

func TestFiles_DryRun(t *testing.T) {
	t.Parallel()
	root := setup(t, map[string]string{"a.yaml": hrYAML}, nil)
	res := Files(root, []Edit{editOf(t, "a.yaml", hrYAML, "6.5.0", "6.5.0", "7.0.0")}, Options{DryRun: true, WriteFile: func(string, []byte, fs.FileMode) error {
		t.Error("WriteFile called in a dry run")
		return nil
	}})
	want := []resultSummary{{File: "a.yaml", Edits: 1, After: strings.Replace(hrYAML, "6.5.0", "7.0.0", 1)}}
	if diff := cmp.Diff(want, summarize(res)); diff != "" {
		t.Errorf("Files() mismatch (-want +got):\n%s", diff)
	}
	if got, _ := readFile(t, root, "a.yaml"); got != hrYAML {
		t.Errorf("dry run changed the file: %q", got)
	}
	assertNoTemp(t, root, "a.yaml")
}

// A disk-full error while writing one file: that file is untouched, no
// temporary file remains, and the other file is still written.
func TestFiles_DiskFull(t *testing.T) {
	t.Parallel()
	root := setup(t, map[string]string{"a.yaml": hrYAML, "b.yaml": hrYAML}, nil)
	opts := Options{WriteFile: func(name string, data []byte, perm fs.FileMode) error {
		if strings.HasPrefix(filepath.Base(name), ".b.yaml.") {
			// Half the data reaches the disk, then it is full.
			if err := writeFile(name, data[:len(data)/2], perm); err != nil {
				return err
			}
			return &fs.PathError{Op: "write", Path: name, Err: syscall.ENOSPC}
		}
		return writeFile(name, data, perm)
	}}
	res := Files(root, []Edit{
		editOf(t, "a.yaml", hrYAML, "6.5.0", "6.5.0", "7.0.0"),
		editOf(t, "b.yaml", hrYAML, "6.5.0", "6.5.0", "7.0.0"),
	}, opts)
	if len(res) != 2 || res[0].Err != nil || res[1].Err == nil {
		t.Fatalf("Files() = %+v, want a ok and b failed", summarize(res))
	}
	if !errors.Is(res[1].Err, syscall.ENOSPC) || !strings.Contains(res[1].Err.Error(), "rewrite b.yaml: write temporary file:") {
		t.Errorf("b error = %v, want a wrapped ENOSPC", res[1].Err)
	}
	if res[1].After != nil {
		t.Errorf("b After = %q, want nil on failure", res[1].After)
	}
	if got, _ := readFile(t, root, "a.yaml"); got != strings.Replace(hrYAML, "6.5.0", "7.0.0", 1) {
		t.Errorf("a.yaml = %q, want it updated", got)
	}
	if got, _ := readFile(t, root, "b.yaml"); got != hrYAML {
		t.Errorf("b.yaml = %q, want it untouched", got)
	}
	assertNoTemp(t, root, "a.yaml", "b.yaml")
}

func TestFiles_Refused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		prepare func(t *testing.T, root string)
		file    string
		wantErr error
		wantMsg string
	}{
		{
			name:    "read-only file keeps mode and content",
			prepare: func(t *testing.T, root string) { mustChmod(t, filepath.Join(root, "a.yaml"), 0o444) },
			file:    "a.yaml",
			wantErr: ErrReadOnly,
			wantMsg: "rewrite a.yaml: mode 0444: file is read-only",
		},
		{
			name:    "deleted since the plan",
			prepare: func(t *testing.T, root string) { mustRemove(t, filepath.Join(root, "a.yaml")) },
			file:    "a.yaml",
			wantErr: fs.ErrNotExist,
		},
		{
			name: "symlink",
			prepare: func(t *testing.T, root string) {
				if err := os.Symlink("a.yaml", filepath.Join(root, "link.yaml")); err != nil {
					t.Fatal(err)
				}
			},
			file:    "link.yaml",
			wantErr: ErrNotEditable,
			wantMsg: "rewrite link.yaml: is a symlink: value is not editable in place",
		},
		{
			name: "directory symlink leading outside the root",
			prepare: func(t *testing.T, root string) {
				outside := t.TempDir()
				if err := os.WriteFile(filepath.Join(outside, "a.yaml"), []byte(hrYAML), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Symlink(outside, filepath.Join(root, "out")); err != nil {
					t.Fatal(err)
				}
			},
			file:    "out/a.yaml",
			wantErr: ErrNotEditable,
		},
		{name: "parent directory", file: "../a.yaml", wantErr: ErrInvalidEdit},
		{name: "absolute path", file: "/etc/passwd", wantErr: ErrInvalidEdit},
		{name: "backslash", file: `apps\a.yaml`, wantErr: ErrInvalidEdit},
		{name: "empty path", file: "", wantErr: ErrInvalidEdit},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := setup(t, map[string]string{"a.yaml": hrYAML}, nil)
			if tt.prepare != nil {
				tt.prepare(t, root)
			}
			before := snapshot(t, root)
			res := Files(root, []Edit{editOf(t, tt.file, hrYAML, "6.5.0", "6.5.0", "7.0.0")}, Options{})
			if len(res) != 1 || !errors.Is(res[0].Err, tt.wantErr) {
				t.Fatalf("Files() = %+v, want one error wrapping %v", summarize(res), tt.wantErr)
			}
			if tt.wantMsg != "" && res[0].Err.Error() != tt.wantMsg {
				t.Errorf("error = %q, want %q", res[0].Err, tt.wantMsg)
			}
			if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
				t.Errorf("root changed (-before +after):\n%s", diff)
			}
		})
	}
}

// A read-only directory: the temporary file cannot be created, nothing is
// written. Root ignores directory permissions, so the test needs a normal user.
func TestFiles_ReadOnlyDir(t *testing.T) {
	t.Parallel()
	if os.Geteuid() == 0 {
		t.Skip("running as root: directory permissions are not enforced")
	}
	root := setup(t, map[string]string{"d/a.yaml": hrYAML}, nil)
	dir := filepath.Join(root, "d")
	mustChmod(t, dir, 0o555)
	t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
	before := snapshot(t, root)
	res := Files(root, []Edit{editOf(t, "d/a.yaml", hrYAML, "6.5.0", "6.5.0", "7.0.0")}, Options{})
	if len(res) != 1 || !errors.Is(res[0].Err, fs.ErrPermission) {
		t.Fatalf("Files() = %+v, want a permission error", summarize(res))
	}
	if diff := cmp.Diff(before, snapshot(t, root)); diff != "" {
		t.Errorf("root changed (-before +after):\n%s", diff)
	}
}

// snapshot maps every path under root to its mode and content.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		var content []byte
		if fi.Mode().IsRegular() {
			if content, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		m[p] = fi.Mode().String() + " " + string(content)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func mustChmod(t *testing.T, p string, m fs.FileMode) {
	t.Helper()
	if err := os.Chmod(p, m); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, p string) {
	t.Helper()
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
}
