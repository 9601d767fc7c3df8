package render

import (
	"path"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
)

// Tree is the repository as the renderer reads it: parsed YAML files by
// path (relative to the root, "/" separators), and a reader for the other
// files generators name.
type Tree struct {
	files map[string]*manifest.File
	paths []string // sorted
	// Read returns a non-YAML file's content (configMapGenerator files and
	// envs); nil reads nothing.
	Read func(path string) ([]byte, error)
}

// NewTree indexes files.
func NewTree(files []*manifest.File, read func(string) ([]byte, error)) *Tree {
	t := &Tree{files: make(map[string]*manifest.File, len(files)), Read: read}
	for _, f := range files {
		t.files[f.Path] = f
		t.paths = append(t.paths, f.Path)
	}
	sort.Strings(t.paths)
	return t
}

// restore puts the skeleton documents of the files hit names back in full,
// but those of the files already tried, and adds the files it tries to
// tried. A path that is not the tree's ("": unknown) stands for every
// file. more reports whether it tried any file; problems are those of the
// files it could not restore.
func (t *Tree) restore(hit, tried map[string]bool) (more bool, problems []Problem) {
	all := false
	for p := range hit {
		if _, ok := t.files[p]; !ok {
			all = true
		}
	}
	for _, p := range t.paths {
		if tried[p] || !all && !hit[p] {
			continue
		}
		tried[p] = true
		if !t.files[p].HasSkeletons() {
			continue
		}
		more = true
		if err := t.files[p].Restore(); err != nil {
			problems = append(problems, Problem{File: p, Msg: "cannot read the file in full again: " + err.Error()})
		}
	}
	return more, problems
}

// File returns the parsed file at p.
func (t *Tree) File(p string) (*manifest.File, bool) {
	f, ok := t.files[p]
	return f, ok
}

// isDir reports whether some file lies under dir.
func (t *Tree) isDir(dir string) bool {
	prefix := dir + "/"
	if dir == "." || dir == "" {
		return len(t.paths) > 0
	}
	i := sort.SearchStrings(t.paths, prefix)
	return i < len(t.paths) && strings.HasPrefix(t.paths[i], prefix)
}

// under lists the YAML files below dir, sorted.
func (t *Tree) under(dir string) []string {
	if dir == "." || dir == "" {
		return t.paths
	}
	prefix := dir + "/"
	var out []string
	for i := sort.SearchStrings(t.paths, prefix); i < len(t.paths) && strings.HasPrefix(t.paths[i], prefix); i++ {
		out = append(out, t.paths[i])
	}
	return out
}

// kustFile returns the kustomization file of dir, if any.
func (t *Tree) kustFile(dir string) (string, bool) {
	for _, n := range []string{"kustomization.yaml", "kustomization.yml", "Kustomization"} {
		p := join(dir, n)
		if _, ok := t.files[p]; ok {
			return p, true
		}
	}
	return "", false
}

// ReadsWritten reports whether the renderer reads objects of kind as
// written, beyond their identity: Kustomizations (the roots),
// ConfigMaps and Secrets (substituteFrom) and ArtifactGenerators
// (ExternalArtifact sources).
func ReadsWritten(kind string) bool {
	switch kind {
	case "Kustomization", "ConfigMap", "Secret", "ArtifactGenerator":
		return true
	}
	return false
}

// objects returns copies of the Kubernetes objects of file p (mapping
// documents with a kind).
func (t *Tree) objects(p string) []*kustomize.Resource { return t.resources(p, nil, true) }

// written returns the objects of file p of the kinds keep accepts, as
// written: not copies, so only to read.
func (t *Tree) written(p string, keep func(kind string) bool) []*kustomize.Resource {
	return t.resources(p, keep, false)
}

