package render

import (
	"context"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// Object is one object as a Flux Kustomization applies it.
type Object struct {
	*kustomize.Resource
	// Cluster is the root Kustomization's path ("clusters/staging").
	Cluster string
	// Kustomization is the Flux Kustomization applying the object
	// ("flux-system/apps").
	Kustomization string
	// Chain lists the Flux Kustomizations from the root to Kustomization.
	Chain []string
	// Vars are the variables its Kustomization substitutes (nil: none).
	Vars *Vars
	// Steps say, in order, what built the object: the kustomizations and
	// components that included it and the transformations that set its
	// namespace, then the Flux Kustomization applying it.
	Steps []Step
}

// Result is a rendered repository.
type Result struct {
	// Objects may hold nodes of the written documents: only to read.
	Objects []*Object
	// Origins names the file of rendered nodes that come from another file
	// than their object's (patches, replacements, namespaces).
	Origins kustomize.Origins
	// Subst records each substituted scalar.
	Subst map[*yaml.Node]*Substitution
	// PatchFiles are the files read as patches: fragments of other
	// objects, not objects of their own.
	PatchFiles map[string]bool
	// Roots are the root Kustomizations' keys, sorted.
	Roots    []string
	Problems []Problem
}

// FileOf is the file a rendered node of o was written in.
func (r *Result) FileOf(n *yaml.Node, o *Object) string { return r.Origins.FileOf(n, o.Resource) }

const fluxKSGroup = "kustomize.toolkit.fluxcd.io/"

func isFluxKS(r *kustomize.Resource) bool {
	return r.Kind() == "Kustomization" && strings.HasPrefix(r.APIVersion(), fluxKSGroup)
}

// key names an object "namespace/name".
func key(r *kustomize.Resource) string { return r.Namespace() + "/" + r.Name() }

// Render renders every root Flux Kustomization of the tree.
func Render(ctx context.Context, t *Tree) *Result { return RenderKept(ctx, t, nil) }

// RenderKept is Render that keeps in the Result only the rendered objects
// keep accepts (nil: all); the others, with their Origins and Subst
// entries, are released as soon as their Kustomization is built. Rendering
// itself is unchanged: dropped objects still feed substituteFrom lookups
// and report their problems. The fields at the key paths unread name
// ({"spec", "values"}) are removed from the kept objects, once rendered.
//
// Objects written as skeletons (manifest.Document.Skeleton) are rendered
// as such; when a patch or replacement selects one, its outcome depends on
// what the skeleton left out, so the files of the skeletons selected are
// restored (manifest.File.Restore) and the rendering runs again. Restored
// objects may lead a transformation to select other skeletons: this goes
// on until the rendering selects none but those of files it could not
// restore, so at most once per file.
func RenderKept(ctx context.Context, t *Tree, keep func(*kustomize.Resource) bool, unread ...[]string) *Result {
	res, hit := renderKept(ctx, t, keep, unread)
	tried := map[string]bool{}
	var problems []Problem
	for ctx.Err() == nil {
		more, ps := t.restore(hit, tried)
		if !more {
			break
		}
		problems = append(problems, ps...)
		res, hit = renderKept(ctx, t, keep, unread)
	}
	res.Problems = append(problems, res.Problems...)
	return res
}

func renderKept(ctx context.Context, t *Tree, keep func(*kustomize.Resource) bool, unread [][]string) (*Result, map[string]bool) {
	res := &Result{Origins: kustomize.Origins{}, Subst: map[*yaml.Node]*Substitution{}, PatchFiles: map[string]bool{}}
	rd := &renderer{t: t, res: res, keep: keep, unread: unread, steps: map[*kustomize.Resource][]Step{}, decoded: map[string][]*yaml.Node{},
		skeletons: map[string]bool{}}
	roots := rd.roots()
	for _, root := range roots {
		p := repoPath(kustomize.GetString(root.Node, "spec", "path"))
		rd.rootDirs = append(rd.rootDirs, rootDir(root, join(rd.t.sourceRoot(root.File, p), p)))
	}
	for _, root := range roots {
		if ctx.Err() != nil {
			res.Problems = append(res.Problems, Problem{Msg: "rendering stopped: " + ctx.Err().Error()})
			break
		}
		rd.renderCluster(ctx, root)
	}
	sort.Strings(res.Roots)
	return res, rd.skeletons
}

type renderer struct {
	t    *Tree
	res  *Result
	gens []*kustomize.Resource
	raw  map[string][]*kustomize.Resource // ConfigMaps and Secrets by "Kind/name"
	// rootDirs are the directories of every root (see rootDir).
	rootDirs []string
	steps    map[*kustomize.Resource][]Step
	decoded  map[string][]*yaml.Node
	// keep selects the objects the Result holds (nil: all).
	keep   func(*kustomize.Resource) bool
	unread [][]string
	// skeletons are the files of the skeleton objects transformations
	// selected (see builder.skeletons).
	skeletons map[string]bool
}

func (rd *renderer) builder() *builder {
	return &builder{t: rd.t, origins: rd.res.Origins, problems: &rd.res.Problems, steps: rd.steps,
		patchFiles: rd.res.PatchFiles, decoded: rd.decoded, skeletons: rd.skeletons}
}

// allKS returns a copy of every Flux Kustomization written in the tree.
func (rd *renderer) allKS() []*kustomize.Resource {
	var out []*kustomize.Resource
	for _, p := range rd.t.paths {
		for _, r := range rd.t.written(p, func(k string) bool { return k == "Kustomization" }) {
			if isFluxKS(r) {
				out = append(out, r)
			}
		}
	}
	return out
}

// roots are the Flux Kustomizations that no other one applies (bootstrap's
// flux-system applies itself, which does not count). A Kustomization whose path has a variable cannot be a
// root: its path is known only once a parent substitutes it.
func (rd *renderer) roots() []*kustomize.Resource {
	all := rd.allKS()
	reach := make([]map[string]bool, len(all))
	for i, ks := range all {
		p := kustomize.GetString(ks.Node, "spec", "path")
		if strings.Contains(p, "${") {
			continue
		}
		reach[i] = map[string]bool{}
		rd.reach(join(rd.t.sourceRoot(ks.File, repoPath(p)), repoPath(p)), reach[i], 0)
	}
	var roots []*kustomize.Resource
	for i, ks := range all {
		if reach[i] == nil {
			continue
		}
		root := true
		for j := range all {
			if j != i && reach[j] != nil && reach[j][ks.File] && !reach[i][all[j].File] {
				root = false
				break
			}
		}
		if root {
			roots = append(roots, ks)
		}
	}
	return roots
}

// reach collects the files a build of dir reads, without building.
func (rd *renderer) reach(dir string, seen map[string]bool, depth int) {
	if depth > maxDepth || seen["dir:"+dir] {
		return
	}
	seen["dir:"+dir] = true
	kf, ok := rd.t.kustFile(dir)
	if !ok {
		for _, p := range rd.t.under(dir) {
			seen[p] = true
		}
		return
	}
	seen[kf] = true
	f, _ := rd.t.File(kf)
	for _, d := range f.Docs {
		for _, key := range []string{"resources", "components", "patchesStrategicMerge"} {
			for _, e := range kustomize.GetStrings(d.Root, key) {
				p := join(dir, e)
				if _, ok := rd.t.File(p); ok {
					seen[p] = true
				} else if rd.t.isDir(p) {
					rd.reach(p, seen, depth+1)
				}
			}
		}
	}
}
