package render

import (
	"context"
	"encoding/base64"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// clusterState is what rendering one root has produced so far.
type clusterState struct {
	name    string
	base    string // the source's root directory in the repository
	source  source
	objects map[string]*kustomize.Resource // "Kind/namespace/name"
	seen    map[string]bool                // Flux Kustomizations rendered
}

// source is a Flux Kustomization's sourceRef; the root's names this
// repository.
type source struct{ kind, namespace, name string }

func sourceOf(ks *kustomize.Resource) source {
	ref := kustomize.Get(ks.Node, "spec", "sourceRef")
	s := source{kind: kustomize.GetString(ref, "kind"), name: kustomize.GetString(ref, "name"), namespace: kustomize.GetString(ref, "namespace")}
	if s.namespace == "" {
		s.namespace = ks.Namespace()
	}
	return s
}

type pending struct {
	res   *kustomize.Resource
	chain []string
}

// renderCluster renders a root and, breadth first, every Flux
// Kustomization its build produces.
func (rd *renderer) renderCluster(ctx context.Context, root *kustomize.Resource) {
	p := repoPath(kustomize.GetString(root.Node, "spec", "path"))
	base := rd.t.sourceRoot(root.File, p)
	c := &clusterState{
		name:    rd.clusterName(root, join(base, p)),
		base:    base,
		source:  sourceOf(root),
		objects: map[string]*kustomize.Resource{},
		seen:    map[string]bool{key(root): true},
	}
	if !slices.Contains(rd.res.Roots, c.name) {
		rd.res.Roots = append(rd.res.Roots, c.name)
	}
	queue := []pending{{res: root, chain: []string{key(root)}}}
	for len(queue) > 0 && ctx.Err() == nil {
		ks := queue[0]
		queue = queue[1:]
		queue = append(queue, rd.renderKS(c, ks)...)
	}
}

// rootDir is where a root's cluster lives: the directory it applies when
// it applies itself (bootstrap's flux-system applies "clusters/<name>"),
// else the directory of its file.
func rootDir(root *kustomize.Resource, dir string) string {
	if strings.HasPrefix(root.File, dir+"/") || dir == "." {
		return dir
	}
	return path.Dir(root.File)
}

// clusterName names the cluster a root belongs to: the shortest root
// directory containing its own, so that the roots written in one
// cluster's directory make one cluster.
func (rd *renderer) clusterName(root *kustomize.Resource, dir string) string {
	name := rootDir(root, dir)
	for _, d := range rd.rootDirs {
		if strings.HasPrefix(name+"/", d+"/") && len(d) < len(name) {
			name = d
		}
	}
	return name
}

// renderKS builds one Flux Kustomization and returns the ones it applies.
func (rd *renderer) renderKS(c *clusterState, ks pending) []pending {
	spec := kustomize.Get(ks.res.Node, "spec")
	at := func(n *yaml.Node) int {
		if n == nil {
			return ks.res.Node.Line
		}
		return n.Line
	}
	pathNode := kustomize.Get(spec, "path")
	p := kustomize.GetString(spec, "path")
	if s := rd.res.Subst[pathNode]; s != nil && (len(s.Unknown) > 0 || s.Err != "") {
		rd.problemf(ks.res, at(pathNode), "Kustomization %s: spec.path %q depends on %s", key(ks.res), s.Original, unknownWhy(s))
		return nil
	}
	dir := join(c.base, repoPath(p))
	if src := sourceOf(ks.res); src != c.source {
		d, ok := "", false
		if src.kind == "ExternalArtifact" {
			d, ok = rd.artifactDir(c, src, p)
		}
		if !ok {
			rd.problemf(ks.res, at(kustomize.Get(spec, "sourceRef")), "Kustomization %s: source %s %s/%s is not this repository; not rendered", key(ks.res), src.kind, src.namespace, src.name)
			return nil
		}
		dir = d
	}
	if !rd.t.isDir(dir) {
		rd.problemf(ks.res, at(pathNode), "Kustomization %s: spec.path %q is not in the repository", key(ks.res), p)
		return nil
	}
	extra := &fluxExtra{file: ks.res.File, name: "Kustomization " + key(ks.res)}
	if ns := kustomize.Get(spec, "targetNamespace"); ns != nil && ns.Value != "" {
		extra.namespace = ns
		rd.res.Origins.Record(ns, rd.res.Origins.FileOf(ns, ks.res))
	}
	var err error
	if extra.patches, err = kustomize.LoadPatches(kustomize.Get(spec, "patches"), nil); err != nil {
		rd.problemf(ks.res, at(kustomize.Get(spec, "patches")), "Kustomization %s: %v", key(ks.res), err)
	}
	for i := range extra.patches {
		if p := &extra.patches[i]; p.Inline != nil {
			p.File = rd.res.Origins.FileOf(p.Inline, ks.res)
			p.Shift = rd.t.blockShift(p.File, p.Inline)
		}
	}
	for _, comp := range kustomize.GetStrings(spec, "components") {
		extra.components = append(extra.components, join(dir, comp))
	}
	objs := rd.builder().build(dir, extra)
	b := rd.builder()
	b.step(objs, Step{What: "applied by Kustomization " + key(ks.res), File: ks.res.File, Line: ks.res.Node.Line})
	vars := rd.vars(c, ks.res)
	var children []pending
	for _, o := range objs {
		for _, e := range substitute(o, vars, rd.res.Subst) {
			rd.problemf(o, e.Line, "%s/%s: %s (Kustomization %s fails)", o.Kind(), o.Name(), e.Msg, key(ks.res))
		}
		if o.Namespace() == "" && !kustomize.IsClusterScoped(o.Kind()) {
			rd.problemf(o, o.Node.Line, "%s/%s namespace not specified: Kustomization %s fails to apply it", o.Kind(), o.Name(), key(ks.res))
		}
		if rd.keep == nil || rd.keep(o) {
			rd.trim(o)
			rd.res.Objects = append(rd.res.Objects, &Object{Resource: o, Cluster: c.name, Kustomization: key(ks.res), Chain: ks.chain, Vars: vars, Steps: rd.steps[o]})
			c.objects[o.Kind()+"/"+key(o)] = o
		} else {
			c.objects[o.Kind()+"/"+key(o)] = rd.drop(o)
		}
		delete(rd.steps, o)
		if isFluxKS(o) && !c.seen[key(o)] {
			c.seen[key(o)] = true
			children = append(children, pending{res: o, chain: append(slices.Clone(ks.chain), key(o))})
		}
	}
	return children
}

// drop releases a rendered object the Result does not keep: its nodes leave
// Origins and Subst. It returns what substituteFrom lookups still need of
// it: the object itself when it holds data or stringData, else an empty
// object of the same file.
func (rd *renderer) drop(o *kustomize.Resource) *kustomize.Resource {
	if kustomize.Get(o.Node, "data") != nil || kustomize.Get(o.Node, "stringData") != nil {
		return o
	}
	rd.forget(o.Node)
	return &kustomize.Resource{Node: &yaml.Node{Kind: yaml.MappingNode}, File: o.File}
}

func (rd *renderer) problemf(r *kustomize.Resource, line int, format string, args ...any) {
	b := rd.builder()
	b.problem(r.File, line, format, args...)
}

func unknownWhy(s *Substitution) string {
	if s.Err != "" {
		return s.Err
	}
	return "unknown variables " + strings.Join(s.Unknown, ", ")
}

// vars collects a Kustomization's postBuild variables: substituteFrom
// sources in order (later ones win), then substitute (which wins over
// all). nil means no substitution.
func (rd *renderer) vars(c *clusterState, ks *kustomize.Resource) *Vars {
	pb := kustomize.Get(ks.Node, "spec", "postBuild")
	if pb == nil {
		return nil
	}
	v := &Vars{ByName: map[string]Var{}}
	if from := kustomize.Get(pb, "substituteFrom"); from != nil && from.Kind == yaml.SequenceNode {
		for _, e := range from.Content {
			rd.varsFrom(c, ks, e, v)
		}
	}
	if sub := kustomize.Get(pb, "substitute"); sub != nil && sub.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(sub.Content); i += 2 {
			val := kustomize.Deref(sub.Content[i+1]) // a root's own nodes are the written ones, aliases and all
			v.ByName[sub.Content[i].Value] = Var{Value: val.Value, Known: true, File: rd.res.Origins.FileOf(val, ks), Line: val.Line, Node: val, Parent: sub,
				From: "postBuild.substitute of Kustomization " + key(ks)}
		}
	}
	if len(v.ByName) == 0 && v.Missing == "" && kustomize.GetString(pb, "substituteStrategy") != "Always" {
		return nil
	}
	return v
}

