package flux

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	sprig "github.com/go-task/slim-sprig/v3"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/render"
	"github.com/bosunhq/bosun/internal/texttemplate"
)

// maxTemplateOutput caps what one ResourceSet template may render, and
// maxInputSets the input sets read.
const (
	maxTemplateOutput = 1 << 20
	maxInputSets      = 256
)

// addTemplates renders the resourcesTemplate of a ResourceSet, and the
// resources and resourcesTemplate of its steps, once per static input set
// (spec.inputs), as flux-operator does: Go text/template with "<<" ">>"
// delimiters and missingkey=error. Input sets from providers
// (spec.inputsFrom) are resolved in the cluster: they are reported, and
// what depends on them is not read.
func (s *scanner) addTemplates(o *object, depth int) {
	if depth >= 4 {
		return
	}
	spec := deref(field(o.node, "spec"))
	if from := deref(field(spec, "inputsFrom")); from != nil && len(from.Content) > 0 {
		s.problem(o, from, "ResourceSet %s: inputsFrom are input providers resolved in the cluster; templates are rendered with spec.inputs only", o.name)
	}
	var templates []*yaml.Node
	if t := deref(field(spec, "resourcesTemplate")); t != nil {
		templates = append(templates, t)
	}
	if steps := deref(field(spec, "steps")); steps != nil && steps.Kind == yaml.SequenceNode {
		for _, st := range steps.Content {
			s.addItems(o, deref(field(st, "resources")), depth)
			if t := deref(field(st, "resourcesTemplate")); t != nil {
				templates = append(templates, t)
			}
		}
	}
	if len(templates) == 0 {
		return
	}
	ts := &tmplCache{}
	sets := inputSets(deref(field(spec, "inputs")))
	for _, t := range templates {
		if t.Kind != yaml.ScalarNode {
			continue
		}
		for _, set := range sets {
			s.renderTemplate(o, t, set, ts, depth)
		}
	}
}

// addItems adds the objects of a resources list of ResourceSet o. With
// static inputs (and no providers) each item is rendered once per input
// set: its "<< >>" scalars are rendered one by one, a scalar that is
// exactly an input is located at that input, and literal scalars keep
// their place in the file.
func (s *scanner) addItems(o *object, res *yaml.Node, depth int) {
	if res == nil || res.Kind != yaml.SequenceNode {
		return
	}
	spec := deref(field(o.node, "spec"))
	inputs := deref(field(spec, "inputs"))
	if from := deref(field(spec, "inputsFrom")); inputs == nil || from != nil && len(from.Content) > 0 {
		for _, item := range res.Content {
			s.addObject(o.doc, item, o, depth+1, o.inst)
		}
		return
	}
	ts := &tmplCache{}
	for _, set := range inputSets(inputs) {
		for _, item := range res.Content {
			s.addObject(o.doc, s.renderItem(deref(item), set, ts), o, depth+1, o.inst)
		}
	}
}

// renderItem copies n, rendering its template scalars with set.
func (s *scanner) renderItem(n *yaml.Node, set *inputSet, ts *tmplCache) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "<<") {
		if real, err := ts.exec(n.Value, set.values); err == nil {
			c.Value = unquote(string(real))
			if marked, err := ts.exec(n.Value, set.marked); err == nil {
				if i, ok := markerIndex(unquote(string(marked))); ok && i < len(set.leaves) {
					s.tmplSrc[&c] = set.leaves[i]
				}
			}
		}
		return &c
	}
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = s.renderItem(x, set, ts)
	}
	return &c
}

// unquote reads a rendered scalar as YAML would ("<< x | quote >>").
func unquote(v string) string {
	var out string
	if strings.HasPrefix(v, `"`) || strings.HasPrefix(v, "'") {
		if err := yaml.Unmarshal([]byte(v), &out); err == nil {
			return out
		}
	}
	return v
}

// inputSet is one map of spec.inputs: its values for the template, and
// the same map with each scalar replaced by a marker naming its node.
type inputSet struct {
	values, marked map[string]any
	leaves         [][2]*yaml.Node // marker index → value node, parent
}

