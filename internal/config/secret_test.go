package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A token pasted into a field that takes a duration, a size or a name must
// not be quoted back in the error, while the key and line still are.
func TestParse_ErrorsDoNotEchoCredentials(t *testing.T) {
	t.Parallel()
	const token = "ghp_R2d2C3poR2d2C3poR2d2C3poR2d2C3po1234"
	cases := map[string]string{
		"duration":  "version: 1\ndefaults:\n  minimumReleaseAge: " + token + "\n",
		"size":      "version: 1\nlookup:\n  maxIndexSize: " + token + "\n",
		"type":      "version: 1\nlookup:\n  concurrency: " + token + "\n",
		"group":     "version: 1\ndefaults:\n  group: \"" + token + "!\"\n",
		"dense key": "version: 1\ndefaults:\n  minimumReleaseAge: Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5\n",
	}
	for name, src := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("bosun.yaml", []byte(src))
			if err == nil {
				t.Fatal("Parse accepted an invalid value")
			}
			msg := err.Error()
			if strings.Contains(msg, "R2d2C3po") || strings.Contains(msg, "Zm9vYmFy") {
				t.Errorf("error echoes the secret: %s", msg)
			}
			if !strings.Contains(msg, "bosun.yaml:3:") {
				t.Errorf("error lost the position: %s", msg)
			}
		})
	}
	// Ordinary mistakes are still quoted, which is what makes them easy to fix.
	_, err := Parse("bosun.yaml", []byte("version: 1\ndefaults:\n  minimumReleaseAge: 3 days\n"))
	if err == nil || !strings.Contains(err.Error(), `"3 days"`) {
		t.Errorf("a harmless value is no longer quoted: %v", err)
	}
}

func TestFind_SymlinkOutsideRepository(t *testing.T) {
	t.Parallel()
	outside := t.TempDir()
	secret := filepath.Join(outside, "token.yaml")
	if err := os.WriteFile(secret, []byte("version: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	if err := os.Symlink(secret, filepath.Join(repo, "bosun.yaml")); err != nil {
		t.Skipf("symlinks unsupported: %v", err)
	}
	if _, err := Find(repo); !errors.Is(err, ErrOutsideRepo) {
		t.Fatalf("Find followed a symlink out of the repository: %v", err)
	}

	// A link that stays inside the repository is fine.
	inside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(inside, "cfg"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(inside, "cfg", "real.yaml"), []byte("version: 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join("cfg", "real.yaml"), filepath.Join(inside, "bosun.yaml")); err != nil {
		t.Fatal(err)
	}
	p, err := Find(inside)
	if err != nil || filepath.Base(p) != "bosun.yaml" {
		t.Fatalf("Find(inside) = %q, %v", p, err)
	}
}
