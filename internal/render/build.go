package render

import (
	"errors"
	"fmt"
	"path"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// Problem is something the renderer could not do, or that Flux would
// refuse, at a place in the repository.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg)
	}
	return p.File + ": " + p.Msg
}

// maxDepth bounds nested kustomizations and Flux Kustomizations.
const maxDepth = 32

// builder runs kustomize builds over the tree.
type builder struct {
	t        *Tree
	origins  kustomize.Origins
	problems *[]Problem
	stack    []string
	// steps, when set, collects what the build did to each object.
	steps map[*kustomize.Resource][]Step
	// patchFiles collects the files read as patches.
	patchFiles map[string]bool
	// decoded caches patch texts decoded, by text.
	decoded map[string][]*yaml.Node
	// skeletons, when set, collects the files of the skeleton objects
	// transformations select (kustomize.SkeletonError; "" for an object
	// whose file is unknown).
	skeletons map[string]bool
}

// decode fills each patch's Docs, decoding each text once per render.
func (b *builder) decode(ps []kustomize.Patch) {
	if b.decoded == nil {
		return
	}
	for i := range ps {
		t := string(ps[i].Text)
		docs, ok := b.decoded[t]
		if !ok {
			docs, _ = kustomize.DecodePatch(ps[i].Text) // nil on error: apply reports it
			b.decoded[t] = docs
		}
		ps[i].Docs = docs
	}
}

