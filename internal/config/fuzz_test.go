package config

import (
	"os"
	"path/filepath"
	"testing"

	configschema "github.com/bosunhq/bosun/config"
)

// FuzzParse checks that no input panics and that an accepted file validates.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add(configschema.Example)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("bosun.yaml", data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Errorf("Parse accepted a file Validate rejects: %v", err)
		}
		if _, err := c.Policy(); err != nil {
			t.Errorf("Parse accepted a file whose policy does not compile: %v", err)
		}
	})
}
