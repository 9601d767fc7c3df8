package flux

import (
	"log/slog"
	"path"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/render"
)

// doc is one YAML document.
type doc struct {
	file    *manifest.File
	index   int
	root    *yaml.Node
	sops    bool
	aliased map[[2]int]bool       // positions of anchored nodes some alias points at; built on first use
	scalars map[[2]int]*yaml.Node // the document's scalars by position; built on first use
}

// isScalar reports whether a scalar of the document starts at n's
// position (a node decoded from an embedded text does not).
func (d *doc) isScalar(n *yaml.Node) bool { return d.scalarAt(n) != nil }

// scalarAt returns the document's scalar at n's position, or nil.
func (d *doc) scalarAt(n *yaml.Node) *yaml.Node {
	if d.scalars == nil {
		d.scalars = map[[2]int]*yaml.Node{}
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.ScalarNode {
				d.scalars[[2]int{n.Line, n.Column}] = n
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(d.root)
	}
	return d.scalars[[2]int{n.Line, n.Column}]
}

func (d *doc) isAliased(n *yaml.Node) bool {
	if n.Anchor == "" {
		return false
	}
	if d.aliased == nil {
		d.aliased = map[[2]int]bool{}
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.AliasNode && n.Alias != nil {
				d.aliased[[2]int{n.Alias.Line, n.Alias.Column}] = true
				return
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(d.root)
	}
	return d.aliased[[2]int{n.Line, n.Column}]
}

// object is a recognised Flux object.
type object struct {
	doc        *doc
	node       *yaml.Node
	group      string
	kind       string
	name       string
	namespace  string  // metadata.namespace as written
	parent     *object // ResourceSet holding it
	namespaces []string
	clusters   []string
	ks         *fluxKS
	// inst is the rendered copy node belongs to (the ResourceSet's for a
	// nested object), nil for an object no root Flux Kustomization reaches.
	inst *render.Object
	// placement is the cluster and namespace of a rendered object.
	placement *chart.Placement
	// noNS says why Flux fails to apply a rendered object (no namespace).
	noNS string
	// tmpl is the spec.resourcesTemplate scalar a nested object was
	// rendered from (nil when written as YAML).
	tmpl *yaml.Node
}

// vars are the variables substituted in a rendered object.
func (o *object) vars() *render.Vars {
	if o.inst == nil {
		return nil
	}
	return o.inst.Vars
}

func (o *object) file() string { return o.doc.file.Path }

// kust is a kustomize kustomization file (or a kustomize.config.k8s.io document elsewhere).
type kust struct {
	doc       *doc
	node      *yaml.Node
	dir       string
	namespace string
	entries   []string // resources, components, bases as written
	parents   []*kust
	ksRoot    bool // built directly by a Flux Kustomization
	eff       []string
	state     int
}

// fluxKS is a kustomize.toolkit.fluxcd.io Kustomization.
type fluxKS struct {
	obj       *object
	key       string
	dir       string
	dirOK     bool
	targetNS  string
	subst     *yaml.Node // postBuild.substitute mapping
	substFrom bool
	comps     []string
	owners    []*fluxKS
	depth     int
	state     int
	roots     []string
}

type scanner struct {
	log        *slog.Logger
	repo       *manifest.Repo
	files      map[string]*manifest.File
	paths      []string
	dirs       map[string]bool
	objects    []*object
	kusts      []*kust
	kustByDir  map[string]*kust
	fileKusts  map[string][]*kust
	fileDirect map[string]bool // file reached by a KS build without a kustomization listing it
	ks         []*fluxKS
	owners     map[string][]*fluxKS
	rend       *rendering
	docs       map[docKey]*doc
	// tmplSrc maps nodes rendered from a ResourceSet template to the input
	// value (and its parent) they were copied from.
	tmplSrc map[*yaml.Node][2]*yaml.Node
	// tmplLit places a scalar written literally in a ResourceSet template
	// at its position in the file (inside the block scalar).
	tmplLit map[*yaml.Node]*yaml.Node
	// refObjects are the objects each Ref was found in.
	refObjects map[refID][]*object
	// users are the HelmReleases whose chartRef points at a Ref (by its
	// index before merging), and refUsers the same by Ref.
	users    map[int][]*object
	refUsers map[refID][]*object
}

func newScanner(repo *manifest.Repo, log *slog.Logger) *scanner {
	s := &scanner{
		log: log, repo: repo,
		files:      map[string]*manifest.File{},
		dirs:       map[string]bool{"": true},
		kustByDir:  map[string]*kust{},
		fileKusts:  map[string][]*kust{},
		fileDirect: map[string]bool{},
		owners:     map[string][]*fluxKS{},
		docs:       map[docKey]*doc{},
		tmplSrc:    map[*yaml.Node][2]*yaml.Node{},
		tmplLit:    map[*yaml.Node]*yaml.Node{},
		users:      map[int][]*object{},
		refUsers:   map[refID][]*object{},
	}
	for _, f := range repo.Files {
		s.files[f.Path] = f
		s.paths = append(s.paths, f.Path)
		for d := path.Dir(f.Path); d != "." && !s.dirs[d]; d = path.Dir(d) {
			s.dirs[d] = true
		}
	}
	sort.Strings(s.paths)
	return s
}

var fluxKinds = map[string][]string{
	"helm.toolkit.fluxcd.io":      {"HelmRelease"},
	"source.toolkit.fluxcd.io":    {"HelmRepository", "OCIRepository", "HelmChart", "GitRepository", "Bucket"},
	"kustomize.toolkit.fluxcd.io": {"Kustomization"},
	"fluxcd.controlplane.io":      {"ResourceSet"},
}

func isKustFileName(p string) bool {
	b := path.Base(p)
	return b == "kustomization.yaml" || b == "kustomization.yml"
}

func (s *scanner) collect() {
	for _, f := range s.repo.Files {
		for _, d := range f.Docs {
			if d.Root == nil {
				continue
			}
			dd := &doc{file: f, index: d.Index, root: d.Root, sops: field(d.Root, "sops") != nil}
			s.docs[docKey{f.Path, d.Index}] = dd
			if d.Root.Kind != yaml.MappingNode {
				continue
			}
			insts := s.rend.instances(f.Path, d.Root)
			if len(insts) == 0 && s.rend.res.PatchFiles[f.Path] {
				continue // a fragment of another object
			}
			if len(insts) == 0 || str(field(d.Root, "kind")) == "Kustomization" {
				s.addObject(dd, d.Root, nil, 0, nil)
				continue
			}
			for _, in := range insts {
				s.addObject(dd, in.Node, nil, 0, in)
			}
		}
	}
}

func (s *scanner) addObject(d *doc, m *yaml.Node, parent *object, depth int, inst *render.Object) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return
	}
	av, kind := str(field(m, "apiVersion")), str(field(m, "kind"))
	group, _ := splitAPIVersion(av)
	if parent == nil && (group == "kustomize.config.k8s.io" && (kind == "Kustomization" || kind == "Component") ||
		av == "" && isKustFileName(d.file.Path)) {
		s.addKust(d, m)
		return
	}
	if !slices.Contains(fluxKinds[group], kind) {
		return
	}
	o := &object{
		doc: d, node: m, group: group, kind: kind, parent: parent, inst: inst,
		name:      str(at(m, "metadata", "name")),
		namespace: str(at(m, "metadata", "namespace")),
	}
	s.objects = append(s.objects, o)
	switch kind {
	case "ResourceSet":
		if depth >= 4 {
			return
		}
		s.addItems(o, deref(at(m, "spec", "resources")), depth)
		s.addTemplates(o, depth)
	case "Kustomization":
		ks := &fluxKS{obj: o, targetNS: str(at(m, "spec", "targetNamespace"))}
		if sub := deref(at(m, "spec", "postBuild", "substitute")); sub != nil && sub.Kind == yaml.MappingNode {
			ks.subst = sub
		}
		if sf := deref(at(m, "spec", "postBuild", "substituteFrom")); sf != nil && len(sf.Content) > 0 {
			ks.substFrom = true
		}
		for _, c := range seqStrings(at(m, "spec", "components")) {
			ks.comps = append(ks.comps, c)
		}
		ks.dir, ks.dirOK = s.resolveKSPath(str(at(m, "spec", "path")), d.file.Path)
		if !ks.dirOK {
			s.log.Debug("flux kustomization path not found in the repository", "file", d.file.Path, "path", str(at(m, "spec", "path")))
		}
		o.ks = ks
		if parent == nil { // a KS in a ResourceSet is built from templates; its file ownership is not modelled
			s.ks = append(s.ks, ks)
		}
	}
}

func seqStrings(n *yaml.Node) []string {
	n = deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, c := range n.Content {
		if v := str(c); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (s *scanner) addKust(d *doc, m *yaml.Node) {
	k := &kust{doc: d, node: m, dir: dirOf(d.file.Path), namespace: str(field(m, "namespace"))}
	for _, key := range []string{"resources", "components", "bases"} {
		k.entries = append(k.entries, seqStrings(field(m, key))...)
	}
	s.kusts = append(s.kusts, k)
	if isKustFileName(d.file.Path) && s.kustByDir[k.dir] == nil {
		s.kustByDir[k.dir] = k
	}
}

func objectKey(o *object) string {
	if len(o.namespaces) == 0 {
		return o.name
	}
	return o.namespaces[0] + "/" + o.name
}