// resources returns the mapping documents of file p with a kind that keep
// accepts (nil: any), as copies when copies is set.
func (t *Tree) resources(p string, keep func(kind string) bool, copies bool) []*kustomize.Resource {
	f, ok := t.files[p]
	if !ok {
		return nil
	}
	var out []*kustomize.Resource
	for _, d := range f.Docs {
		if d.Root == nil || d.Root.Kind != yaml.MappingNode {
			continue
		}
		if kind := kustomize.GetString(d.Root, "kind"); kind == "" || keep != nil && !keep(kind) {
			continue
		}
		root := d.Root
		if copies {
			root = kustomize.Clone(root)
		}
		r := kustomize.NewResource(root)
		r.File, r.Skeleton, r.Cut = p, d.Skeleton, d.Cut
		out = append(out, r)
	}
	return out
}

// join resolves rel against dir, cleaned; ok is false when it leaves the
// repository.
func join(dir, rel string) string {
	if strings.HasPrefix(rel, "/") {
		return path.Clean(strings.TrimPrefix(rel, "/"))
	}
	return path.Clean(path.Join(dir, rel))
}

func inRepo(p string) bool { return p != ".." && !strings.HasPrefix(p, "../") }

// repoPath reads a Flux spec.path: relative to the repository root,
// whatever its leading "./" or "/"; ".." cannot leave the root.
func repoPath(p string) string {
	p = path.Clean("/" + strings.TrimSpace(p))
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return "."
	}
	return p
}

func isYAML(p string) bool {
	return strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")
}

// sourceRoot is the directory of the repository that a Kustomization
// written in file sees as its source's root: the repository root when p
// exists there, else the deepest directory holding file under which p
// exists (a source built from a subdirectory, such as an OCI artifact
// pushed from "kubernetes/"). It is "." when p exists nowhere.
func (t *Tree) sourceRoot(file, p string) string {
	if p == "." || t.isDir(p) {
		return "."
	}
	for d := path.Dir(file); d != "." && d != "/"; d = path.Dir(d) {
		if t.isDir(join(d, p)) {
			return d
		}
	}
	return "."
}

// placePatches completes patches loaded from a kustomization (or Flux
// Kustomization) written in file: a patch file's path is made relative to
// the repository root, and an inline patch written as a literal block
// scalar gets the position of its text in file.
func (t *Tree) placePatches(ps []kustomize.Patch, dir, file string) {
	for i := range ps {
		p := &ps[i]
		if p.Inline == nil {
			if p.File != "" {
				p.File = join(dir, p.File)
			}
			continue
		}
		p.File = file
		p.Shift = t.blockShift(file, p.Inline)
	}
}

// blockShift maps the text of the literal block scalar n of file onto the
// file: its first line is the line after the indicator, indented by the
// block's indentation. nil when n is not such a block.
func (t *Tree) blockShift(file string, n *yaml.Node) *kustomize.Shift {
	f, ok := t.files[file]
	if !ok {
		return nil
	}
	return BlockShift(f, n)
}

// BlockShift maps the text of the literal block scalar n of file f onto
// f: line 1 of the text is the line after the indicator, and its columns
// start after the block's indentation. nil when n is not such a block.
func BlockShift(f *manifest.File, n *yaml.Node) *kustomize.Shift {
	if n.Style&yaml.LiteralStyle == 0 {
		return nil
	}
	off, ok := f.Offset(n.Line, n.Column)
	if !ok {
		return nil
	}
	data, err := f.Bytes()
	if err != nil {
		return nil
	}
	// The indicator line: "|", "|-" or "|+" and nothing but a comment.
	i := off + 1
	for i < len(data) && (data[i] == '-' || data[i] == '+') {
		i++
	}
	for i < len(data) && (data[i] == ' ' || data[i] == '\t') {
		i++
	}
	if i < len(data) && data[i] != '\n' && data[i] != '\r' && data[i] != '#' {
		return nil // an indentation indicator
	}
	for ; i < len(data) && data[i] != '\n'; i++ {
	}
	// The first non-empty content line gives the indentation.
	for line := i + 1; line < len(data); {
		indent := 0
		for line+indent < len(data) && data[line+indent] == ' ' {
			indent++
		}
		if j := line + indent; j < len(data) && data[j] != '\n' && data[j] != '\r' {
			return &kustomize.Shift{Line: n.Line, Column: indent}
		}
		next := line + indent
		for next < len(data) && data[next] != '\n' {
			next++
		}
		line = next + 1
	}
	return nil
}
