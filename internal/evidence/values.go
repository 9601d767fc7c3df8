package evidence

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aymanbagabas/go-udiff"

	"github.com/bosunhq/bosun/internal/jsonschema"
)

// maxViolations and maxViolationMessage bound what a hostile schema can make
// the report say.
const (
	maxViolations       = 100
	maxViolationMessage = 300
	maxDiffInput        = 1 << 20
)

// schemaURL names the chart's schema inside the compiler, as Helm does.
const schemaURL = "file:///values.schema.json"

// noLoader refuses every $ref outside the schema itself: a chart's schema
// must not make bosun read local files or reach the network.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("external schema reference %q not followed", url)
}

// validateValues checks the release's values, merged over the new chart's
// defaults the way Helm coalesces them, against the chart's JSON schema,
// and returns every violation (at most maxViolations), sorted by path.
func validateValues(schema []byte, defaults, release map[string]any) (vs []Violation, err error) {
	defer func() {
		if r := recover(); r != nil {
			vs, err = nil, fmt.Errorf("schema validation failed: %v", r)
		}
	}()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schema))
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	sch, err := c.Compile(schemaURL)
	if err != nil {
		return nil, fmt.Errorf("compile: %s", firstLine(err.Error()))
	}
	inst, err := jsonValue(mergeValues(defaults, release))
	if err != nil {
		return nil, fmt.Errorf("values: %w", err)
	}
	err = sch.Validate(inst)
	var ve *jsonschema.ValidationError
	if err == nil || !errors.As(err, &ve) {
		return nil, err
	}
	seen := map[Violation]bool{}
	for _, u := range ve.BasicOutput().Errors {
		if u.Error == nil || len(u.Errors) > 0 {
			continue
		}
		v := Violation{Path: u.InstanceLocation, Message: clip(u.Error.String(), maxViolationMessage)}
		if !seen[v] {
			seen[v] = true
			vs = append(vs, v)
		}
	}
	slices.SortFunc(vs, func(a, b Violation) int {
		if c := strings.Compare(a.Path, b.Path); c != 0 {
			return c
		}
		return strings.Compare(a.Message, b.Message)
	})
	if len(vs) > maxViolations {
		vs = vs[:maxViolations]
	}
	return vs, nil
}

// jsonValue turns decoded YAML into the JSON data model the validator
// expects (map[string]any, []any, json.Number, string, bool, nil).
func jsonValue(v any) (any, error) {
	b, err := json.Marshal(stringKeys(v))
	if err != nil {
		return nil, err
	}
	return jsonschema.UnmarshalJSON(bytes.NewReader(b))
}

// stringKeys converts map[any]any (yaml.v2 style) to map[string]any.
func stringKeys(v any) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[k] = stringKeys(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(t))
		for k, x := range t {
			out[fmt.Sprint(k)] = stringKeys(x)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, x := range t {
			out[i] = stringKeys(x)
		}
		return out
	}
	return v
}

// mergeValues coalesces release values over chart defaults as Helm does:
// maps merge key by key, any other value replaces the default, and a null
// deletes the default key. Neither input is modified.
func mergeValues(defaults, release map[string]any) map[string]any {
	out := make(map[string]any, len(defaults)+len(release))
	for k, v := range defaults {
		out[k] = v
	}
	for k, v := range release {
		if v == nil {
			delete(out, k)
			continue
		}
		dm, dok := asMap(out[k])
		rm, rok := asMap(v)
		if dok && rok {
			out[k] = mergeValues(dm, rm)
			continue
		}
		out[k] = v
	}
	return out
}

func asMap(v any) (map[string]any, bool) {
	switch t := v.(type) {
	case map[string]any:
		return t, true
	case map[any]any:
		m, _ := stringKeys(t).(map[string]any)
		return m, true
	}
	return nil, false
}

// removedKeys lists the paths the release sets that the old defaults had
// and the new defaults no longer have (a removed or renamed value), sorted.
// Keys under maps the old defaults left empty (free-form maps such as
// podAnnotations) are never flagged.
func removedKeys(release, oldDefaults, newDefaults map[string]any) []string {
	var out []string
	var walk func(path string, rel, old, cur map[string]any)
	walk = func(path string, rel, old, cur map[string]any) {
		for k, rv := range rel {
			ov, inOld := old[k]
			if !inOld {
				continue
			}
			p := path + "." + k
			nv, inNew := cur[k]
			if !inNew {
				out = append(out, p)
				continue
			}
			rm, ok1 := asMap(rv)
			om, ok2 := asMap(ov)
			nm, ok3 := asMap(nv)
			if ok1 && ok2 && ok3 {
				walk(p, rm, om, nm)
			}
		}
	}
	walk("", release, oldDefaults, newDefaults)
	sort.Strings(out)
	return out
}

// valuesDiff is the unified diff of two values.yaml files ("" when equal).
func valuesDiff(a, b []byte, from, to string) (d string, err error) {
	if bytes.Equal(a, b) {
		return "", nil
	}
	if len(a) > maxDiffInput || len(b) > maxDiffInput {
		return "", fmt.Errorf("values.yaml over %d bytes", maxDiffInput)
	}
	defer func() {
		if r := recover(); r != nil {
			d, err = "", fmt.Errorf("diff failed: %v", r)
		}
	}()
	old := string(a)
	edits := udiff.Lines(old, string(b))
	return udiff.ToUnified("values.yaml "+from, "values.yaml "+to, old, edits, udiff.DefaultContextLines)
}

// trimLines cuts s at a line boundary to at most max bytes and reports how
// many lines were left out.
func trimLines(s string, max int) (string, int) {
	if len(s) <= max {
		return s, 0
	}
	cut := strings.LastIndexByte(s[:max], '\n') + 1
	return s[:cut], strings.Count(s[cut:], "\n") + boolInt(!strings.HasSuffix(s, "\n"))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return clip(s, maxViolationMessage)
}

// clip shortens s to at most n bytes on a rune boundary, adding "…".
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && (s[i]&0xC0) == 0x80 {
		i--
	}
	return s[:i] + "…"
}
