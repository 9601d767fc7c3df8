package flux

import (
	"bytes"
	"context"
	"log/slog"
	"path"
	"slices"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
)

// Options controls a scan.
type Options struct {
	// Ignore holds extra doublestar globs relative to the root ("**/secret/**"); ".git/" is always skipped.
	Ignore []string
	// IncludeArchive scans ".archive/" directories, skipped by default at any depth.
	IncludeArchive bool
	// MaxFileSize defaults to 10 MiB; bigger files are reported as errors, not parsed.
	MaxFileSize int64
	// NoGit reads every file below the root even in a git work tree; by
	// default only git-tracked files are read, and a work tree git cannot
	// list is an error (manifest.ErrGit).
	NoGit bool
	// Logger may be nil.
	Logger *slog.Logger
}

// FileError is a per-file problem: String() is "file:line: msg".
type FileError = manifest.FileError

// SourceObject is a HelmRepository or OCIRepository found in the repository.
type SourceObject struct {
	Kind       string   `json:"kind"`
	Namespaces []string `json:"namespaces"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	// Type is "default" or "oci" for a HelmRepository, "oci" for an OCIRepository.
	Type  string `json:"type"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Scope string `json:"scope,omitempty"`
}

// Result is what a scan found.
type Result struct {
	// Files counts the YAML files read.
	Files int `json:"files"`
	// Refs are sorted by file, byte offset, then name.
	Refs []chart.Ref `json:"refs"`
	// Sources lists HelmRepository and OCIRepository objects, sorted by file and line.
	Sources []SourceObject `json:"sources"`
	// Errors are sorted by file and line.
	Errors []FileError `json:"errors"`
	// Encrypted lists the SOPS-encrypted documents, sorted: bosun cannot
	// read inside them, so they are reported as skipped with reason sops
	// (and any Flux object among them carries that skip reason).
	Encrypted []EncryptedDoc `json:"encrypted,omitempty"`
	// Skipped lists the YAML files not read on purpose (a symlink leading
	// outside the repository), sorted by file, each with its reason.
	Skipped []manifest.SkippedFile `json:"skippedFiles,omitempty"`
}

// EncryptedDoc is a SOPS-encrypted YAML document.
type EncryptedDoc struct {
	File string `json:"file"`
	Doc  int    `json:"doc"`
	Line int    `json:"line"`
	// Kind is the document's kind when it is readable ("Secret"), else "".
	Kind string `json:"kind,omitempty"`
}

// Scan reads the repository at root and extracts its chart references. The
// error is only for fatal problems (root unreadable, bad ignore glob);
// problems with single files are in Result.Errors.
func Scan(ctx context.Context, root string, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	repo, err := manifest.Load(ctx, root, manifest.Options{
		Ignore:         opts.Ignore,
		IncludeArchive: opts.IncludeArchive,
		MaxFileSize:    opts.MaxFileSize,
		NoGit:          opts.NoGit,
		Logger:         log,
	})
	if err != nil {
		return nil, err
	}
	res := Extract(repo, log)
	log.Info("scan", "files", res.Files, "refs", len(res.Refs), "errors", len(res.Errors))
	return res, nil
}

// Extract finds the chart references of parsed files. log may be nil.
func Extract(repo *manifest.Repo, log *slog.Logger) *Result {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := newScanner(repo, log)
	s.collect()
	s.buildKustGraph()
	s.resolveFluxKS()
	s.resolveNamespaces()
	res := &Result{Files: len(repo.Files), Skipped: repo.Skipped}
	res.Refs = s.refs()
	res.Sources = s.sources()
	for _, f := range repo.Files {
		for _, d := range f.Docs {
			if d.Root != nil && d.Root.Kind == yaml.MappingNode && field(d.Root, "sops") != nil {
				kind := ""
				if k := field(d.Root, "kind"); k != nil && k.Kind == yaml.ScalarNode && !strings.HasPrefix(k.Value, "ENC[") {
					kind = k.Value
				}
				res.Encrypted = append(res.Encrypted, EncryptedDoc{File: f.Path, Doc: d.Index, Line: d.Root.Line, Kind: kind})
			}
		}
	}
	for _, e := range repo.Errors {
		if f := s.files[e.File]; f != nil && looksSOPS(f.Data) {
			log.Debug("skip sops-encrypted file that does not parse", "file", e.File)
			res.Encrypted = append(res.Encrypted, EncryptedDoc{File: e.File, Line: e.Line})
			continue
		}
		res.Errors = append(res.Errors, e)
	}
	slices.SortFunc(res.Encrypted, func(a, b EncryptedDoc) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Doc - b.Doc
	})
	return res
}

