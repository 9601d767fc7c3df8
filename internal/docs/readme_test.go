package docs

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/bosunhq/bosun/internal/testutil/golden"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/config"
)

// root is the repository root (this package is internal/docs).
func root(t *testing.T) string {
	t.Helper()
	abs, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// repoFile reads the file at path (slash-separated, relative to the
// repository root).
func repoFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func readme(t *testing.T) string {
	t.Helper()
	return string(repoFile(t, "README.md"))
}

// docFile is a Markdown file of the manual: README.md or docs/*.md.
type docFile struct {
	name, text string
}

// manual returns README.md and docs/*.md.
func manual(t *testing.T) []docFile {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root(t), "docs", "*.md"))
	out := []docFile{{"README.md", readme(t)}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, docFile{"docs/" + filepath.Base(f), string(b)})
	}
	return out
}

func docText(t *testing.T, name string) string {
	t.Helper()
	for _, d := range manual(t) {
		if d.name == name {
			return d.text
		}
	}
	t.Fatalf("no %s", name)
	return ""
}

// notRun marks a shell block the tests check but cannot run (it needs the
// network or a cluster).
const notRun = "# not run by the tests"

type block struct {
	lang, body string
	line       int
}

var fenceRE = regexp.MustCompile("(?m)^```([a-z]*)\n")

// blocks returns the fenced code blocks of a Markdown text.
func blocks(md string) []block {
	var out []block
	rest, offset := md, 0
	for {
		loc := fenceRE.FindStringSubmatchIndex(rest)
		if loc == nil {
			return out
		}
		lang := rest[loc[2]:loc[3]]
		start := loc[1]
		end := strings.Index(rest[start:], "\n```")
		if end < 0 {
			return out
		}
		body := rest[start : start+end+1]
		out = append(out, block{lang: lang, body: body, line: strings.Count(md[:offset+start], "\n") + 1})
		rest = rest[start+end+4:]
		offset += start + end + 4
	}
}

// TestReadme_EveryBlockIsChecked makes sure no snippet of README.md or
// docs/ escapes the tests below: each block is a shell block (run, or
// marked not run and checked by its own test), a JSON document, or a YAML
// file whose first line names what it is.
func TestReadme_EveryBlockIsChecked(t *testing.T) {
	t.Parallel()
	notRunBlocks := map[string]int{}
	for _, d := range manual(t) {
		for _, b := range blocks(d.text) {
			first, _, _ := strings.Cut(b.body, "\n")
			switch b.lang {
			case "sh":
				if strings.HasPrefix(first, notRun) {
					notRunBlocks[d.name]++
				}
			case "json":
				if d.name != "README.md" && d.name != "docs/cli.md" && d.name != "docs/renovate.md" {
					t.Errorf("%s:%d: a JSON block outside README.md, docs/cli.md and docs/renovate.md is not checked", d.name, b.line)
				}
			case "yaml":
				if !strings.HasPrefix(first, "# bosun.yaml") && !strings.HasPrefix(first, "# .github/workflows/") && !(d.name == "docs/kubernetes.md" && strings.HasPrefix(first, "# kubernetes/")) {
					t.Errorf("%s:%d: a yaml block must start with '# bosun.yaml', '# .github/workflows/…' (or '# kubernetes/…' in docs/kubernetes.md) so a test can check it", d.name, b.line)
				}
			default:
				t.Errorf("%s:%d: code block of language %q is not checked by any test", d.name, b.line, b.lang)
			}
		}
	}
	// Each not-run block has a test of its own: the install commands and
	// the cluster setup.
	if diff := cmp.Diff(map[string]int{"README.md": 1, "docs/kubernetes.md": 1}, notRunBlocks); diff != "" {
		t.Errorf("blocks marked %q (-checked +found):\n%s", notRun, diff)
	}
}

// TestReadme_ConfigSnippets decodes every bosun.yaml snippet strictly.
func TestReadme_ConfigSnippets(t *testing.T) {
	t.Parallel()
	n := 0
	for _, d := range manual(t) {
		for _, b := range blocks(d.text) {
			if b.lang == "yaml" && strings.HasPrefix(b.body, "# bosun.yaml") {
				n++
				if _, err := config.Parse(fmt.Sprintf("%s:%d", d.name, b.line), []byte(b.body)); err != nil {
					t.Errorf("%s:%d: %v", d.name, b.line, err)
				}
			}
		}
	}
	if n < 2 {
		t.Errorf("found %d bosun.yaml snippets, want at least 2", n)
	}
}

