// Package fstree reads a directory tree into memory and writes one out, for
// tests: seeding the GitHub fake with a repository, comparing a working tree
// after apply, laying out a repository to scan.
package fstree

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// Read returns every regular file under dir by slash-separated relative path.
func Read(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatalf("read tree %s: %v", dir, err)
	}
	return out
}

// WriteFile writes data to path with mode 0644, creating its directories.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Write writes files (slash-separated path relative to root -> content)
// under root.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		WriteFile(t, filepath.Join(root, filepath.FromSlash(p)), []byte(data))
	}
}
