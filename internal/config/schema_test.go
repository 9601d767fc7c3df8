package config

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"

	configschema "github.com/bosunhq/bosun/config"
)

// schema is the subset of JSON Schema that bosun.schema.json uses.
type schema struct {
	Type                 string             `json:"type"`
	Description          string             `json:"description"`
	Properties           map[string]*schema `json:"properties"`
	AdditionalProperties *bool              `json:"additionalProperties"`
	Required             []string           `json:"required"`
	Items                *schema            `json:"items"`
	Enum                 []any              `json:"enum"`
	Pattern              string             `json:"pattern"`
	Minimum              *float64           `json:"minimum"`
	MinLength            *int               `json:"minLength"`
	MaxLength            *int               `json:"maxLength"`
}

func loadSchema(t *testing.T) *schema {
	t.Helper()
	var s schema
	dec := json.NewDecoder(strings.NewReader(string(configschema.Schema)))
	if err := dec.Decode(&s); err != nil {
		t.Fatalf("decode schema: %v", err)
	}
	return &s
}

// validate checks v (decoded YAML) against s, returning every problem.
func (s *schema) validate(path string, v any) []string {
	var errs []string
	bad := func(f string, a ...any) { errs = append(errs, pathOr(path)+": "+fmt.Sprintf(f, a...)) }
	switch s.Type {
	case "object":
		m, ok := v.(map[string]any)
		if !ok {
			bad("want an object, got %T", v)
			return errs
		}
		for _, r := range s.Required {
			if _, ok := m[r]; !ok {
				bad("missing required %q", r)
			}
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ps, ok := s.Properties[k]
			if !ok {
				if s.AdditionalProperties != nil && !*s.AdditionalProperties {
					bad("unknown key %q", k)
				}
				continue
			}
			errs = append(errs, ps.validate(join(path, k), m[k])...)
		}
	case "array":
		l, ok := v.([]any)
		if !ok {
			bad("want an array, got %T", v)
			return errs
		}
		for i, x := range l {
			errs = append(errs, s.Items.validate(fmt.Sprintf("%s[%d]", path, i), x)...)
		}
	case "string":
		str, ok := v.(string)
		if !ok {
			bad("want a string, got %T", v)
			return errs
		}
		if s.Pattern != "" && !regexp.MustCompile(s.Pattern).MatchString(str) {
			bad("%q does not match %s", str, s.Pattern)
		}
		if s.MinLength != nil && len(str) < *s.MinLength || s.MaxLength != nil && len(str) > *s.MaxLength {
			bad("%q has a bad length", str)
		}
	case "integer":
		n, ok := v.(int)
		if !ok {
			bad("want an integer, got %T", v)
			return errs
		}
		if s.Minimum != nil && float64(n) < *s.Minimum {
			bad("%d is below %v", n, *s.Minimum)
		}
	case "boolean":
		if _, ok := v.(bool); !ok {
			bad("want a boolean, got %T", v)
		}
	default:
		bad("schema type %q not supported by this checker", s.Type)
	}
	if s.Enum != nil && !slices.ContainsFunc(s.Enum, func(e any) bool { return fmt.Sprint(e) == fmt.Sprint(v) }) {
		bad("%v not in %v", v, s.Enum)
	}
	return errs
}

// walkSchema lists "path: kind" for every key and checks descriptions.
func (s *schema) walk(t *testing.T, path string, out map[string]string) {
	t.Helper()
	if s.Description == "" {
		t.Errorf("schema %s has no description", pathOr(path))
	}
	switch s.Type {
	case "object":
		for k, p := range s.Properties {
			out[join(path, k)] = p.Type
			p.walk(t, join(path, k), out)
		}
	case "array":
		s.Items.walk(t, path+"[]", out)
	}
}

// goKeys lists "path: kind" for every yaml key of t, as the strict loader accepts them.
func goKeys(t reflect.Type, path string, out map[string]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for k, ft := range yamlFields(t) {
		p := join(path, k)
		out[p] = kindOf(ft)
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case kindOf(ft) == "object":
			goKeys(ft, p, out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			goKeys(ft.Elem(), p+"[]", out)
		}
	}
}

func kindOf(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == reflect.TypeOf(Duration{}), t == reflect.TypeOf(Size{}), t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Int:
		return "integer"
	case t.Kind() == reflect.Bool:
		return "boolean"
	case t.Kind() == reflect.Slice:
		return "array"
	case t.Kind() == reflect.Struct:
		return "object"
	}
	return t.String()
}

// TestSchema_MatchesGoTypes makes the schema and the Go structs unable to drift.
func TestSchema_MatchesGoTypes(t *testing.T) {
	t.Parallel()
	fromSchema := map[string]string{}
	loadSchema(t).walk(t, "", fromSchema)
	fromGo := map[string]string{}
	goKeys(reflect.TypeOf(Config{}), "", fromGo)
	if diff := cmp.Diff(fromGo, fromSchema); diff != "" {
		t.Errorf("schema keys differ from Go struct keys (-go +schema):\n%s", diff)
	}
}

func decodeAny(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestExample(t *testing.T) {
	t.Parallel()
	c, err := Parse("bosun.example.yaml", configschema.Example)
	if err != nil {
		t.Fatalf("strict loader rejects the example: %v", err)
	}
	if _, err := c.Policy(); err != nil {
		t.Errorf("example policy: %v", err)
	}
	s := loadSchema(t)
	if errs := s.validate("", decodeAny(t, configschema.Example)); len(errs) > 0 {
		t.Errorf("schema rejects the example:\n%s", strings.Join(errs, "\n"))
	}
	// The example uses every key of the schema.
	all := map[string]string{}
	s.walk(t, "", all)
	used := map[string]bool{}
	for p := range c.lines {
		used[regexp.MustCompile(`\[\d+\]`).ReplaceAllString(p, "[]")] = true
	}
	var missing []string
	for p := range all {
		// defaults and rules share the settings keys: showing one shows both.
		if !used[p] && !used[strings.Replace(p, "defaults.", "rules[].", 1)] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("bosun.example.yaml does not show: %s", strings.Join(missing, ", "))
	}
}

func TestSchema_Testdata(t *testing.T) {
	t.Parallel()
	s := loadSchema(t)
	files, _ := filepath.Glob("testdata/*.yaml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if yaml.Unmarshal(data, &v) != nil {
			continue // syntax errors: nothing for the schema to say
		}
		errs := s.validate("", v)
		valid := strings.HasPrefix(filepath.Base(f), "valid-")
		switch {
		case valid && len(errs) > 0:
			t.Errorf("%s: schema rejects a valid file:\n%s", f, strings.Join(errs, "\n"))
		case !valid && len(errs) == 0 && !strings.Contains(f, "duplicate"):
			t.Errorf("%s: schema accepts an invalid file", f)
		}
	}
}
