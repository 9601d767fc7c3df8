package flux

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"github.com/bosunhq/bosun/internal/testutil/golden"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

// copyTree copies a testdata case to a temporary directory outside any git
// work tree, so the scan walks the file system whatever git tracks.
func copyTree(t *testing.T, src string) string {
	t.Helper()
	files := fstree.Read(t, src)
	for p := range files {
		if path.Base(p) == "want.golden" {
			delete(files, p)
		}
	}
	dst := t.TempDir()
	fstree.Write(t, dst, files)
	return dst
}

func TestScan_Golden(t *testing.T) {
	t.Parallel()
	entries, err := os.ReadDir("testdata")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		t.Run(e.Name(), func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", e.Name())
			root := copyTree(t, dir)
			res, err := Scan(context.Background(), root, Options{})
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			checkTokens(t, root, res.Refs)
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Assert(t, filepath.Join(dir, "want.golden"), got)
		})
	}
}

// checkTokens asserts, for every Ref, that file[Start:End] is the raw token
// as written and that unquoting it yields Version (and Digest).
func checkTokens(t *testing.T, root string, refs []chart.Ref) {
	t.Helper()
	cache := map[string][]byte{}
	read := func(p string) []byte {
		if b, ok := cache[p]; ok {
			return b
		}
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		cache[p] = b
		return b
	}
	check := func(r chart.Ref, what string, loc chart.Location, want string) {
		b := read(loc.File)
		if loc.Start < 0 || loc.End > len(b) || loc.Start > loc.End {
			t.Errorf("%s %s %s: bad range [%d,%d) in %d bytes", r.Kind, r.Name, what, loc.Start, loc.End, len(b))
			return
		}
		raw := string(b[loc.Start:loc.End])
		if loc.Start == loc.End { // field absent: the location only points at the object
			if want != "" {
				t.Errorf("%s %s %s: empty range but value %q", r.Kind, r.Name, what, want)
			}
			return
		}
		if r.Skip == chart.SkipAlias && strings.HasPrefix(raw, "*") {
			return // the token is the alias, Version its resolved value
		}
		var got string
		if err := yaml.Unmarshal([]byte("v: "+raw), &struct {
			V *string `yaml:"v"`
		}{&got}); err != nil {
			t.Errorf("%s %s %s: token %q does not parse: %v", r.Kind, r.Name, what, raw, err)
			return
		}
		if r.Field == "" && what == "version" {
			want = got // a chartRef that links nowhere points at the name it looked for
		}
		if got != want {
			t.Errorf("%s %s %s: token %q unquotes to %q, want %q", r.Kind, r.Name, what, raw, got, want)
		}
		if line := bytes.Count(b[:loc.Start], []byte("\n")) + 1; line != loc.Line {
			t.Errorf("%s %s %s: Start on line %d, Loc.Line %d", r.Kind, r.Name, what, line, loc.Line)
		}
	}
	for _, r := range refs {
		check(r, "version", r.Loc, r.Version)
		if r.DigestLoc != nil {
			check(r, "digest", *r.DigestLoc, r.Digest)
		}
	}
}