// TestReadme_Workflows checks that each workflow in README.md is one of the
// example workflows in docs/examples (which actionlint checks).
func TestReadme_Workflows(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join(root(t), "docs", "examples", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no example workflows: %v", err)
	}
	examples := map[string]bool{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		examples[string(b)] = true
	}
	n := 0
	for _, b := range blocks(readme(t)) {
		if b.lang == "yaml" && strings.HasPrefix(b.body, "# .github/workflows/") {
			n++
			if !examples[b.body] {
				t.Errorf("README.md:%d: workflow differs from every file in docs/examples/ (keep them identical)", b.line)
			}
		}
	}
	if n != len(files) {
		t.Errorf("README.md shows %d workflows, docs/examples has %d", n, len(files))
	}
}

// keys returns the set of object keys in v, recursively, as paths.
func keys(v any, prefix string, out map[string]bool) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			out[prefix+k] = true
			keys(e, prefix+k+".", out)
		}
	case []any:
		for _, e := range x {
			keys(e, prefix+"[].", out)
		}
	}
}

// TestReadme_JSONExamples checks that every key of the JSON examples exists
// in what bosun really writes.
func TestReadme_JSONExamples(t *testing.T) {
	t.Parallel()
	bin := buildBosun(t)
	env := newSandbox(t)
	real := map[string]map[string]bool{}
	for _, cmd := range []string{"scan", "plan"} {
		out, err := env.run(t, bin, cmd, "-o", "json")
		if err != nil {
			t.Fatalf("bosun %s: %v", cmd, err)
		}
		var v any
		if err := json.Unmarshal(out, &v); err != nil {
			t.Fatal(err)
		}
		real[cmd] = map[string]bool{}
		keys(v, "", real[cmd])
	}
	n := 0
	for _, b := range blocks(readme(t) + docText(t, "docs/cli.md")) {
		if b.lang != "json" {
			continue
		}
		var v any
		if err := json.Unmarshal([]byte(b.body), &v); err != nil {
			t.Errorf("README.md:%d: not JSON: %v", b.line, err)
			continue
		}
		n++
		ex := map[string]bool{}
		keys(v, "", ex)
		kind := "scan"
		if ex["groups"] {
			kind = "plan"
		}
		for k := range ex {
			if !real[kind][k] {
				t.Errorf("README.md:%d: key %q is not in `bosun %s -o json` output", b.line, k, kind)
			}
		}
	}
	if n != 2 {
		t.Errorf("found %d JSON examples, want 2 (scan and plan)", n)
	}
}

// TestReadme_Commands runs every shell command README.md and docs/cli.md
// give outside the quick start (which .ci/run runs) in the directory `bosun
// demo --keep` leaves, against the demo's registries and an in-process
// GitHub.
func TestReadme_Commands(t *testing.T) {
	t.Parallel()
	bin := buildBosun(t)
	env := newSandbox(t)
	var cmds []string
	for _, b := range blocks(readme(t) + docText(t, "docs/cli.md")) {
		if b.lang != "sh" || strings.Contains(b.body, "go test ./...") || strings.HasPrefix(b.body, notRun) {
			continue
		}
		for _, l := range strings.Split(b.body, "\n") {
			if strings.TrimSpace(l) != "" {
				cmds = append(cmds, l)
			}
		}
	}
	if len(cmds) < 8 {
		t.Fatalf("found %d commands, want the command-line section's", len(cmds))
	}
	for _, c := range cmds {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		cmd := exec.CommandContext(ctx, "bash", "-euo", "pipefail", "-c", c)
		cmd.Dir = env.dir
		cmd.Env = env.environ(filepath.Dir(bin))
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("README command %q: %v\n%s", c, err, out)
		}
		if bytes.Contains(out, []byte(env.token)) {
			t.Errorf("README command %q printed the token", c)
		}
	}
	if got := env.fake.Writes(); got == 0 {
		t.Log("no GitHub writes: run --dry-run made none, as it must")
	} else {
		t.Errorf("the README commands made %d GitHub writes; run --dry-run must make none", got)
	}
}

