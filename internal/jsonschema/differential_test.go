package jsonschema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	upstream "github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bosunhq/bosun/internal/jsonschema"
)

// differentialSchemas covers each draft, the keywords chart schemas use,
// and schemas the metaschemas reject (which only a loaded metaschema can).
var differentialSchemas = []string{
	`{"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 1}}, "required": ["replicas"]}`,
	`{"$schema": "http://json-schema.org/draft-04/schema#", "type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}, "additionalProperties": false}`,
	`{"$schema": "http://json-schema.org/draft-06/schema#", "properties": {"a": {"const": 1}, "b": {"exclusiveMinimum": 2}}}`,
	`{"$schema": "http://json-schema.org/draft-07/schema#", "if": {"properties": {"kind": {"const": "a"}}}, "then": {"required": ["x"]}, "else": {"required": ["y"]}}`,
	`{"$schema": "https://json-schema.org/draft/2019-09/schema", "properties": {"a": {"type": "integer"}}, "unevaluatedProperties": false}`,
	`{"$schema": "https://json-schema.org/draft/2020-12/schema", "prefixItems": [{"type": "string"}], "items": false}`,
	`{"$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535}}, "properties": {"port": {"$ref": "#/$defs/port"}}}`,
	`{"properties": {"image": {"type": "object", "properties": {"tag": {"type": ["string", "null"]}, "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]}}}}}`,
	`{"patternProperties": {"^x-": {"type": "boolean"}}, "oneOf": [{"required": ["a"]}, {"required": ["b"]}]}`,
	`{"properties": {"email": {"type": "string", "format": "email"}, "when": {"format": "date-time"}}}`,
	// Rejected by the metaschemas.
	`{"type": 5}`,
	`{"$schema": "http://json-schema.org/draft-04/schema#", "required": []}`,
	`{"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"a": {"minimum": "one"}}}`,
	`{"properties": {"a": {"pattern": "("}}}`,
	`{"$ref": "#/definitions/missing"}`,
}

var differentialInstances = []string{
	`{}`,
	`{"replicas": 0}`,
	`{"replicas": 3, "a": "abcd", "b": 1}`,
	`{"kind": "a", "y": 1}`,
	`{"kind": "b", "y": 1}`,
	`["s", 1]`,
	`["s"]`,
	`{"port": 70000}`,
	`{"image": {"tag": null, "pullPolicy": "Sometimes"}}`,
	`{"x-on": "yes", "a": 1, "b": 2}`,
	`{"email": "not an email", "when": "yesterday"}`,
	`{"a": 1, "c": 2}`,
	`null`,
}

// TestCompileValidate_MatchesUpstream requires the fork to give upstream's
// verdicts: the same compile errors, the same validation errors and the
// same basic output, for every schema and instance above.
func TestCompileValidate_MatchesUpstream(t *testing.T) {
	for i, schema := range differentialSchemas {
		for j, instance := range differentialInstances {
			got := verdict(t, fork, schema, instance)
			want := verdict(t, upstreamImpl, schema, instance)
			if got != want {
				t.Errorf("schema %d, instance %d:\nfork:     %s\nupstream: %s", i, j, got, want)
			}
		}
	}
}

const url = "file:///values.schema.json"

// impl is one of the two packages, seen through what the test needs.
type impl struct {
	unmarshal func(io.Reader) (any, error)
	// compile adds doc at url to a new compiler and compiles it.
	compile func(doc any) (validate func(any) error, stage string, err error)
	// output is the basic output of a validation error, or false.
	output func(error) (any, bool)
}

var (
	fork = impl{
		unmarshal: jsonschema.UnmarshalJSON,
		compile:   compileWith[*jsonschema.Schema](jsonschema.NewCompiler),
		output:    outputOf(func(e *jsonschema.ValidationError) any { return e.BasicOutput() }),
	}
	upstreamImpl = impl{
		unmarshal: upstream.UnmarshalJSON,
		compile:   compileWith[*upstream.Schema](upstream.NewCompiler),
		output:    outputOf(func(e *upstream.ValidationError) any { return e.BasicOutput() }),
	}
)

// compileWith is impl.compile for the package whose NewCompiler is newC.
func compileWith[S interface{ Validate(any) error }, C interface {
	AddResource(string, any) error
	Compile(string) (S, error)
}](newC func() C) func(any) (func(any) error, string, error) {
	return func(doc any) (func(any) error, string, error) {
		c := newC()
		if err := c.AddResource(url, doc); err != nil {
			return nil, "add", err
		}
		sch, err := c.Compile(url)
		if err != nil {
			return nil, "compile", err
		}
		return sch.Validate, "", nil
	}
}

// outputOf is impl.output for the package whose validation error is E.
func outputOf[E error](basic func(E) any) func(error) (any, bool) {
	return func(err error) (any, bool) {
		e, ok := err.(E)
		if !ok {
			return nil, false
		}
		return basic(e), true
	}
}

// verdict compiles schema with p and validates instance with it.
func verdict(t *testing.T, p impl, schema, instance string) string {
	t.Helper()
	doc, err := p.unmarshal(strings.NewReader(schema))
	if err != nil {
		t.Fatal(err)
	}
	validate, stage, err := p.compile(doc)
	if err != nil {
		return stage + ": " + err.Error()
	}
	inst, err := p.unmarshal(strings.NewReader(instance))
	if err != nil {
		t.Fatal(err)
	}
	err = validate(inst)
	if err == nil {
		return "valid"
	}
	out, ok := p.output(err)
	if !ok {
		return "error: " + err.Error()
	}
	return canonical(t, err.Error(), out)
}

// canonical is a validation error's message and basic output in an order
// of their own: upstream lists some errors in map order (the properties
// unevaluatedProperties rejects), and evidence sorts them anyway.
func canonical(t *testing.T, msg string, output any) string {
	t.Helper()
	msg = quotedList.ReplaceAllStringFunc(msg, sortQuoted)
	lines := strings.Split(msg, "\n")
	slices.Sort(lines[1:])
	var out struct {
		Valid  bool              `json:"valid"`
		Errors []json.RawMessage `json:"errors"`
	}
	if err := json.Unmarshal([]byte(mustJSON(t, output)), &out); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(out.Errors, func(a, b json.RawMessage) int { return bytes.Compare(a, b) })
	return "invalid: " + strings.Join(lines, "\n") + "\n" + quotedList.ReplaceAllStringFunc(mustJSON(t, out), sortQuoted)
}

// quotedList matches a list of quoted names, as in "additional properties
// 'b', 'a' not allowed".
var quotedList = regexp.MustCompile(`'[^']*'(, '[^']*')+`)

func sortQuoted(list string) string {
	names := strings.Split(list, ", ")
	slices.Sort(names)
	return strings.Join(names, ", ")
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(fmt.Errorf("marshal output: %w", err))
	}
	return string(b)
}
