// Package fstree reads a directory tree into memory for tests: seeding the
// GitHub fake with a repository, comparing a working tree after apply.
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