func (rd *renderer) varsFrom(c *clusterState, ks *kustomize.Resource, e *yaml.Node, v *Vars) {
	kind, name := kustomize.GetString(e, "kind"), kustomize.GetString(e, "name")
	what := kind + " " + ks.Namespace() + "/" + name
	obj := c.objects[kind+"/"+ks.Namespace()+"/"+name]
	if obj == nil {
		obj = rd.rawObject(kind, ks.Namespace(), name)
	}
	if obj == nil {
		if kustomize.GetString(e, "optional") != "true" {
			v.Missing = what + " (not in the repository)"
		}
		return
	}
	sops := kustomize.Get(obj.Node, "sops") != nil
	for _, field := range []string{"data", "stringData"} {
		m := kustomize.Get(obj.Node, field)
		if m == nil || m.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			val := kustomize.Deref(m.Content[i+1]) // raw objects are the written ones, aliases and all
			x := Var{Value: val.Value, Known: !sops && val.Tag != unknownTag && !strings.HasPrefix(val.Value, "ENC["),
				File: rd.res.Origins.FileOf(val, obj), Line: val.Line, Node: val, Parent: m, From: what}
			if x.Known && kind == "Secret" && field == "data" {
				dec, err := base64.StdEncoding.DecodeString(val.Value)
				x.Value, x.Known = string(dec), err == nil
			}
			if !x.Known {
				x.Value = ""
				x.From += " (SOPS-encrypted)"
			}
			v.ByName[m.Content[i].Value] = x
		}
	}
}

// rawObject finds an object written in the repository by kind, name and
// namespace (or no namespace, which the applying Kustomization sets).
func (rd *renderer) rawObject(kind, ns, name string) *kustomize.Resource {
	if rd.raw == nil {
		rd.raw = map[string][]*kustomize.Resource{}
		for _, p := range rd.t.paths {
			for _, r := range rd.t.written(p, func(k string) bool { return k == "ConfigMap" || k == "Secret" }) {
				if k := r.Kind(); k == "ConfigMap" || k == "Secret" {
					rd.raw[k+"/"+r.Name()] = append(rd.raw[k+"/"+r.Name()], r)
				}
			}
		}
	}
	for _, r := range rd.raw[kind+"/"+name] {
		if r.Namespace() == ns || r.Namespace() == "" {
			return r
		}
	}
	return nil
}