func inputSets(inputs *yaml.Node) []*inputSet {
	if inputs == nil || inputs.Kind != yaml.SequenceNode {
		return []*inputSet{{values: map[string]any{}, marked: map[string]any{}}}
	}
	var out []*inputSet
	for i, m := range inputs.Content {
		if i >= maxInputSets {
			break
		}
		m = deref(m)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		set := &inputSet{}
		v, _ := set.convert(m, nil, false).(map[string]any)
		mk, _ := set.convert(m, nil, true).(map[string]any)
		set.values, set.marked = v, mk
		id := "bosun-input-" + strconv.Itoa(i)
		set.values["id"], set.marked["id"] = id, id
		out = append(out, set)
	}
	return out
}

func marker(i int) string { return fmt.Sprintf("bosunmark%06dx", i) }

// convert turns a YAML node into template data; with mark, each scalar is
// a marker recorded in leaves.
func (set *inputSet) convert(n, parent *yaml.Node, mark bool) any {
	n = deref(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		out := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			out[str(n.Content[i])] = set.convert(n.Content[i+1], n, mark)
		}
		return out
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, set.convert(c, n, mark))
		}
		return out
	case yaml.ScalarNode:
		if mark {
			set.leaves = append(set.leaves, [2]*yaml.Node{n, parent})
			return marker(len(set.leaves) - 1)
		}
		// The API server stores inputs as JSON: kubectl's YAML-to-JSON
		// conversion keeps an unquoted date as the string written.
		if n.ShortTag() == "!!timestamp" {
			return n.Value
		}
		var v any
		if err := n.Decode(&v); err != nil {
			return n.Value
		}
		return v
	}
	return nil
}

// renderTemplate renders template t of ResourceSet o with one input set
// and adds the objects it yields, mapping the values copied verbatim from
// an input to that input's node.
func (s *scanner) renderTemplate(o *object, t *yaml.Node, set *inputSet, ts *tmplCache, depth int) {
	real, err := ts.exec(t.Value, set.values)
	if err != nil {
		s.problem(o, t, "ResourceSet %s: resourcesTemplate: %v", o.name, err)
		return
	}
	marked, err := ts.exec(t.Value, set.marked)
	if err != nil {
		marked = nil
	}
	docs, err := decodeDocs(real)
	if err != nil {
		s.problem(o, t, "ResourceSet %s: resourcesTemplate renders invalid YAML: %v", o.name, err)
		return
	}
	mdocs, _ := decodeDocs(marked)
	lit := literalPlacer(o.doc.file, t, real)
	for i, d := range docs {
		if i < len(mdocs) {
			s.mapMarkers(d, mdocs[i], set, lit)
		}
		before := len(s.objects)
		s.addObject(o.doc, d, o, depth+1, o.inst)
		for _, x := range s.objects[before:] {
			x.tmpl = t
		}
	}
}

// mapMarkers walks a rendered document and its marker rendering together:
// a scalar whose marker twin is exactly one input's marker was copied from
// that input.
func (s *scanner) mapMarkers(n, m *yaml.Node, set *inputSet, lit func(*yaml.Node) *yaml.Node) {
	if n == nil || m == nil || n.Kind != m.Kind || len(n.Content) != len(m.Content) {
		return
	}
	if n.Kind == yaml.ScalarNode {
		if i, ok := markerIndex(m.Value); ok && i < len(set.leaves) {
			s.tmplSrc[n] = set.leaves[i]
		} else if p := lit(n); p != nil {
			s.tmplLit[n] = p
		}
		return
	}
	for i := range n.Content {
		s.mapMarkers(n.Content[i], m.Content[i], set, lit)
	}
}

// literalPlacer locates, in the file, a scalar written literally in the
// template t: when rendering kept every line in place (same number of
// lines, and the scalar's line unchanged), its place in the block scalar
// is known.
func literalPlacer(f *manifest.File, t *yaml.Node, out []byte) func(*yaml.Node) *yaml.Node {
	none := func(*yaml.Node) *yaml.Node { return nil }
	sh := render.BlockShift(f, t)
	if sh == nil {
		return none
	}
	tl, ol := strings.Split(t.Value, "\n"), strings.Split(string(out), "\n")
	if len(tl) != len(ol) {
		return none
	}
	return func(n *yaml.Node) *yaml.Node {
		if n.Line < 1 || n.Line > len(tl) || tl[n.Line-1] != ol[n.Line-1] {
			return nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Value: n.Value, Line: n.Line + sh.Line, Column: n.Column + sh.Column}
	}
}