func looksSOPS(b []byte) bool {
	return bytes.Contains(b, []byte("ENC[AES256_GCM,")) || bytes.Contains(b, []byte("\nsops:"))
}

// doc is one YAML document.
type doc struct {
	file    *manifest.File
	index   int
	root    *yaml.Node
	sops    bool
	aliased map[*yaml.Node]bool // anchored nodes some alias points at; built on first use
}

func (d *doc) isAliased(n *yaml.Node) bool {
	if n.Anchor == "" {
		return false
	}
	if d.aliased == nil {
		d.aliased = map[*yaml.Node]bool{}
		var walk func(*yaml.Node)
		walk = func(n *yaml.Node) {
			if n.Kind == yaml.AliasNode && n.Alias != nil {
				d.aliased[n.Alias] = true
				return
			}
			for _, c := range n.Content {
				walk(c)
			}
		}
		walk(d.root)
	}
	return d.aliased[n]
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
			if d.Root == nil || d.Root.Kind != yaml.MappingNode {
				continue
			}
			dd := &doc{file: f, index: d.Index, root: d.Root, sops: field(d.Root, "sops") != nil}
			s.addObject(dd, d.Root, nil, 0)
		}
	}
}

func (s *scanner) addObject(d *doc, m *yaml.Node, parent *object, depth int) {
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
		doc: d, node: m, group: group, kind: kind, parent: parent,
		name:      str(at(m, "metadata", "name")),
		namespace: str(at(m, "metadata", "namespace")),
	}
	s.objects = append(s.objects, o)
	switch kind {
	case "ResourceSet":
		if depth >= 4 {
			return
		}
		if res := deref(at(m, "spec", "resources")); res != nil && res.Kind == yaml.SequenceNode {
			for _, item := range res.Content {
				s.addObject(d, item, o, depth+1)
			}
		}
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

// dirOf returns the slash directory of p, "" for the root.
func dirOf(p string) string {
	d := path.Dir(p)
	if d == "." {
		return ""
	}
	return d
}

// join resolves rel against dir; ok is false when the result leaves the root.
func join(dir, rel string) (string, bool) {
	p := path.Clean(path.Join(dir, rel))
	if p == "." {
		return "", true
	}
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return "", false
	}
	return p, true
}

func isRemote(e string) bool {
	return strings.Contains(e, "://") || strings.HasPrefix(e, "github.com/") || strings.Contains(e, "?ref=")
}

// localEntries returns the repository paths of a kustomization's local
// resources and components (remote ones and paths escaping the root left out).
func localEntries(k *kust) []string {
	var out []string
	for _, e := range k.entries {
		if isRemote(e) {
			continue
		}
		if t, ok := join(k.dir, e); ok {
			out = append(out, t)
		}
	}
	return out
}

func (s *scanner) buildKustGraph() {
	for _, k := range s.kusts {
		if !isKustFileName(k.doc.file.Path) {
			continue
		}
		for _, t := range localEntries(k) {
			if s.files[t] != nil {
				s.fileKusts[t] = append(s.fileKusts[t], k)
			} else if k2 := s.kustByDir[t]; k2 != nil && k2 != k {
				k2.parents = append(k2.parents, k)
			}
		}
	}
}

// resolveKSPath maps a Flux Kustomization spec.path to a repository directory.
func (s *scanner) resolveKSPath(p, ksFile string) (string, bool) {
	if p == "" || strings.Contains(p, "${") {
		return "", p == ""
	}
	clean := path.Clean(strings.TrimLeft(p, "/"))
	if clean == "." {
		return "", true
	}
	if strings.HasPrefix(clean, "../") || clean == ".." {
		return "", false
	}
	if s.dirs[clean] {
		return clean, true
	}
	var cands, near []string
	suffix := "/" + clean
	for d := range s.dirs {
		if strings.HasSuffix(d, suffix) {
			cands = append(cands, d)
			prefix := strings.TrimSuffix(d, suffix)
			if strings.HasPrefix(ksFile, prefix+"/") {
				near = append(near, d)
			}
		}
	}
	switch {
	case len(near) == 1:
		return near[0], true
	case len(cands) == 1:
		return cands[0], true
	}
	// Last resort for moved or archived trees: the directory next to the
	// KS file named by the longest tail of the path ("./apps/x/app" from
	// "old/x/ks.yaml" → "old/x/app").
	segs := strings.Split(clean, "/")
	for i := 1; i < len(segs); i++ {
		if d, ok := join(dirOf(ksFile), strings.Join(segs[i:], "/")); ok && d != "" && s.dirs[d] {
			return d, true
		}
	}
	return "", false
}

