package texttemplate_test

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"text/template"

	"github.com/bosunhq/bosun/internal/texttemplate"
)

// plain is a struct without methods: the fork reads its fields exactly as
// text/template does.
type plain struct {
	Name   string
	Ptr    *plain
	hidden int
	List   []int
}

// testData holds every kind the fork must treat as text/template does; no
// value has a method.
func testData() map[string]any {
	return map[string]any{
		"s": "hello", "empty": "", "n": 3, "neg": -2, "f": 1.5, "t": true, "no": false, "nil": nil,
		"big":  uint64(1 << 63),
		"pct":  "100%",
		"html": `<a href="x">&'</a>`,
		"list": []any{"a", 2, 3.5, true, nil, map[string]any{"k": "v"}},
		"ints": []int{1, 2, 3, 4, 5},
		"strs": []string{"x", "y", "z"},
		"none": []any{},
		"m":    map[string]any{"a": 1, "b": "two", "nested": map[string]any{"deep": []any{1, 2}}},
		"im":   map[int]string{2: "two", 1: "one", -1: "minus"},
		"em":   map[string]any{},
		"fn":   func(i int) int { return i * 2 },
		"seq":  slices.Values([]int{4, 5}),
		"seq2": slices.All([]string{"a", "b"}),
		"nos":  slices.Values([]int{}),
		"st":   plain{Name: "p", hidden: 1, List: []int{7}},
		"sp":   &plain{Name: "q", Ptr: &plain{Name: "r"}},
	}
}

// testFuncs are the functions both engines get.
func testFuncs() map[string]any {
	return map[string]any{
		"upper": strings.ToUpper,
		"join":  strings.Join,
		"fail":  func() (string, error) { return "", errors.New("boom") },
		"add":   func(a, b int) int { return a + b },
		"list":  func(xs ...any) []any { return xs },
		"boom":  func() string { panic("kaboom") },
	}
}

// mode is how a template is set up: the missingkey option and the delimiters.
type mode struct {
	missingKey  string
	left, right string
}

func (m mode) String() string {
	return fmt.Sprintf("missingkey=%s,delims=%q%q", m.missingKey, m.left, m.right)
}

// capWriter fails writes past its cap, so a runaway template stops.
type capWriter struct {
	strings.Builder
	max int
}

func (w *capWriter) Write(p []byte) (int, error) {
	if w.Len()+len(p) > w.max {
		return 0, errors.New("output cap reached")
	}
	return w.Builder.Write(p)
}

// result is what one engine made of one template.
type result struct {
	out      string
	parseErr string
	execErr  string
}

func runStd(text string, m mode, data any) result {
	t, err := template.New("t").Delims(m.left, m.right).Funcs(template.FuncMap(testFuncs())).Option("missingkey=" + m.missingKey).Parse(text)
	return execute(t, err, data)
}

func runFork(text string, m mode, data any) result {
	t, err := texttemplate.New("t").Delims(m.left, m.right).Funcs(texttemplate.FuncMap(testFuncs())).Option("missingkey=" + m.missingKey).Parse(text)
	return execute(t, err, data)
}

// execute runs a parsed template (of either engine) into a capped writer.
func execute(t interface{ Execute(io.Writer, any) error }, parseErr error, data any) result {
	if parseErr != nil {
		return result{parseErr: parseErr.Error()}
	}
	w := &capWriter{max: 1 << 16}
	var r result
	if err := t.Execute(w, data); err != nil {
		r.execErr = err.Error()
	}
	r.out = w.String()
	return r
}

