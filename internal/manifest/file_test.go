package manifest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// findKey returns the value node of the first mapping key named key, and its parent.
func findKey(n *yaml.Node, key string) (val, parent *yaml.Node) {
	if n == nil {
		return nil, nil
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1], n
			}
		}
	}
	for _, c := range n.Content {
		if v, p := findKey(c, key); v != nil {
			return v, p
		}
	}
	return nil, nil
}

func TestFile_Span(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string // raw token
	}{
		{"plain", "a:\n  v: 1.2.3\n", "1.2.3"},
		{"plain comment", "v: 1.2.3 # pinned\n", "1.2.3"},
		{"plain trailing space", "v: 1.2.3   \n", "1.2.3"},
		{"plain no newline", "v: 1.2.3", "1.2.3"},
		{"plain with hash", "v: 1.2#3\n", "1.2#3"},
		{"double", "v: \"1.2.3\"\n", `"1.2.3"`},
		{"double escape", "v: \"1.2.\\\"3\" # x\n", `"1.2.\"3"`},
		{"single", "v: '1.2.3'\n", "'1.2.3'"},
		{"single escape", "v: 'it''s'\n", "'it''s'"},
		{"crlf", "a: b\r\nv: 1.2.3\r\nc: d\r\n", "1.2.3"},
		{"crlf quoted", "a: b\r\nv: \"1.2.3\"\r\n", `"1.2.3"`},
		{"bom", "\ufeffv: 1.2.3\n", "1.2.3"},
		{"bom second line", "\ufeffa: b\nv: 1.2.3\n", "1.2.3"},
		{"non-ascii before", "a: {é: ü, v: 1.2.3}\n", "1.2.3"},
		{"non-ascii key same line", "x: {ünïcødé: 1, v: '1.2.3'}\n", "'1.2.3'"},
		{"flow plain", "x: {v: 1.2.3, w: 2}\n", "1.2.3"},
		{"flow seq", "x: [a, {v: 1.2.3}]\n", "1.2.3"},
		{"anchor", "v: &ver 1.2.3\nw: *ver\n", "1.2.3"},
		{"anchor quoted", "v: &ver \"1.2.3\"\n", `"1.2.3"`},
		{"tag", "v: !!str 1.2.3\n", "1.2.3"},
		{"anchor and tag", "v: &a !!str '1.2.3'\n", "'1.2.3'"},
		{"alias", "x: &ver 1.2.3\nv: *ver\n", "*ver"},
		{"literal", "a:\n  v: |\n    1.2.3\n  w: x\n", "|\n    1.2.3\n"},
		{"folded crlf", "a:\r\n  v: >-\r\n    1.2.3\r\n\r\n  w: x\r\n", ">-\r\n    1.2.3\r\n"},
		{"literal eof", "v: |\n  1.2.3", "|\n  1.2.3"},
		{"multi-line plain", "a:\n  v: 1.2\n    .3\n  w: x\n", "1.2\n    .3"},
		{"second doc", "a: b\n---\nv: 4.5.6\n", "4.5.6"},
		{"unicode line separator", "a: \"x\u2028y\"\nv: 1.2.3\n", "1.2.3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, ferr := Parse("f.yaml", []byte(tc.src))
			if ferr != nil {
				t.Fatalf("Parse: %v", ferr)
			}
			var val, parent *yaml.Node
			for _, d := range f.Docs {
				if val, parent = findKey(d.Root, "v"); val != nil {
					break
				}
			}
			if val == nil {
				t.Fatal("no key v")
			}
			sp, err := f.Span(val, parent)
			if err != nil {
				t.Fatalf("Span: %v", err)
			}
			got := string(f.Data[sp.Start:sp.End])
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("token mismatch (-want +got):\n%s", diff)
			}
			if val.Kind == yaml.AliasNode {
				return
			}
			var v string
			if err := yaml.Unmarshal([]byte("v: "+got), &struct {
				V *string `yaml:"v"`
			}{&v}); err != nil {
				t.Fatalf("unmarshal %q: %v", got, err)
			}
			if v != val.Value && !strings.Contains(got, "\n") {
				t.Errorf("unquoted %q, want %q", v, val.Value)
			}
		})
	}
}

