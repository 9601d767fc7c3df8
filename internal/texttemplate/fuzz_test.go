package texttemplate_test

import (
	"strings"
	"testing"
	"text/template"
	"text/template/parse"
)

// FuzzExecute_MatchesTextTemplate runs fuzzed templates through the fork
// and text/template over data without methods and requires the same
// output and errors. Templates that could run for long (large numbers,
// many nested ranges, templates invoking templates from a definition)
// are skipped.
func FuzzExecute_MatchesTextTemplate(f *testing.F) {
	for _, text := range differentialCases {
		f.Add(text, uint8(0))
		f.Add(text, uint8(2))
		f.Add(strings.NewReplacer("{{", "<<", "}}", ">>").Replace(text), uint8(5))
	}
	data := testData()
	f.Fuzz(func(t *testing.T, text string, sel uint8) {
		m := mode{missingKey: []string{"default", "zero", "error"}[sel%3]}
		if sel/3%2 == 1 {
			m.left, m.right = "<<", ">>"
		}
		if len(text) > 512 || !bounded(text, m) {
			return
		}
		want, got := runStd(text, m, data), runFork(text, m, data)
		if got != want {
			t.Errorf("%s %q:\n fork          %+v\n text/template %+v", m, text, got, want)
		}
	})
}

// bounded reports whether text parses and runs in bounded time: numbers
// of at most 64, at most three range actions, and no {{template}} inside a
// definition (which could recurse).
func bounded(text string, m mode) bool {
	t, err := template.New("t").Delims(m.left, m.right).Funcs(template.FuncMap(testFuncs())).Parse(text)
	if err != nil {
		return true // both engines stop at the parse error
	}
	ranges := 0
	for _, d := range t.Templates() {
		if d.Tree == nil {
			continue
		}
		ok := true
		walkNodes(d.Tree.Root, func(n parse.Node) {
			switch n := n.(type) {
			case *parse.NumberNode:
				if !n.IsInt || n.Int64 > 64 || n.Int64 < -64 {
					ok = false
				}
			case *parse.RangeNode:
				ranges++
			case *parse.TemplateNode:
				if d.Name() != "t" {
					ok = false
				}
			}
		})
		if !ok || ranges > 3 {
			return false
		}
	}
	return true
}

// walkNodes calls fn on n and every node below it.
func walkNodes(n parse.Node, fn func(parse.Node)) {
	fn(n)
	switch n := n.(type) {
	case *parse.ListNode:
		for _, c := range n.Nodes {
			walkNodes(c, fn)
		}
	case *parse.ActionNode:
		walkNodes(n.Pipe, fn)
	case *parse.PipeNode:
		for _, c := range n.Cmds {
			walkNodes(c, fn)
		}
	case *parse.CommandNode:
		for _, c := range n.Args {
			walkNodes(c, fn)
		}
	case *parse.ChainNode:
		walkNodes(n.Node, fn)
	case *parse.IfNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.RangeNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.WithNode:
		walkBranch(&n.BranchNode, fn)
	case *parse.TemplateNode:
		if n.Pipe != nil {
			walkNodes(n.Pipe, fn)
		}
	}
}

func walkBranch(b *parse.BranchNode, fn func(parse.Node)) {
	walkNodes(b.Pipe, fn)
	walkNodes(b.List, fn)
	if b.ElseList != nil {
		walkNodes(b.ElseList, fn)
	}
}