// differentialCases are templates in the default delimiters; each also
// runs with "<<" ">>" after the delimiters are rewritten.
var differentialCases = []string{
	"plain text, no actions",
	"{{.s}} {{.n}} {{.neg}} {{.f}} {{.t}} {{.no}} {{.nil}} {{.big}} {{.empty}}",
	"{{.missing}}|{{.m.missing}}|{{.em.x}}",
	"{{.m.a}} {{.m.b}} {{.m.nested.deep}} {{.m.nested}}",
	"{{.nil.x}}",
	"{{.s.x}}",
	"{{.n.x}}",
	"{{.list.x}}",
	"{{.st.Name}} {{.st.List}} {{.sp.Name}} {{.sp.Ptr.Name}}",
	"{{.st.hidden}}",
	"{{.st.Missing}}",
	"{{.st.Ptr.Name}}",
	"{{.st.Ptr.Missing}}",
	"{{.st.Name 1}}",
	"{{.m.a 1}}",
	"{{.s 1}}",
	"{{if .t}}yes{{else}}no{{end}} {{if .empty}}e{{else if .n}}n{{else}}z{{end}} {{if .none}}x{{end}} {{if .nil}}x{{end}}",
	"{{if .fn}}func{{end}}{{if .em}}x{{else}}emptymap{{end}}",
	"{{range .list}}[{{.}}]{{end}}",
	"{{range $i, $v := .strs}}{{$i}}={{$v}};{{end}}",
	"{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}",
	"{{range $k, $v := .im}}{{$k}}:{{$v}} {{end}}",
	"{{range .missing}}x{{else}}empty{{end}} {{range .none}}x{{else}}none{{end}} {{range .em}}x{{else}}em{{end}}",
	"{{range 3}}{{.}}{{end}} {{range 0}}x{{else}}zero{{end}}",
	"{{range $i, $e := 3}}{{end}}",
	"{{range .s}}{{.}}{{end}}",
	"{{range .seq}}{{.}}{{end}} {{range $i, $v := .seq2}}{{$i}}{{$v}}{{end}} {{range .seq2}}{{.}}{{end}} {{range .nos}}x{{else}}none{{end}}",
	"{{range $i, $v := .seq}}{{end}}",
	"{{range .fn}}{{end}}",
	"{{range .ints}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}},{{end}}",
	"{{range $i, $x := .ints}}{{range $.strs}}{{$i}}{{.}}{{if eq . \"y\"}}{{break}}{{end}}{{end}};{{end}}",
	"{{range .list}}{{if eq . 2}}two{{end}}{{end}}",
	"{{with .m}}{{.b}}{{end}} {{with .missing}}x{{else with .s}}{{.}}{{end}} {{with .empty}}x{{else}}none{{end}}",
	"{{$x := 1}}{{$x = 2}}{{$x}} {{$y := .s}}{{$y}} {{$.n}} {{with .m}}{{$.s}}{{.a}}{{end}}",
	"{{$x}}",
	"{{$x := .m}}{{$x.nested.deep}} {{$x.missing}}",
	"{{and .t .n}} {{and .t .empty .s}} {{or .empty .s}} {{or .empty .no}} {{not .t}} {{not .empty}}",
	"{{and .no (fail)}} {{or .t (fail)}}",
	"{{and .t (fail)}}",
	"{{.s | and .t}} {{.empty | or .no}}",
	"{{index .list 1}} {{index .m \"a\"}} {{index .im 2}} {{index .im 9}} {{index .m.nested \"deep\" 1}} {{index .s 0}}",
	"{{index .list 10}}",
	"{{index .nil 1}}",
	"{{index .n 1}}",
	"{{index .m 1}}",
	"{{len .list}} {{len .s}} {{len .m}} {{len .none}}",
	"{{len .n}}",
	"{{printf \"%d-%s\" .n .s}} {{printf \"%v\" .list}} {{printf \"%q\" .strs}} {{printf \"%5.2f\" .f}} {{printf \"%s\" .pct}}",
	"{{print 1 2 \"a\" \"b\"}} {{println \"a\" 1}}",
	"{{slice .s 1 3}} {{slice .list 1}} {{slice .strs 0 1 2}} {{slice .s}}",
	"{{slice .s 3 1}}",
	"{{slice .s 0 1 2}}",
	"{{slice .n 1}}",
	"{{call .fn 2}} {{call .fn .n}}",
	"{{call .fn}}",
	"{{call .s}}",
	"{{.fn}}",
	"{{html .html}} {{js .html}} {{urlquery .html}} {{html .n}}",
	"{{eq .n 3}} {{eq .n 1 2 3}} {{ne .s \"x\"}} {{lt 1 2}} {{le 2 2}} {{gt .f 1.0}} {{ge \"b\" \"a\"}} {{eq .nil .nil}} {{eq .big 3}} {{lt .neg .big}}",
	"{{eq .s 1}}",
	"{{lt .t .no}}",
	"{{eq .list .list}}",
	"{{eq .n}}",
	"{{.s | printf \"%q\"}} {{\"x\" | upper | printf \"%s!\"}} {{.strs | join \",\" }} {{join .strs \"-\"}}",
	"{{join .list \",\"}}",
	"{{upper 1}}",
	"{{upper}}",
	"{{add 1 2}} {{add .n .n}} {{list 1 \"a\" .t}} {{list}}",
	"{{add 1.5 2}}",
	"{{add 99999999999999999999 1}}",
	"{{fail}}",
	"before {{.s}} {{range .ints}}{{.}}{{if eq . 3}}{{fail}}{{end}}{{end}} after",
	"partial {{.m.a}} {{index .list 99}} never",
	"{{boom}}",
	"{{define \"t2\"}}[{{.}}]{{end}}{{template \"t2\" .s}}{{block \"b\" .n}}<{{.}}>{{end}}{{template \"t2\"}}",
	"{{template \"nope\"}}",
	"{{nosuch}}",
	"{{.s.}}",
	"{{if}}",
	"{{range .list}}",
	"{{end}}",
	"{{else}}",
	"{{break}}",
	"{{/* a comment */}}x {{- .s -}} y {{- /* c */ -}} z",
	"{{1e3}} {{0x10}} {{'a'}} {{1.5i}} {{-7}} {{0b101}} {{0o17}} {{1_000}} {{0x1p-2}}",
	"{{99999999999999999999}}",
	"{{nil}}",
	"{{(.m).a}} {{(index .list 5).k}} {{(.st).Name}}",
	"{{(nil).x}}",
	"{{(.s).x}}",
	"{{true}} {{false}} {{\"str\"}} {{`raw`}} {{.}}",
	"{{$}}",
	"{{.sp}}",
	"{{printf \"%v\" .st}}",
	"text with %d and %% percent {{.pct}}",
	"{{.m.b | len}}",
	"{{\"%\" | printf}}",
}