// filesUnder returns the sorted files below dir ("" = all).
func (s *scanner) filesUnder(dir string) []string {
	if dir == "" {
		return s.paths
	}
	prefix := dir + "/"
	i := sort.SearchStrings(s.paths, prefix)
	j := i
	for j < len(s.paths) && strings.HasPrefix(s.paths[j], prefix) {
		j++
	}
	return s.paths[i:j]
}

// build adds to out every file `kustomize build dir` would read, as Flux does.
func (s *scanner) build(dir string, seen map[*kust]bool, out map[string]bool, fromKS bool) {
	if k := s.kustByDir[dir]; k != nil {
		if fromKS {
			k.ksRoot = true
		}
		s.visitKust(k, seen, out)
		return
	}
	for _, p := range s.filesUnder(dir) {
		var inner *kust
		for d := dirOf(p); d != dir && d != ""; d = dirOf(d) {
			if k := s.kustByDir[d]; k != nil {
				inner = k // keep going: the outermost below dir wins
			}
		}
		if inner != nil {
			inner.ksRoot = true
			s.visitKust(inner, seen, out)
			continue
		}
		out[p] = true
		s.fileDirect[p] = true
	}
}

func (s *scanner) visitKust(k *kust, seen map[*kust]bool, out map[string]bool) {
	if seen[k] {
		return
	}
	seen[k] = true
	out[k.doc.file.Path] = true
	for _, t := range localEntries(k) {
		if s.files[t] != nil {
			out[t] = true
		} else if s.dirs[t] {
			s.build(t, seen, out, false)
		}
	}
}

func (s *scanner) resolveFluxKS() {
	for _, ks := range s.ks {
		if !ks.dirOK {
			continue
		}
		out := map[string]bool{}
		seen := map[*kust]bool{}
		s.build(ks.dir, seen, out, true)
		for _, c := range ks.comps {
			if t, ok := join(ks.dir, c); ok && !isRemote(c) {
				s.build(t, seen, out, true)
			}
		}
		for p := range out {
			s.owners[p] = append(s.owners[p], ks)
		}
	}
	// Files no KS build reaches (e.g. a directory commented out of a
	// kustomization.yaml) fall back to the KS whose spec.path holds them,
	// deepest first.
	for _, p := range s.paths {
		if len(s.owners[p]) > 0 {
			continue
		}
		var best []*fluxKS
		bestLen := -1
		for _, ks := range s.ks {
			if !ks.dirOK || ks.dir != "" && !(strings.HasPrefix(p, ks.dir) && len(p) > len(ks.dir) && p[len(ks.dir)] == '/') {
				continue
			}
			switch {
			case len(ks.dir) > bestLen:
				best, bestLen = []*fluxKS{ks}, len(ks.dir)
			case len(ks.dir) == bestLen:
				best = append(best, ks)
			}
		}
		if best != nil {
			s.owners[p] = best
		}
	}
	for _, ks := range s.ks {
		ks.owners = s.owners[ks.obj.file()]
	}
	for _, ks := range s.ks {
		s.ksDepth(ks)
		s.ksRoots(ks)
	}
}

func (s *scanner) ksDepth(ks *fluxKS) int {
	switch ks.state {
	case 2:
		return ks.depth
	case 1:
		return 0 // cycle
	}
	ks.state = 1
	d := 0
	for _, o := range ks.owners {
		if o != ks {
			d = max(d, s.ksDepth(o)+1)
		}
	}
	ks.depth, ks.state = d, 2
	return d
}

