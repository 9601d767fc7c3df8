package evidence

import (
	"cmp"
	"fmt"
	"path"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
)

// maxValuesFile caps a values file a configMapGenerator reads.
const maxValuesFile = 1 << 20

// Releases reads what the HelmReleases of a repository set: inline
// spec.values merged over the ConfigMaps spec.valuesFrom names, where those
// are written in the repository (a kustomize configMapGenerator building
// the ConfigMap from a file, else a ConfigMap document with the key in
// data), and the CRD policy. It reads only the parsed files it is given and
// the files a generator names inside the repository root (symbolic links
// only within it, regular files of at most 1 MiB each); Secrets and
// targetPath entries are not read, and say so in a note. Build one with
// NewReleases.
type Releases struct {
	root  string
	files map[string]*manifest.File
	// releases are the HelmRelease documents, configMaps the ConfigMap
	// documents, generators the configMapGenerator entries, all in path
	// order.
	releases   []object
	configMaps []object
	generators []generator
}

type object struct {
	file string
	node *yaml.Node
}

func (o object) get(path ...string) *yaml.Node { return lookupNode(o.node, path...) }

func (o object) str(path ...string) string {
	if n := o.get(path...); n != nil && n.Kind == yaml.ScalarNode {
		return n.Value
	}
	return ""
}

// generator is one configMapGenerator entry: its kustomization's
// directory, its name, the namespace it is written with ("" when unset),
// and its files by ConfigMap key (paths relative to the repository root).
type generator struct {
	dir       string
	name      string
	namespace string
	files     map[string]string
}

// Release is what one HelmRelease sets, for Update.
type Release struct {
	// File is where the HelmRelease is written.
	File   string
	Values map[string]any
	CRDs   CRDPolicy
	// Notes say what of its values could not be read, and why.
	Notes []string
}

// NewReleases indexes the HelmReleases, ConfigMaps and configMapGenerators
// of repo, whose files are relative to root.
func NewReleases(root string, repo *manifest.Repo) *Releases {
	rv := &Releases{root: root, files: map[string]*manifest.File{}}
	if repo == nil {
		return rv
	}
	for _, f := range repo.Files {
		rv.files[f.Path] = f
		for _, d := range f.Docs {
			if d.Root == nil || d.Root.Kind != yaml.MappingNode {
				continue
			}
			o := object{file: f.Path, node: d.Root}
			switch kind := o.str("kind"); {
			case kind == "HelmRelease" && strings.HasPrefix(o.str("apiVersion"), "helm.toolkit.fluxcd.io/"):
				rv.releases = append(rv.releases, o)
			case kind == "ConfigMap" && o.str("apiVersion") == "v1":
				rv.configMaps = append(rv.configMaps, o)
			case kind == "Kustomization" && strings.HasPrefix(o.str("apiVersion"), "kustomize.config.k8s.io/"),
				kind == "" && isKustomizationFile(f.Path):
				rv.generators = append(rv.generators, generatorsOf(o)...)
			}
		}
	}
	return rv
}

func isKustomizationFile(p string) bool {
	switch path.Base(p) {
	case "kustomization.yaml", "kustomization.yml", "Kustomization":
		return true
	}
	return false
}

func generatorsOf(o object) []generator {
	list := o.get("configMapGenerator")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	// The kustomization's namespace is set on everything it builds, over
	// an entry's own.
	ns := o.str("namespace")
	var out []generator
	for _, n := range list.Content {
		e := object{node: n}
		g := generator{dir: path.Dir(o.file), name: e.str("name"), namespace: cmp.Or(ns, e.str("namespace")), files: map[string]string{}}
		if fs := lookupNode(n, "files"); fs != nil && fs.Kind == yaml.SequenceNode {
			for _, f := range fs.Content {
				key, p, ok := strings.Cut(f.Value, "=")
				if !ok {
					key, p = path.Base(f.Value), f.Value
				}
				g.files[key] = path.Join(g.dir, p)
			}
		}
		if g.name != "" {
			out = append(out, g)
		}
	}
	return out
}

// For finds the HelmRelease a reference belongs to and reads what it
// sets; nil when there is none. A HelmRelease's own chart reference
// belongs to the HelmRelease document holding its line: the last one of
// its file starting at or before it, if it has the reference's name. Any
// other reference belongs to the first HelmRelease using it (UsedBy), in
// path order, and a note counts the others.
func (rv *Releases) For(ref chart.Ref) *Release {
	if ref.Kind == "HelmRelease" {
		hr := rv.holding(ref)
		if hr == nil {
			return nil
		}
		return rv.read(*hr)
	}
	var hr *object
	var others int
	for i, o := range rv.releases {
		if !usedBy(o, ref) {
			continue
		}
		if hr == nil {
			hr = &rv.releases[i]
		} else {
			others++
		}
	}
	if hr == nil {
		return nil
	}
	r := rv.read(*hr)
	if others > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("values checked for the HelmRelease in %s only (%d more use this chart)", hr.file, others))
	}
	return r
}

// holding is the HelmRelease document of ref's file that holds ref's line
// (documents are in file order), nil when it is not one named ref.Name.
func (rv *Releases) holding(ref chart.Ref) *object {
	var hr *object
	for i, o := range rv.releases {
		if o.file == ref.Loc.File && o.node.Line <= ref.Loc.Line {
			hr = &rv.releases[i]
		}
	}
	if hr == nil || hr.str("metadata", "name") != ref.Name {
		return nil
	}
	return hr
}

// usedBy reports whether ref's UsedBy names HelmRelease o.
func usedBy(o object, ref chart.Ref) bool {
	for _, k := range ref.UsedBy {
		ns := o.str("metadata", "namespace")
		if k.Kind == "HelmRelease" && k.Name == o.str("metadata", "name") && (ns == "" || ns == k.Namespace) {
			return true
		}
	}
	return false
}