// TestExecute_MatchesTextTemplate runs each template through the fork and
// through text/template, with every missingkey mode and both delimiter
// pairs, and requires the same output and the same errors.
func TestExecute_MatchesTextTemplate(t *testing.T) {
	t.Parallel()
	data := testData()
	for _, text := range differentialCases {
		for _, mk := range []string{"default", "zero", "error"} {
			for _, delims := range [][2]string{{"", ""}, {"<<", ">>"}} {
				m := mode{missingKey: mk, left: delims[0], right: delims[1]}
				in := text
				if delims[0] != "" {
					in = strings.NewReplacer("{{", "<<", "}}", ">>").Replace(text)
				}
				want, got := runStd(in, m, data), runFork(in, m, data)
				if got != want {
					t.Errorf("%s %q:\n fork         %+v\n text/template %+v", m, in, got, want)
				}
			}
		}
	}
}

// TestExecute_DelimsLeaveBracesAlone: with "<<" ">>" delimiters, "{{" is
// text.
func TestExecute_DelimsLeaveBracesAlone(t *testing.T) {
	t.Parallel()
	text := "<< .s >> {{.s}} << range .strs >><<.>><< end >>"
	m := mode{missingKey: "error", left: "<<", right: ">>"}
	got := runFork(text, m, testData())
	if want := runStd(text, m, testData()); got != want {
		t.Fatalf("fork %+v, text/template %+v", got, want)
	}
	if got.out != "hello {{.s}} xyz" {
		t.Errorf("output %q", got.out)
	}
}