func (s *scanner) ksRoots(ks *fluxKS) []string {
	if ks.roots != nil {
		return ks.roots
	}
	ks.roots = []string{} // cycle guard
	var roots []string
	for _, o := range ks.owners {
		if o != ks {
			roots = append(roots, s.ksRoots(o)...)
		}
	}
	if len(roots) == 0 {
		roots = []string{clusterKey(ks.obj.file())}
	}
	ks.roots = sortedSet(roots)
	return ks.roots
}

// clusterKey returns the "<...>/clusters/<name>" directory holding p, or "".
func clusterKey(p string) string {
	segs := strings.Split(p, "/")
	for i := 0; i+2 < len(segs); i++ {
		if segs[i] == "clusters" {
			return strings.Join(segs[:i+2], "/")
		}
	}
	return ""
}

func sortedSet(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

// effNS returns the namespaces the outermost kustomizations including k give it ("" = none).
func (s *scanner) effNS(k *kust) []string {
	switch k.state {
	case 2:
		return k.eff
	case 1:
		return []string{k.namespace}
	}
	k.state = 1
	var out []string
	if len(k.parents) == 0 || k.ksRoot {
		out = append(out, k.namespace)
	}
	for _, p := range k.parents {
		for _, e := range s.effNS(p) {
			if e == "" {
				e = k.namespace
			}
			out = append(out, e)
		}
	}
	k.eff, k.state = sortedSet(out), 2
	return k.eff
}

// kustNS returns the namespaces kustomize chains give file p ("" = a chain without one).
func (s *scanner) kustNS(p string) []string {
	ks := s.fileKusts[p]
	if len(ks) == 0 {
		return []string{""}
	}
	var out []string
	for _, k := range ks {
		out = append(out, s.effNS(k)...)
	}
	if s.fileDirect[p] {
		out = append(out, "")
	}
	return sortedSet(out)
}

// namespacesFor applies Flux's namespace precedence to an object in file p:
// the spec.targetNamespace of the Flux Kustomization applying the file wins
// (it configures kustomize's namespace transformer, FACTS 3.8), then the
// namespace of the outermost kustomization.yaml including it (kustomize's
// namespace overrides existing values, FACTS 4.1), then metadata.namespace.
func (s *scanner) namespacesFor(p, metaNS string, chains []string) []string {
	var target []string
	for _, ks := range s.owners[p] {
		if ks.targetNS != "" {
			target = append(target, ks.targetNS)
		}
	}
	if len(target) > 0 {
		return sortedSet(target)
	}
	var out []string
	for _, c := range chains {
		switch {
		case c != "":
			out = append(out, c)
		case metaNS != "":
			out = append(out, metaNS)
		}
	}
	return sortedSet(out)
}

func (s *scanner) resolveNamespaces() {
	for _, o := range s.objects {
		if o.parent != nil {
			continue
		}
		o.namespaces = s.namespacesFor(o.file(), o.namespace, s.kustNS(o.file()))
		o.clusters = s.fileClusters(o.file())
	}
	for _, o := range s.objects { // nested objects, after their ResourceSet (parents come first)
		if o.parent == nil {
			continue
		}
		o.clusters = o.parent.clusters
		if o.namespace != "" {
			o.namespaces = []string{o.namespace}
		} else {
			o.namespaces = o.parent.namespaces
		}
	}
	for _, ks := range s.ks {
		ks.key = objectKey(ks.obj)
	}
	slices.SortFunc(s.ks, func(a, b *fluxKS) int { return strings.Compare(a.key, b.key) })
	for p, owners := range s.owners {
		slices.SortFunc(owners, func(a, b *fluxKS) int {
			if a.depth != b.depth {
				return b.depth - a.depth
			}
			return strings.Compare(a.key, b.key)
		})
		s.owners[p] = owners
	}
}

func objectKey(o *object) string {
	if len(o.namespaces) == 0 {
		return o.name
	}
	return o.namespaces[0] + "/" + o.name
}

func (s *scanner) fileClusters(p string) []string {
	owners := s.owners[p]
	if len(owners) == 0 {
		return []string{clusterKey(p)}
	}
	var out []string
	for _, ks := range owners {
		out = append(out, s.ksRoots(ks)...)
	}
	return sortedSet(out)
}

// scope is the namespace/name of the deepest Flux Kustomization applying p.
func (s *scanner) scope(p string) string {
	if owners := s.owners[p]; len(owners) > 0 {
		return owners[0].key
	}
	return ""
}