// Step is one thing a build did to an object: a kustomization that
// included it, or a transformation that set its namespace.
type Step struct {
	What string `json:"what"`
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

func (s Step) String() string {
	switch {
	case s.File == "":
		return s.What
	case s.Line > 0:
		return fmt.Sprintf("%s (%s:%d)", s.What, s.File, s.Line)
	}
	return fmt.Sprintf("%s (%s)", s.What, s.File)
}

func (b *builder) step(acc []*kustomize.Resource, st Step) {
	if b.steps == nil {
		return
	}
	for _, r := range acc {
		b.steps[r] = append(b.steps[r], st)
	}
}

// nsWatch records, for each object whose namespace a transformation
// changes, a step naming it.
type nsWatch struct {
	b      *builder
	acc    []*kustomize.Resource
	before [][2]string // metadata.namespace, spec.targetNamespace
}

// watched are the fields whose changes nsWatch records.
var watched = [2][]string{{"metadata", "namespace"}, {"spec", "targetNamespace"}}

func (b *builder) watchNS(acc []*kustomize.Resource) *nsWatch {
	w := &nsWatch{b: b, acc: acc}
	w.reset()
	return w
}

func (w *nsWatch) reset() {
	w.before = w.before[:0]
	for _, r := range w.acc {
		w.before = append(w.before, [2]string{kustomize.GetString(r.Node, watched[0]...), kustomize.GetString(r.Node, watched[1]...)})
	}
}

// done records what for the objects whose namespace changed since the
// last call, with the file and line of the new value.
func (w *nsWatch) done(what string, origins kustomize.Origins) {
	if w.b.steps == nil {
		return
	}
	for i, r := range w.acc {
		for j, f := range watched {
			n := kustomize.Get(r.Node, f...)
			if n == nil || n.Value == w.before[i][j] {
				continue
			}
			name := "namespace"
			if j == 1 {
				name = "spec.targetNamespace"
			}
			w.b.steps[r] = append(w.b.steps[r], Step{What: what + " sets " + name + " " + n.Value, File: origins.FileOf(n, r), Line: n.Line})
		}
	}
	w.reset()
}

func (b *builder) problem(file string, line int, format string, args ...any) {
	*b.problems = append(*b.problems, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// fail reports a transformation's error as a problem, or, when it selected
// skeleton objects, records their files as needed in full.
func (b *builder) fail(file string, line int, err error) {
	if errors.Is(err, kustomize.ErrSkeleton) {
		if b.skeletons != nil {
			var s *kustomize.SkeletonError
			if !errors.As(err, &s) {
				b.skeletons[""] = true // which file is unknown
				return
			}
			for _, f := range s.Files {
				b.skeletons[f] = true
			}
		}
		return
	}
	b.problem(file, line, "%v", err)
}

// fluxExtra is what a Flux Kustomization adds to the build of its path:
// targetNamespace overrides the namespace, its patches run after the
// kustomization's own, its components are appended.
type fluxExtra struct {
	namespace  *yaml.Node
	patches    []kustomize.Patch
	components []string // repository paths
	file       string   // the Kustomization's file, for problems
	name       string   // "Kustomization namespace/name"
}

// build runs the kustomize build of dir.
func (b *builder) build(dir string, extra *fluxExtra) []*kustomize.Resource {
	for _, d := range b.stack {
		if d == dir {
			b.problem(dir, 0, "kustomization cycle through %s", strings.Join(append(b.stack, dir), " → "))
			return nil
		}
	}
	if len(b.stack) >= maxDepth {
		b.problem(dir, 0, "kustomizations nested deeper than %d", maxDepth)
		return nil
	}
	b.stack = append(b.stack, dir)
	defer func() { b.stack = b.stack[:len(b.stack)-1] }()
	kf, ok := b.t.kustFile(dir)
	if !ok {
		return b.generated(dir, extra)
	}
	k := b.kustRoot(kf)
	var acc []*kustomize.Resource
	b.assemble(dir, kf, k, &acc, extra)
	b.step(acc, Step{What: "kustomize build of " + dir, File: kf})
	b.transform(dir, kf, k, acc, extra)
	return acc
}

// kustRoot is the mapping of a kustomization file (nil when empty).
func (b *builder) kustRoot(kf string) *yaml.Node {
	f, _ := b.t.File(kf)
	for _, d := range f.Docs {
		if d.Root != nil && d.Root.Kind == yaml.MappingNode {
			return d.Root
		}
	}
	return nil
}

// generated is the kustomization Flux writes for a path without one: every
// YAML file below it, except below a directory that has its own
// kustomization file, which is built as one resource.
func (b *builder) generated(dir string, extra *fluxExtra) []*kustomize.Resource {
	var acc []*kustomize.Resource
	built := map[string]bool{}
	for _, p := range b.t.under(dir) {
		if sub := b.nearestKust(dir, path.Dir(p)); sub != "" {
			if !built[sub] {
				built[sub] = true
				acc = append(acc, b.build(sub, nil)...)
			}
			continue
		}
		acc = append(acc, b.t.objects(p)...)
	}
	b.step(acc, Step{What: "the kustomization Flux generates for " + dir})
	if extra != nil {
		for _, c := range extra.components {
			b.component(c, extra.file, &acc)
		}
	}
	b.transform(dir, "", nil, acc, extra)
	return acc
}

// nearestKust returns the highest directory strictly below root, on the
// way to dir, that has a kustomization file.
func (b *builder) nearestKust(root, dir string) string {
	if dir == root || !strings.HasPrefix(dir, strings.TrimPrefix(root+"/", "./")) && root != "." {
		return ""
	}
	rel := dir
	if root != "." {
		rel = strings.TrimPrefix(dir, root+"/")
	}
	cur := root
	for _, seg := range strings.Split(rel, "/") {
		cur = join(cur, seg)
		if _, ok := b.t.kustFile(cur); ok {
			return cur
		}
	}
	return ""
}

// assemble adds a kustomization's resources, generated objects and
// components to acc.
func (b *builder) assemble(dir, kf string, k *yaml.Node, acc *[]*kustomize.Resource, extra *fluxExtra) {
	for _, r := range kustomize.GetStrings(k, "resources") {
		b.resource(dir, kf, r, acc)
	}
	*acc = append(*acc, b.generators(dir, kf, k)...)
	comps := kustomize.GetStrings(k, "components")
	for i := range comps {
		comps[i] = join(dir, comps[i])
	}
	if extra != nil {
		comps = append(comps, extra.components...)
	}
	for _, c := range comps {
		b.component(c, kf, acc)
	}
}

func (b *builder) resource(dir, kf, r string, acc *[]*kustomize.Resource) {
	if strings.Contains(r, "://") || strings.HasPrefix(r, "github.com/") || strings.Contains(r, "?ref=") {
		b.problem(kf, 0, "remote resource %s is not read", r)
		return
	}
	p := join(dir, r)
	switch {
	case !inRepo(p):
		b.problem(kf, 0, "resource %s leaves the repository", r)
	case isYAML(p) && b.t.files[p] != nil:
		*acc = append(*acc, b.t.objects(p)...)
	case b.t.isDir(p):
		*acc = append(*acc, b.build(p, nil)...)
	default:
		b.problem(kf, 0, "resource %s not found (kustomize build fails)", r)
	}
}

// component adds a Component's objects to acc and runs its transformers
// over all of acc, before the including kustomization's own.
func (b *builder) component(dir, from string, acc *[]*kustomize.Resource) {
	kf, ok := b.t.kustFile(dir)
	if !ok {
		b.problem(from, 0, "component %s has no kustomization file", dir)
		return
	}
	k := b.kustRoot(kf)
	n := len(*acc)
	b.assemble(dir, kf, k, acc, nil)
	b.step((*acc)[n:], Step{What: "component " + dir, File: kf})
	b.transform(dir, kf, k, *acc, nil)
}

// transform runs a kustomization's transformers in kustomize's order:
// patchesStrategicMerge, patches (the Flux Kustomization's after the
// file's), namespace (targetNamespace first), name prefix and suffix,
// patchesJson6902, replacements.
func (b *builder) transform(dir, kf string, k *yaml.Node, acc []*kustomize.Resource, extra *fluxExtra) {
	load := b.loader(dir)
	var patches []kustomize.Patch
	for _, p := range kustomize.GetStrings(k, "patchesStrategicMerge") {
		if data, err := load(p); err == nil {
			patches = append(patches, kustomize.Patch{File: join(dir, p), Text: data})
		} else {
			patches = append(patches, kustomize.Patch{Text: []byte(p), File: kustomize.InlineOrigin(kf)})
		}
	}
	ps, err := kustomize.LoadPatches(kustomize.Get(k, "patches"), load)
	if err != nil {
		b.problem(kf, 0, "%v", err)
	}
	b.t.placePatches(ps, dir, kf)
	patches = append(patches, ps...)
	if extra != nil {
		patches = append(patches, extra.patches...)
	}
	w := b.watchNS(acc)
	for _, p := range patches {
		if p.Inline == nil && p.File != "" && b.patchFiles != nil {
			b.patchFiles[p.File] = true
		}
	}
	b.decode(patches)
	if err := kustomize.ApplyPatches(acc, patches, b.origins); err != nil {
		b.fail(orFile(kf, extra), 0, err)
	}
	w.done("patch", b.origins)
	ns := kustomize.Get(k, "namespace")
	what := "namespace transformer of " + kf
	if extra != nil && extra.namespace != nil {
		ns = extra.namespace
		what = "spec.targetNamespace of " + extra.name
	}
	if ns != nil && (extra == nil || extra.namespace == nil) {
		// targetNamespace keeps the origin renderKS gave it.
		b.origins.Record(ns, kf)
	}
	kustomize.SetNamespace(acc, ns, b.origins)
	w.done(what, b.origins)
	b.affix(k, acc)
	b.json6902(dir, kf, k, acc)
	w.done("JSON 6902 patch in "+kf, b.origins)
	reps, err := kustomize.LoadReplacements(kustomize.Get(k, "replacements"), load)
	if err == nil {
		err = kustomize.ApplyReplacements(acc, reps, b.origins)
	}
	if err != nil {
		b.fail(kf, 0, err)
	}
	w.done("replacement in "+kf, b.origins)
}

func orFile(kf string, extra *fluxExtra) string {
	if extra != nil && extra.namespace != nil {
		return extra.file
	}
	return kf
}

// affix applies namePrefix and nameSuffix to every object's name but
// Namespaces' and CustomResourceDefinitions'.
func (b *builder) affix(k *yaml.Node, acc []*kustomize.Resource) {
	pre, suf := kustomize.GetString(k, "namePrefix"), kustomize.GetString(k, "nameSuffix")
	if pre == "" && suf == "" {
		return
	}
	for _, r := range acc {
		if kind := r.Kind(); kind == "Namespace" || kind == "CustomResourceDefinition" {
			continue
		}
		if n := kustomize.Get(r.Node, "metadata", "name"); n != nil && n.Kind == yaml.ScalarNode {
			n.Value = pre + n.Value + suf
		}
	}
}

func (b *builder) json6902(dir, kf string, k *yaml.Node, acc []*kustomize.Resource) {
	list := kustomize.Get(k, "patchesJson6902")
	if list == nil || list.Kind != yaml.SequenceNode {
		return
	}
	load := b.loader(dir)
	for _, e := range list.Content {
		var p kustomize.Patch
		p.Target = &kustomize.Selector{}
		if t := kustomize.Get(e, "target"); t != nil {
			_ = t.Decode(p.Target)
		}
		if f := kustomize.GetString(e, "path"); f != "" {
			data, err := load(f)
			if err != nil {
				b.problem(kf, e.Line, "%v", err)
				continue
			}
			p.File, p.Text = join(dir, f), data
			if b.patchFiles != nil {
				b.patchFiles[p.File] = true
			}
		} else {
			p.Text = []byte(kustomize.GetString(e, "patch"))
		}
		if err := kustomize.ApplyPatches(acc, []kustomize.Patch{p}, b.origins); err != nil {
			b.fail(kf, e.Line, err)
		}
	}
}

// loader reads files relative to dir.
func (b *builder) loader(dir string) kustomize.Loader {
	return func(p string) ([]byte, error) {
		full := join(dir, p)
		if !inRepo(full) {
			return nil, fmt.Errorf("%s leaves the repository", p)
		}
		if f, ok := b.t.File(full); ok {
			return f.Bytes()
		}
		if b.t.Read != nil {
			return b.t.Read(full)
		}
		return nil, fmt.Errorf("%s: not found", full)
	}
}
