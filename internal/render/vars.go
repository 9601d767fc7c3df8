package render

import (
	"sort"
	"strings"

	"github.com/fluxcd/pkg/envsubst"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// Var is one postBuild variable and where its value comes from.
type Var struct {
	Value string
	// Known is false for a value that cannot be read (a SOPS-encrypted
	// Secret's).
	Known bool
	File  string
	Line  int
	// Node is the value as rendered; its position is in File.
	Node *yaml.Node `json:"-"`
	// Parent is the mapping holding Node.
	Parent *yaml.Node `json:"-"`
	// From says which source set it: "postBuild.substitute of
	// flux-system/apps", "ConfigMap flux-system/cluster-settings".
	From string
}

// Vars are a Kustomization's variables.
type Vars struct {
	ByName map[string]Var
	// Missing names a substituteFrom source that is not in the repository:
	// any variable it might define is unknown rather than unset.
	Missing string
}

// Names returns the variable names, sorted.
func (v *Vars) Names() []string {
	out := make([]string, 0, len(v.ByName))
	for n := range v.ByName {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Substitution is what postBuild substitution did to one scalar.
type Substitution struct {
	// Original is the value before substitution.
	Original string
	// Vars are the variables it read, in order of use.
	Vars []string
	// Unknown are the variables whose value could not be read; the scalar
	// keeps its original value.
	Unknown []string
	// Err is the error Flux would report (strict mode: a variable not set).
	Err string

	result string
}

const unknownMark = "\x00bosun-unknown\x00"

// substitute runs Flux's envsubst over every scalar of obj that holds
// "${", recording each in subst. Objects labelled or annotated
// kustomize.toolkit.fluxcd.io/substitute: disabled are left alone, and so
// is everything when the Kustomization has no variables at all (Flux's
// default strategy).
func substitute(obj *kustomize.Resource, vars *Vars, subst map[*yaml.Node]*Substitution) []Problem {
	const disabled = "kustomize.toolkit.fluxcd.io/substitute"
	if vars == nil || obj.Labels()[disabled] == "disabled" || obj.Annotations()[disabled] == "disabled" {
		return nil
	}
	var errs []Problem
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "${") {
			s := evalScalar(n.Value, vars)
			subst[n] = s
			switch {
			case s.Err != "":
				errs = append(errs, Problem{Line: n.Line, Msg: s.Err})
			case len(s.Unknown) == 0:
				n.Value = s.result
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(obj.Node)
	return errs
}

func evalScalar(v string, vars *Vars) *Substitution {
	s := &Substitution{Original: v}
	out, err := envsubst.Eval(v, func(name string) (string, bool) {
		s.Vars = append(s.Vars, name)
		x, ok := vars.ByName[name]
		switch {
		case ok && x.Known:
			// Flux strips newlines from every value.
			return strings.ReplaceAll(x.Value, "\n", ""), true
		case ok || vars.Missing != "":
			s.Unknown = append(s.Unknown, name)
			return unknownMark, true
		}
		return "", false
	})
	if err != nil {
		s.Err = err.Error()
	}
	s.result = out
	return s
}