func markerIndex(v string) (int, bool) {
	rest, ok := strings.CutPrefix(v, "bosunmark")
	if !ok || len(rest) != 7 || rest[6] != 'x' {
		return 0, false
	}
	i, err := strconv.Atoi(rest[:6])
	return i, err == nil
}

// templateFuncs are slim-sprig's repeatable functions: none reads the
// environment, the clock or the network, and none builds unbounded
// lists or strings. Built on first use: most repositories hold no
// ResourceSet.
var templateFuncs = sync.OnceValue(func() texttemplate.FuncMap {
	fm := texttemplate.FuncMap(sprig.HermeticTxtFuncMap())
	for _, name := range []string{"repeat", "seq", "until", "untilStep"} {
		delete(fm, name)
	}
	fm["slugify"] = slugify
	return fm
})

// tmplCache renders the templates of one ResourceSet's resources or
// templates, parsing each text once for all input sets. The zero value is
// ready; it is not safe for concurrent use.
type tmplCache struct {
	parsed map[string]parsedTemplate
	// inputs is the input set being rendered: what the template function
	// "inputs" returns.
	inputs map[string]any
}

type parsedTemplate struct {
	tpl *texttemplate.Template
	err error
}

// exec renders text as flux-operator does, with text/template's language;
// texttemplate never calls a method of the data, which holds only maps,
// slices and scalars decoded from YAML and JSON.
func (ts *tmplCache) exec(text string, inputs map[string]any) ([]byte, error) {
	p, ok := ts.parsed[text]
	if !ok {
		// "<< inputs.x >>": inputs is a niladic function whose result the
		// template reads fields of.
		inputsFunc := texttemplate.FuncMap{"inputs": func() map[string]any { return ts.inputs }}
		p.tpl, p.err = texttemplate.New("resourcesTemplate").Delims("<<", ">>").Funcs(templateFuncs()).Funcs(inputsFunc).
			Option("missingkey=error").Parse(text)
		if ts.parsed == nil {
			ts.parsed = map[string]parsedTemplate{}
		}
		ts.parsed[text] = p
	}
	if p.err != nil {
		return nil, p.err
	}
	ts.inputs = inputs
	defer func() { ts.inputs = nil }()
	var buf limitedBuffer
	if err := p.tpl.Execute(&buf, map[string]any{"inputs": inputs}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// limitedBuffer fails writes beyond maxTemplateOutput.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > maxTemplateOutput {
		return 0, fmt.Errorf("renders more than %d bytes", maxTemplateOutput)
	}
	return b.Buffer.Write(p)
}

func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

func decodeDocs(data []byte) ([]*yaml.Node, error) {
	if data == nil {
		return nil, nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var out []*yaml.Node
	for len(out) < 1000 {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return out, err
		}
		if len(n.Content) == 1 && n.Content[0].Kind == yaml.MappingNode {
			out = append(out, n.Content[0])
		}
	}
	return out, nil
}

// problem logs what a ResourceSet's templates cannot give; the Refs that
// depend on it carry the skip reason.
func (s *scanner) problem(o *object, n *yaml.Node, format string, args ...any) {
	s.log.Info(fmt.Sprintf(format, args...), "file", o.file(), "line", n.Line)
}

// templateDetail says why a value holding "<<" is not read: a template
// flux-operator renders, from input providers when the ResourceSet has
// inputsFrom.
func templateDetail(o *object, v string) string {
	for p := o.parent; p != nil; p = p.parent {
		if from := deref(at(p.node, "spec", "inputsFrom")); from != nil && len(from.Content) > 0 {
			return fmt.Sprintf("%q is a ResourceSet template whose inputs come from input providers (inputsFrom of ResourceSet %s), resolved in the cluster", v, p.name)
		}
	}
	return fmt.Sprintf("%q is a ResourceSet template", v)
}
