package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/manifest"
)

// Names are where Find looks, in order, relative to the repository root.
var Names = []string{".github/bosun.yaml", "bosun.yaml"}

// ErrNotFound is returned by Find when no configuration file exists.
var ErrNotFound = errors.New("no configuration file")

// Find returns the path of the configuration file under root: the first of
// .github/bosun.yaml and bosun.yaml that exists. It returns an error
// wrapping ErrNotFound when neither does (callers then use Default()).
// A symbolic link is followed only while it stays inside root: a
// configuration found by looking must belong to the repository, and one
// elsewhere must be named explicitly (--config).
func Find(root string) (string, error) {
	for _, n := range Names {
		p := filepath.Join(root, filepath.FromSlash(n))
		fi, err := os.Stat(p)
		switch {
		case err == nil && fi.Mode().IsRegular():
			if err := insideRoot(root, p); err != nil {
				return "", fmt.Errorf("find config in %s: %s: %w", root, n, err)
			}
			return p, nil
		case err == nil:
			return "", fmt.Errorf("find config in %s: %s is not a regular file", root, n)
		case !errors.Is(err, fs.ErrNotExist):
			return "", fmt.Errorf("find config in %s: %w", root, err)
		}
	}
	return "", fmt.Errorf("find config in %s: %w (looked for %s)", root, ErrNotFound, strings.Join(Names, ", "))
}

// ErrOutsideRepo is returned by Find for a configuration that is a symbolic
// link leading out of the repository.
var ErrOutsideRepo = errors.New("is a symbolic link leading outside the repository (name it with --config to read it anyway)")

func insideRoot(root, p string) error {
	ok, err := manifest.Inside(root, p)
	if err == nil && !ok {
		err = ErrOutsideRepo
	}
	return err
}

// Load reads, decodes, defaults and validates the file at path. Messages
// name the file as path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load config: %w", err)
	}
	return Parse(path, data)
}

// Default returns the configuration used when a repository has none.
func Default() *Config {
	c := &Config{Version: 1}
	c.applyDefaults()
	return c
}

// Parse decodes data strictly (unknown keys are errors), applies defaults
// and validates. name prefixes every message ("bosun.yaml:12: ..."). The
// error joins every problem found, each on its own line, sorted by line.
func Parse(name string, data []byte) (*Config, error) {
	c := &Config{name: name, lines: map[string]int{}, unknownIn: map[string]bool{}}
	var probs problems
	badLines := map[int]bool{} // lines with a type error: validation would only repeat it
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		if l := lineOf(msg); l > 0 {
			return nil, fmt.Errorf("%s:%d: %s", name, l, hideSecrets(stripLine(msg)))
		}
		return nil, fmt.Errorf("%s: %s", name, hideSecrets(msg))
	}
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		doc := root.Content[0]
		if doc.Kind != yaml.MappingNode && !(doc.Kind == yaml.ScalarNode && doc.Tag == "!!null") {
			return nil, fmt.Errorf("%s:%d: the configuration must be a mapping", name, doc.Line)
		}
		c.walk(doc, reflect.TypeOf(Config{}), "", &probs)
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		if err := dec.Decode(c); err != nil {
			var te *yaml.TypeError
			if !errors.As(err, &te) {
				return nil, fmt.Errorf("%s: %s", name, hideSecrets(strings.TrimPrefix(err.Error(), "yaml: ")))
			}
			for _, m := range te.Errors {
				if strings.Contains(m, " not found in type ") || strings.Contains(m, " already defined at line ") {
					continue // reported by walk, with its path
				}
				msg := humanize(stripLine(m))
				if p := c.pathAtLine(lineOf(m)); p != "" {
					msg = p + ": " + msg
				}
				probs.addLine(lineOf(m), msg)
				badLines[lineOf(m)] = true
			}
		}
	}
	c.applyDefaults()
	var vprobs problems
	c.validate(&vprobs)
	for _, p := range vprobs {
		if !badLines[p.line] {
			probs = append(probs, p)
		}
	}
	if err := probs.err(name); err != nil {
		return nil, err
	}
	return c, nil
}

// pathAtLine returns the deepest key path written on line, or "".
func (c *Config) pathAtLine(line int) string {
	best := ""
	for p, l := range c.lines {
		if l == line && (len(p) > len(best) || len(p) == len(best) && p < best) {
			best = p
		}
	}
	return best
}

var lineRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^line (\d+): `) })

func lineOf(msg string) int {
	if m := lineRE().FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func stripLine(msg string) string { return lineRE().ReplaceAllString(msg, "") }

var goType = strings.NewReplacer(
	"into []config.Rule", "into a list of rules",
	"into []config.Registry", "into a list of registries",
	"into []string", "into a list of strings",
	"into int", "into an integer",
	"into bool", "into a boolean (true or false)",
	"into string", "into a string",
	"into config.", "into a mapping: ",
	"into *bool", "into a boolean (true or false)",
	"into *int", "into an integer",
)

// humanize replaces Go type names in yaml.v3 type errors.
func humanize(msg string) string { return goType.Replace(msg) }

// walk records the line of every key path and reports unknown and
// duplicate keys, guided by the yaml tags of t.
func (c *Config) walk(n *yaml.Node, t reflect.Type, path string, probs *problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()) {
		return
	}
	switch {
	case t.Kind() == reflect.Struct && n.Kind == yaml.MappingNode:
		fields := yamlFields(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			if prev, dup := seen[k.Value]; dup {
				probs.addLine(k.Line, fmt.Sprintf("%s: duplicate key (first at line %d)", p, prev))
				continue
			}
			seen[k.Value] = k.Line
			ft, ok := fields[k.Value]
			if !ok {
				probs.addLine(k.Line, fmt.Sprintf("%s: unknown key %q%s", pathOr(path), k.Value, suggest(k.Value, fields)))
				c.unknownIn[path] = true
				continue
			}
			c.lines[p] = k.Line
			c.walk(v, ft, p, probs)
		}
	case t.Kind() == reflect.Slice && n.Kind == yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			c.lines[p] = item.Line
			c.walk(item, t.Elem(), p, probs)
		}
	}
}

func pathOr(p string) string {
	if p == "" {
		return "(top level)"
	}
	return p
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlFields maps yaml key names of struct t (inline structs flattened) to field types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f.Type
	}
	return out
}

// suggest proposes a known key close to an unknown one.
func suggest(key string, fields map[string]reflect.Type) string {
	var names []string
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, n := range names {
		if strings.EqualFold(n, key) || strings.EqualFold(n, key+"s") || strings.EqualFold(n+"s", key) || editDistance(strings.ToLower(n), strings.ToLower(key)) <= 2 {
			return fmt.Sprintf(" (did you mean %q?)", n)
		}
	}
	return fmt.Sprintf(" (known: %s)", strings.Join(names, ", "))
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// problems collects messages with their lines.
type problems []problem

type problem struct {
	line int
	msg  string
}

func (p *problems) addLine(line int, msg string) { *p = append(*p, problem{line, hideSecrets(msg)}) }

func (p problems) err(name string) error {
	if len(p) == 0 {
		return nil
	}
	sort.SliceStable(p, func(i, j int) bool {
		a, b := p[i].line, p[j].line
		if a == 0 || b == 0 {
			return a != 0 && b == 0
		}
		return a < b
	})
	errs := make([]error, len(p))
	for i, x := range p {
		if x.line > 0 {
			errs[i] = fmt.Errorf("%s:%d: %s", name, x.line, x.msg)
		} else {
			errs[i] = fmt.Errorf("%s: %s", name, x.msg)
		}
	}
	return errors.Join(errs...)
}