// read merges a HelmRelease's valuesFrom ConfigMaps, in order, then its
// inline values over them, as Flux does.
func (rv *Releases) read(o object) *Release {
	ri := &Release{File: o.file, CRDs: CRDPolicy{Install: o.str("spec", "install", "crds"), Upgrade: o.str("spec", "upgrade", "crds")}}
	values := map[string]any{}
	if from := o.get("spec", "valuesFrom"); from != nil && from.Kind == yaml.SequenceNode {
		for _, ref := range from.Content {
			r := object{file: o.file, node: ref}
			kind, name, key := r.str("kind"), r.str("name"), r.str("valuesKey")
			if key == "" {
				key = "values.yaml"
			}
			switch {
			case kind != "ConfigMap":
				ri.Notes = append(ri.Notes, fmt.Sprintf("values from %s %s not read (only ConfigMaps are)", kind, name))
				continue
			case r.str("targetPath") != "":
				ri.Notes = append(ri.Notes, fmt.Sprintf("values from ConfigMap %s (targetPath) not checked", name))
				continue
			}
			m, err := rv.configMapValues(o, name, key)
			if err != nil {
				ri.Notes = append(ri.Notes, fmt.Sprintf("values from ConfigMap %s not checked: %v", name, err))
				continue
			}
			values = mergeMaps(values, m)
		}
	}
	if inline := o.get("spec", "values"); inline != nil {
		var m map[string]any
		if err := inline.Decode(&m); err != nil {
			ri.Notes = append(ri.Notes, "spec.values not checked: not a mapping")
		} else {
			values = mergeMaps(values, m)
		}
	}
	if len(values) > 0 {
		ri.Values = values
	}
	return ri
}

// configMapValues finds ConfigMap name's key as the repository builds it
// for HelmRelease hr: a configMapGenerator, else a ConfigMap document,
// each ranked by rank (the nearest to hr first, one explicitly in another
// namespace last), path order breaking ties.
func (rv *Releases) configMapValues(hr object, name, key string) (map[string]any, error) {
	dir, ns := path.Dir(hr.file), hr.str("metadata", "namespace")
	var gens []generator
	for _, g := range rv.generators {
		if g.name == name {
			gens = append(gens, g)
		}
	}
	slices.SortStableFunc(gens, func(a, b generator) int {
		return compareRanks(rank(dir, ns, a.dir, a.namespace), rank(dir, ns, b.dir, b.namespace))
	})
	for _, g := range gens {
		p, ok := g.files[key]
		if !ok {
			continue
		}
		data, err := rv.readFile(p)
		if err != nil {
			return nil, err
		}
		return parseValues(data)
	}
	var cms []object
	for _, cm := range rv.configMaps {
		if cm.str("metadata", "name") == name {
			cms = append(cms, cm)
		}
	}
	cmRank := func(o object) [3]int { return rank(dir, ns, path.Dir(o.file), o.str("metadata", "namespace")) }
	slices.SortStableFunc(cms, func(a, b object) int { return compareRanks(cmRank(a), cmRank(b)) })
	for _, cm := range cms {
		if v := cm.get("data", key); v != nil && v.Kind == yaml.ScalarNode {
			return parseValues([]byte(v.Value))
		}
	}
	return nil, fmt.Errorf("not found in the repository")
}

// rank orders a ConfigMap written in directory dir with namespace ns for a
// HelmRelease in directory hrDir and namespace hrNS, lowest first: one
// explicitly in another namespace (both set, different) last, since Flux
// reads valuesFrom in the HelmRelease's namespace; then by distance; then
// one in the same namespace before one where either is unset (the
// namespace a kustomization or Flux gives it is not known here).
func rank(hrDir, hrNS, dir, ns string) [3]int {
	var other, unknown int
	switch {
	case hrNS == "" || ns == "":
		unknown = 1
	case hrNS != ns:
		other = 1
	}
	return [3]int{other, distance(hrDir, dir), unknown}
}

func compareRanks(a, b [3]int) int { return slices.Compare(a[:], b[:]) }

// distance ranks how near a directory (a kustomization's, a ConfigMap
// document's) is to the HelmRelease's: 0 the same, n the nth parent, a
// large number for any other.
func distance(from, to string) int {
	for n := 0; ; n++ {
		if from == to {
			return n
		}
		if from == "." || from == "/" || from == "" {
			return 1 << 20
		}
		from = path.Dir(from)
	}
}

// readFile reads a repository file a generator names: a file Load parsed,
// else one manifest.ReadInRoot reads (symbolic links only within the
// root, a symlinked directory included, regular files of at most
// maxValuesFile bytes), since what it reads may reach a pull request.
func (rv *Releases) readFile(p string) ([]byte, error) {
	p = path.Clean(p)
	if f, ok := rv.files[p]; ok {
		return f.Bytes() // the bytes Load read, even where it released them
	}
	return manifest.ReadInRoot(rv.root, p, maxValuesFile)
}

func parseValues(data []byte) (map[string]any, error) {
	if len(data) > maxValuesFile {
		return nil, fmt.Errorf("over %d bytes", maxValuesFile)
	}
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("not YAML values: %s", firstLineOf(err.Error()))
	}
	return m, nil
}

func firstLineOf(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// mergeMaps merges b over a as Flux merges values sources: maps merge key
// by key, any other value replaces. Neither input is modified.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if am, ok := out[k].(map[string]any); ok {
			if bm, ok := v.(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

func lookupNode(n *yaml.Node, path ...string) *yaml.Node {
	for _, p := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == p {
				next = n.Content[i+1]
			}
		}
		n = next
	}
	return n
}
