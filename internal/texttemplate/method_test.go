package texttemplate_test

import (
	"strings"
	"testing"
	"text/template"

	"github.com/bosunhq/bosun/internal/texttemplate"
)

// greeter has methods text/template would call by name.
type greeter struct {
	Name  string
	calls *int
}

func (g greeter) Hello() string { *g.calls++; return "hi " + g.Name }

func (g *greeter) Bye() string { *g.calls++; return "bye" }

func (g greeter) Greet(s string) string { *g.calls++; return "hi " + s }

// namedMap is a map type with a method of the same name as a key.
type namedMap map[string]any

func (namedMap) Keys() string { return "method" }

// TestExecute_NeverCallsMethods: where text/template calls a method, the
// fork does not call it and fails as text/template does for a missing
// field (the wanted errors are text/template's for a field that does not
// exist, type named as text/template names it); fields of the same value
// still work.
func TestExecute_NeverCallsMethods(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text, wantErr string
		data          func(calls *int) any
	}{
		{"{{.Name}}{{.Hello}}", `template: t:1:11: executing "t" at <.Hello>: can't evaluate field Hello in type texttemplate_test.greeter`,
			func(c *int) any { return greeter{Name: "x", calls: c} }},
		{"{{.Name}}{{.Bye}}", `template: t:1:11: executing "t" at <.Bye>: can't evaluate field Bye in type *texttemplate_test.greeter`,
			func(c *int) any { return &greeter{Name: "x", calls: c} }},
		{"{{.g.Hello}}", `template: t:1:4: executing "t" at <.g.Hello>: can't evaluate field Hello in type interface {}`,
			func(c *int) any { return map[string]any{"g": greeter{calls: c}} }},
		{"{{.Greet \"arg\"}}", `template: t:1:2: executing "t" at <.Greet>: can't evaluate field Greet in type texttemplate_test.greeter`,
			func(c *int) any { return greeter{calls: c} }},
		{"{{with .g}}{{.Bye}}{{end}}", `template: t:1:13: executing "t" at <.Bye>: can't evaluate field Bye in type *texttemplate_test.greeter`,
			func(c *int) any { return map[string]any{"g": &greeter{calls: c}} }},
	}
	for _, c := range cases {
		stdCalls, forkCalls := 0, 0
		var std strings.Builder
		if err := template.Must(template.New("t").Parse(c.text)).Execute(&std, c.data(&stdCalls)); err != nil && stdCalls == 0 {
			t.Fatalf("text/template %q: %v (the case must be one where it calls a method)", c.text, err)
		}
		if stdCalls == 0 {
			t.Fatalf("text/template %q called no method; the case tests nothing", c.text)
		}
		var out strings.Builder
		err := mustParse(t, c.text).Execute(&out, c.data(&forkCalls))
		if forkCalls != 0 {
			t.Errorf("%q: the fork called a method %d times", c.text, forkCalls)
		}
		if err == nil || err.Error() != c.wantErr {
			t.Errorf("%q: error %v, want %s", c.text, err, c.wantErr)
		}
	}
}

// TestExecute_MethodOfMapIsAKey: on a map whose type has a method of the
// same name, the fork reads the key, as text/template does on any map.
func TestExecute_MethodOfMapIsAKey(t *testing.T) {
	t.Parallel()
	data := namedMap{"Keys": "key"}
	var out strings.Builder
	if err := mustParse(t, "{{.Keys}}").Execute(&out, data); err != nil || out.String() != "key" {
		t.Errorf("got %q, %v; want the map entry \"key\"", out.String(), err)
	}
	var std strings.Builder
	if err := template.Must(template.New("t").Parse("{{.Keys}}")).Execute(&std, data); err != nil || std.String() != "method" {
		t.Errorf("text/template: %q, %v; the case relies on it calling the method", std.String(), err)
	}
}

func mustParse(t *testing.T, text string) *texttemplate.Template {
	t.Helper()
	tpl, err := texttemplate.New("t").Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return tpl
}
