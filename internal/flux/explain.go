package flux

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/render"
)

// Explanation is how Flux reaches one reference: every rendering of the
// object holding it.
type Explanation struct {
	Ref chart.Ref `json:"ref"`
	// Paths has one entry per rendering (per cluster and Kustomization).
	Paths []Path `json:"paths"`
	// Note says how the namespace was found when no root renders the
	// object.
	Note string `json:"note,omitempty"`
}

// Path is one rendering of an object.
type Path struct {
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace"`
	// Chain lists the Flux Kustomizations from the root to the one applying
	// the object, each with the place it is written.
	Chain []Link `json:"chain"`
	// Steps are the kustomizations that included the object and the
	// transformations that set its namespace, in order.
	Steps []render.Step `json:"steps"`
	// Variables are those its substitutions read.
	Variables []VarUse `json:"variables,omitempty"`
	// Problem says why Flux fails to apply the object, if it does.
	Problem string `json:"problem,omitempty"`
}

// Link is a Flux Kustomization on the way to an object.
type Link struct {
	Kustomization string `json:"kustomization"`
	File          string `json:"file,omitempty"`
	Line          int    `json:"line,omitempty"`
	// Steps are what built this Kustomization object in its parent.
	Steps []render.Step `json:"steps,omitempty"`
	// Variables are the parent's variables substituted in it (spec.path,
	// targetNamespace, postBuild values).
	Variables []VarUse `json:"variables,omitempty"`
}

// VarUse is one postBuild variable read by a rendered object.
type VarUse struct {
	Name string `json:"name"`
	// Value is empty for a variable from a Secret: it is never shown.
	Value string `json:"value,omitempty"`
	// Known is false for a value bosun cannot read (a SOPS-encrypted
	// Secret's, a ConfigMap not in the repository).
	Known bool   `json:"known"`
	From  string `json:"from"`
	File  string `json:"file,omitempty"`
	Line  int    `json:"line,omitempty"`
}

// Explain scans the repository at root and explains each reference found
// in file (relative to root, "/" separators): the references whose field
// is written there and those of the objects written there. line > 0 keeps
// those at that line only.
func Explain(ctx context.Context, root string, opts Options, file string, line int) ([]Explanation, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	repo, err := manifest.Load(ctx, root, opts)
	if err != nil {
		return nil, err
	}
	x := extract(ctx, repo, opts.Logger, readFile(root))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, ok := x.s.files[file]; !ok {
		return nil, fmt.Errorf("%s is not a YAML file bosun reads in %s", file, root)
	}
	return x.explainFile(file, line), nil
}

func (x extraction) explainFile(file string, line int) []Explanation {
	var out []Explanation
	for _, r := range x.result.Refs {
		objs := x.s.refObjects[refKey(r)]
		if !explains(r, append(slices.Clone(objs), x.s.refUsers[refKey(r)]...), file, line) {
			continue
		}
		out = append(out, x.s.explain(r, objs))
	}
	return out
}

// explains reports whether ref r (of objects objs) is in file at line.
func explains(r chart.Ref, objs []*object, file string, line int) bool {
	if r.Loc.File == file && (line <= 0 || r.Loc.Line == line) {
		return true
	}
	for _, o := range objs {
		if o.file() == file && (line <= 0 || o.doc.root.Line == line || o.tmpl != nil && o.tmpl.Line == line) {
			return true
		}
	}
	return false
}

type refID struct {
	file, kind, name string
	start, end       int
	source           string
}

func refKey(r chart.Ref) refID {
	return refID{r.Loc.File, r.Kind, r.Name, r.Loc.Start, r.Loc.End, r.Source.URL}
}

func (s *scanner) explain(r chart.Ref, objs []*object) Explanation {
	e := Explanation{Ref: r, Paths: []Path{}}
	for _, o := range objs {
		if o.inst == nil {
			if e.Note == "" {
				e.Note = s.unrenderedNote(o)
			}
			continue
		}
		p := Path{Cluster: o.inst.Cluster, Namespace: strings.Join(o.namespaces, ","), Steps: o.inst.Steps, Problem: o.noNS}
		for _, k := range o.inst.Chain {
			p.Chain = append(p.Chain, s.link(o.inst.Cluster, k))
		}
		p.Variables = s.varUses(o.node, o.vars())
		if o.tmpl != nil {
			p.Steps = append(slices.Clone(p.Steps), render.Step{What: "resourcesTemplate of ResourceSet " + o.parent.name, File: o.file(), Line: o.tmpl.Line})
		}
		if !slices.ContainsFunc(e.Paths, func(x Path) bool { return samePath(x, p) }) {
			e.Paths = append(e.Paths, p)
		}
	}
	return e
}

func samePath(a, b Path) bool {
	return a.Cluster == b.Cluster && a.Namespace == b.Namespace && slices.EqualFunc(a.Chain, b.Chain, func(x, y Link) bool {
		return x.Kustomization == y.Kustomization && x.File == y.File && x.Line == y.Line
	})
}

func (s *scanner) unrenderedNote(o *object) string {
	var owners []string
	for _, ks := range s.owners[o.file()] {
		owners = append(owners, ks.key)
	}
	if len(owners) == 0 {
		return fmt.Sprintf("no Flux Kustomization of the repository applies %s; namespaces %v from the file itself", o.file(), o.namespaces)
	}
	return fmt.Sprintf("no root Flux Kustomization renders %s; by the file layout Kustomization %s applies it, namespaces %v",
		o.file(), strings.Join(owners, ", "), o.namespaces)
}

// link locates Flux Kustomization k (namespace/name) of cluster.
func (s *scanner) link(cluster, k string) Link {
	for _, ro := range s.rend.res.Objects {
		if ro.Cluster == cluster && ro.Kind() == "Kustomization" && ro.Namespace()+"/"+ro.Name() == k {
			return Link{Kustomization: k, File: ro.File, Line: ro.Node.Line, Steps: ro.Steps, Variables: s.varUses(ro.Node, ro.Vars)}
		}
	}
	for _, ks := range s.ks {
		if ks.key == k || str(at(ks.obj.node, "metadata", "namespace"))+"/"+ks.obj.name == k {
			return Link{Kustomization: k, File: ks.obj.file(), Line: ks.obj.node.Line}
		}
	}
	return Link{Kustomization: k}
}

// varUses lists the variables the substitutions of a rendered object read.
func (s *scanner) varUses(node *yaml.Node, vars *render.Vars) []VarUse {
	if vars == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []VarUse
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if sub := s.rend.res.Subst[n]; sub != nil {
			for _, name := range sub.Vars {
				if seen[name] {
					continue
				}
				seen[name] = true
				u := VarUse{Name: name}
				if x, ok := vars.ByName[name]; ok {
					u.Value, u.Known, u.From, u.File, u.Line = x.Value, x.Known, x.From, x.File, x.Line
					if strings.HasPrefix(x.From, "Secret ") {
						u.Value = ""
					}
				} else if vars.Missing != "" {
					u.From = "maybe " + vars.Missing
				} else {
					u.From = "not set"
				}
				out = append(out, u)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(node)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