func TestParse_Problems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want *FileError
		docs int
	}{
		{"ok multi", "a: 1\n---\nb: 2\n---\n", nil, 2},
		{"empty", "", nil, 0},
		{"comment only", "# hi\n", nil, 0},
		{"malformed", "a: 1\nb: [\n", &FileError{File: "f.yaml", Line: 2, Msg: "did not find expected node content"}, 0},
		{"malformed second doc", "a: 1\n---\nb: c: d\n", &FileError{File: "f.yaml", Line: 3, Msg: "mapping values are not allowed in this context"}, 1},
		{"binary", "a: \x00\x01", &FileError{File: "f.yaml", Msg: "binary file"}, 0},
		{"utf16", "\xff\xfea\x00", &FileError{File: "f.yaml", Msg: "UTF-16 encoding is not supported"}, 0},
		{"invalid utf8", "a: 1\nb: caf\xe9\n", &FileError{File: "f.yaml", Line: 2, Msg: "invalid UTF-8"}, 0},
		{"bom", "\ufeffa: 1\n", nil, 1},
		{"crlf", "a: 1\r\n---\r\nb: 2\r\n", nil, 2},
		{"duplicate key", "a: 1\n---\nspec: {version: 1.0.0, version: 1.1.0}\n---\nb: 2\n",
			&FileError{File: "f.yaml", Line: 3, Msg: `mapping key "version" already defined at line 3`}, 2},
		{"duplicate quoted key", "a:\n  b: 1\n  \"b\": 2\n", &FileError{File: "f.yaml", Line: 3, Msg: `mapping key "b" already defined at line 2`}, 0},
		{"same key in two mappings", "a: {v: 1}\nb: {v: 1}\n", nil, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, got := Parse("f.yaml", []byte(tc.src))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
			}
			n := 0
			for _, d := range f.Docs {
				if d.Root != nil && d.Root.Kind == yaml.MappingNode {
					n++
				}
			}
			if n != tc.docs {
				t.Errorf("mapping docs = %d, want %d", n, tc.docs)
			}
		})
	}
}

// TestCheckKeys_Large checks the map-based path for big mappings.
func TestCheckKeys_Large(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := range 100 {
		fmt.Fprintf(&b, "k%d: %d\n", i, i)
	}
	ok := b.String()
	if _, fe := Parse("f.yaml", []byte(ok)); fe != nil {
		t.Fatalf("Parse() = %v, want no error", fe)
	}
	_, fe := Parse("f.yaml", []byte(ok+"k42: x\n"))
	want := &FileError{File: "f.yaml", Line: 101, Msg: `mapping key "k42" already defined at line 43`}
	if diff := cmp.Diff(want, fe); diff != "" {
		t.Errorf("Parse() error mismatch (-want +got):\n%s", diff)
	}
}

func TestParseContext_Cancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, fe := ParseContext(ctx, "f.yaml", []byte("a: 1\n---\nb: 2\n"))
	if fe == nil || len(f.Docs) != 0 {
		t.Errorf("ParseContext(cancelled) = %d docs, %v; want none and an error", len(f.Docs), fe)
	}
}

func TestLooksSOPS(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]bool{
		"password: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]\n": true,
		"a: 1\nsops:\n  version: 3.8.1\n":                           true,
		"PASSWORD=ENC[AES256_GCM,data:abc=]\n":                      true,
		"a: 1\nb: sops\n":                                           false,
		"a: 1\n  sops: x\n":                                         false,
		"":                                                          false,
	} {
		if got := LooksSOPS([]byte(in)); got != want {
			t.Errorf("LooksSOPS(%q) = %v, want %v", in, got, want)
		}
	}
}