// schemaRows renders the config reference from the JSON schema.
func schemaRows(t *testing.T) string {
	t.Helper()
	b := repoFile(t, "config/bosun.schema.json")
	var s map[string]any
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	type row struct{ key, desc string }
	var rows []row
	var walk func(node map[string]any, prefix string)
	walk = func(node map[string]any, prefix string) {
		props, _ := node["properties"].(map[string]any)
		names := make([]string, 0, len(props))
		for k := range props {
			names = append(names, k)
		}
		order := schemaOrder(t, b, prefix)
		sort.SliceStable(names, func(i, j int) bool { return order[names[i]] < order[names[j]] })
		for _, k := range names {
			p := props[k].(map[string]any)
			desc, _ := p["description"].(string)
			rows = append(rows, row{prefix + k, desc})
			if _, ok := p["properties"]; ok {
				walk(p, prefix+k+".")
			}
			if items, ok := p["items"].(map[string]any); ok {
				if _, ok := items["properties"]; ok {
					walk(items, prefix+k+"[].")
				}
			}
		}
	}
	walk(s, "")
	var out strings.Builder
	out.WriteString("| key | description |\n|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&out, "| `%s` | %s |\n", r.key, strings.ReplaceAll(r.desc, "|", `\|`))
	}
	return out.String()
}

// schemaOrder returns the order in which keys appear in the schema file
// under prefix (JSON objects decode unordered).
func schemaOrder(t *testing.T, raw []byte, prefix string) map[string]int {
	t.Helper()
	var n yaml.Node // JSON is YAML: the node keeps key order
	if err := yaml.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	node := n.Content[0]
	get := func(m *yaml.Node, key string) *yaml.Node {
		for i := 0; i+1 < len(m.Content); i += 2 {
			if m.Content[i].Value == key {
				return m.Content[i+1]
			}
		}
		return nil
	}
	for _, part := range strings.Split(strings.TrimSuffix(prefix, "."), ".") {
		if part == "" {
			continue
		}
		name, isList := strings.CutSuffix(part, "[]")
		node = get(get(node, "properties"), name)
		if isList {
			node = get(node, "items")
		}
	}
	order := map[string]int{}
	props := get(node, "properties")
	for i := 0; props != nil && i+1 < len(props.Content); i += 2 {
		order[props.Content[i].Value] = i
	}
	return order
}

// actionRows renders the action reference from action.yml.
func actionRows(t *testing.T) string {
	t.Helper()
	a := loadAction(t)
	var out strings.Builder
	out.WriteString("| input | default | description |\n|---|---|---|\n")
	for _, in := range a.inputOrder {
		i := a.Inputs[in]
		fmt.Fprintf(&out, "| `%s` | `%s` | %s |\n", in, defaultRepr(i.Default), i.Description)
	}
	out.WriteString("\n| output | description |\n|---|---|\n")
	for _, o := range a.outputOrder {
		fmt.Fprintf(&out, "| `%s` | %s |\n", o, a.Outputs[o].Description)
	}
	return out.String()
}

func defaultRepr(d string) string {
	if strings.HasPrefix(d, "${{") {
		return d
	}
	return fmt.Sprintf("%q", d)
}

// TestReadme_GeneratedSections keeps the config reference in
// docs/config.md equal to the schema and the action reference in README.md
// equal to action.yml; -update rewrites them.
func TestReadme_GeneratedSections(t *testing.T) {
	for _, s := range []struct{ file, name, body string }{
		{"docs/config.md", "config-reference", schemaRows(t)},
		{"README.md", "action-reference", actionRows(t)},
	} {
		path := filepath.Join(root(t), filepath.FromSlash(s.file))
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		md := string(b)
		start, end := "<!-- "+s.name+":start -->\n", "<!-- "+s.name+":end -->"
		i, j := strings.Index(md, start), strings.Index(md, end)
		if i < 0 || j < i {
			t.Fatalf("%s lacks the %s markers", s.file, s.name)
		}
		got := md[:i+len(start)] + s.body + md[j:]
		if golden.Update() {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if diff := cmp.Diff(md, got); diff != "" {
			t.Errorf("%s's generated section %s is stale (go test ./internal/docs -update) (-have +want):\n%s", s.file, s.name, diff)
		}
	}
}
