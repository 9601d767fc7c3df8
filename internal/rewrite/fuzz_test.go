package rewrite

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/manifest"
)

// corpusDir returns the shared corpus of real repositories:
// $BOSUN_CORPUS, else <repo root>/../shared/corpus.
func corpusDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("BOSUN_CORPUS"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return filepath.Join(filepath.Dir(d), "shared", "corpus")
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// corpusFiles lists the YAML files of the shared corpus, or nil when absent.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	dir := corpusDir(t)
	if dir == "" {
		return nil
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// FuzzApply picks a scalar of a YAML document by index, edits it to a
// fuzzed value and checks the result: it parses, the edited scalar reads as
// the new string, every byte outside the edited range is unchanged, and
// Verify agrees. Seeds: the shared corpus (if present) and testdata.
func FuzzApply(f *testing.F) {
	seeds := corpusFiles(f)
	if len(seeds) == 0 {
		f.Log("shared corpus not found (set BOSUN_CORPUS); seeding from testdata only")
	}
	values := []string{"1.2.3", "1.10", "v2.0.0-rc.1+build", "sha256:abcd", "yes", "it's \"x\"", "", " a ", "a: b", "é☃"}
	for i, p := range seeds {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, uint16(i*7), values[i%len(values)])
	}
	golden, _ := filepath.Glob(filepath.Join("testdata", "apply", "*.txtar"))
	for i, p := range golden {
		ar, err := txtar.ParseFile(p)
		if err != nil {
			f.Fatal(err)
		}
		for _, file := range ar.Files {
			if file.Name == "input.yaml" {
				f.Add(file.Data, uint16(i), values[i%len(values)])
				f.Add(bytes.ReplaceAll(file.Data, []byte("\n"), []byte("\r\n")), uint16(i+1), "2.0.0")
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte, pick uint16, newValue string) {
		checkApply(t, src, int(pick), newValue)
	})
}

func checkApply(t *testing.T, src []byte, pick int, newValue string) {
	p, err := parse(src)
	if err != nil {
		return
	}
	x := p.index()
	var scalars []*yaml.Node
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode || n.Kind == yaml.AliasNode {
			scalars = append(scalars, n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, d := range p.docs {
		walk(d)
	}
	if len(scalars) == 0 {
		return
	}
	n := scalars[pick%len(scalars)]
	start := p.tokenStart(n)
	if start < 0 {
		t.Fatalf("node %q at %d:%d has no byte offset", n.Value, n.Line, n.Column)
	}
	end := scanToken(src, start, n.Value)
	if end < 0 {
		return // multi-line or block scalar: not a case for this fuzzer
	}
	e := Edit{Start: start, End: end, Old: n.Value, New: newValue}
	out, err := Apply(src, []Edit{e})
	if err != nil {
		if editable(x, n, src[start:end]) && checkValue(newValue) == nil {
			t.Fatalf("Apply(%q -> %q at %d:%d) = %v", n.Value, newValue, n.Line, n.Column, err)
		}
		return
	}
	if n.Kind == yaml.AliasNode || x.isKey[n] {
		t.Fatalf("Apply edited an alias or key %q", n.Value)
	}
	// Only the edited range changed.
	if !bytes.Equal(out[:start], src[:start]) || !bytes.Equal(out[len(out)-(len(src)-end):], src[end:]) {
		t.Fatalf("bytes outside [%d,%d) changed", start, end)
	}
	// The result parses and the edited scalar reads as the new string.
	q, err := parse(out)
	if err != nil {
		t.Fatalf("result does not parse: %v\n%s", err, out)
	}
	m := q.index().byStart[start]
	if m == nil || m.Kind != yaml.ScalarNode || m.Value != newValue || m.Tag != "!!str" {
		t.Fatalf("edited scalar = %+v, want %q !!str", m, newValue)
	}
	if err := Verify(src, out, []Edit{e}); err != nil {
		t.Fatalf("Verify() = %v", err)
	}
}

// scanToken finds the end of the one-line scalar token at start, written
// independently of the package's own scanner; -1 when it is not on one line.
func scanToken(src []byte, start int, value string) int {
	line := src[start:]
	for i := range line {
		if manifest.BreakLen(line, i) > 0 {
			line = line[:i]
			break
		}
	}
	switch {
	case len(line) == 0:
		return -1
	case line[0] == '\'':
		for i := 1; i < len(line); i++ {
			if line[i] == '\'' {
				if i+1 < len(line) && line[i+1] == '\'' {
					i++
					continue
				}
				return start + i + 1
			}
		}
		return -1
	case line[0] == '"':
		for i := 1; i < len(line); i++ {
			if line[i] == '\\' {
				i++
			} else if line[i] == '"' {
				return start + i + 1
			}
		}
		return -1
	case line[0] == '*':
		i := 1
		for i < len(line) && !isBlank(line[i]) && !isFlowIndicator(line[i]) {
			i++
		}
		return start + i
	}
	if value != "" && bytes.HasPrefix(line, []byte(value)) {
		return start + len(value)
	}
	return -1
}

// editable says whether Apply must accept an edit of n at tok: a one-line
// plain or quoted string scalar, not a key, not shared through an alias.
func editable(x *index, n *yaml.Node, tok []byte) bool {
	if n.Kind != yaml.ScalarNode || x.isKey[n] || hasBreak(tok) {
		return false
	}
	if n.Style&yaml.TaggedStyle != 0 && n.Tag != "!!str" {
		return false
	}
	if s := n.Style &^ yaml.TaggedStyle; s != 0 && s != yaml.SingleQuotedStyle && s != yaml.DoubleQuotedStyle {
		return false
	}
	for a := n; a != nil; a = x.parent[a] {
		if _, ok := x.aliased[a]; ok {
			return false
		}
	}
	return true
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

func isFlowIndicator(c byte) bool {
	return c == ',' || c == '[' || c == ']' || c == '{' || c == '}'
}
