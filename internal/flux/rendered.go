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
	"github.com/bosunhq/bosun/internal/kustomize"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/render"
)

// rendering is the repository as Flux renders it, indexed by where each
// rendered object was written.
type rendering struct {
	res    *render.Result
	byOrig map[origKey][]*render.Object
}

type origKey struct {
	file      string
	line, col int
}

func newRendering(ctx context.Context, repo *manifest.Repo, read func(string) ([]byte, error), log *slog.Logger) *rendering {
	res := render.RenderKept(ctx, render.NewTree(repo.Files, read), scanned, unreadFields...)
	restoreOrigins(repo, res, log)
	for _, p := range res.Problems {
		log.Debug("render", "problem", p.String())
	}
	r := &rendering{res: res, byOrig: map[origKey][]*render.Object{}}
	for _, o := range res.Objects {
		k := origKey{o.File, o.Node.Line, o.Node.Column}
		r.byOrig[k] = append(r.byOrig[k], o)
	}
	return r
}

// scanned tells the rendered objects the scanner reads (see addObject):
// Flux objects and kustomize files; the others are released once rendered.
func scanned(r *kustomize.Resource) bool {
	m := deref(r.Node)
	if m == nil || m.Kind != yaml.MappingNode {
		return false
	}
	av := str(field(m, "apiVersion"))
	group, _ := splitAPIVersion(av)
	return av == "" || group == "kustomize.config.k8s.io" || slices.Contains(fluxKinds[group], str(field(m, "kind")))
}

// unreadFields are the fields of Flux objects the scanner and the
// renderer never read: HelmRelease values, often most of a repository's
// YAML; the HelmRelease settings for Helm actions, which Kustomization
// patches often add to every HelmRelease; and the reconciliation settings
// of every kind.
var unreadFields = [][]string{
	{"spec", "values"}, {"spec", "valuesFrom"}, {"spec", "postRenderers"}, {"spec", "install"}, {"spec", "upgrade"},
	{"spec", "test"}, {"spec", "rollback"}, {"spec", "uninstall"}, {"spec", "driftDetection"}, {"spec", "maxHistory"},
	{"spec", "dependsOn"}, {"spec", "interval"}, {"spec", "retryInterval"}, {"spec", "timeout"}, {"spec", "prune"},
	{"spec", "wait"}, {"spec", "decryption"}, {"spec", "deletionPolicy"}, {"spec", "healthChecks"},
	{"spec", "healthCheckExprs"},
}

// instances are the rendered copies of the object written at root of file.
func (r *rendering) instances(file string, root *yaml.Node) []*render.Object {
	if r == nil {
		return nil
	}
	return r.byOrig[origKey{file, root.Line, root.Column}]
}

// docKey names a document of a file.
type docKey struct {
	file  string
	index int
}

// docAt returns the document of file holding line.
func (s *scanner) docAt(file string, line int) *doc {
	f := s.files[file]
	if f == nil {
		return nil
	}
	var best *doc
	for _, d := range f.Docs {
		dd := s.docs[docKey{file, d.Index}]
		if dd == nil || dd.root == nil {
			continue
		}
		if dd.root.Line <= line || best == nil {
			best = dd
		}
	}
	return best
}

// docOf says where node n of object o is written: the document and the
// node whose bytes hold it there. why is non-empty when the bytes are not
// in a file (an inline patch that is not a literal block, a ResourceSet
// template); d and at then locate the object instead.
func (s *scanner) docOf(o *object, n *yaml.Node) (d *doc, at, parent *yaml.Node, why string) {
	if src, ok := s.tmplSrc[n]; ok {
		return o.doc, src[0], src[1], ""
	}
	if o.tmpl != nil {
		at := o.tmpl
		if p := s.tmplLit[n]; p != nil {
			at = p
		}
		return o.doc, at, nil, fmt.Sprintf("the value is written in the resourcesTemplate of ResourceSet %s", o.parent.name)
	}
	if o.inst == nil {
		return o.doc, n, nil, ""
	}
	file := s.rend.res.FileOf(n, o.inst)
	if file == o.doc.file.Path {
		return o.doc, n, nil, ""
	}
	if d := s.docAt(file, n.Line); d != nil {
		if n.Kind == yaml.ScalarNode && !d.isScalar(n) {
			return d, n, nil, fmt.Sprintf("the value is written inside an inline patch in %s:%d", file, n.Line)
		}
		return d, n, nil, ""
	}
	return o.doc, o.doc.root, nil, "the value is set by an " + file + " (not a literal block): edit it by hand"
}

// where locates node n of o (parent: the collection holding it).
func (s *scanner) where(o *object, n, parent *yaml.Node) chart.Location {
	d, at, p, why := s.docOf(o, n)
	if p != nil {
		parent = p
	}
	if why != "" || at != n && p == nil {
		return s.locAt(d, at)
	}
	l, _ := s.loc(d, at, parent)
	return l
}

// whereAt is an empty location at node n of o, for a missing field.
func (s *scanner) whereAt(o *object, n *yaml.Node) chart.Location {
	d, at, _, _ := s.docOf(o, n)
	return s.locAt(d, at)
}

// renderedVersion reads the editable field n of a rendered object: the
// bytes are in the file the value was written in (the object's, a patch's,
// the variable's), and substituted values count only when the field is
// exactly one variable that the repository defines.
func (s *scanner) renderedVersion(o *object, n, parent *yaml.Node) value {
	v := value{present: true, s: str(n)}
	d, at, p, why := s.docOf(o, n)
	if p != nil {
		parent = p
	}
	if why != "" {
		v.loc = s.locAt(d, at)
		switch {
		case at == o.tmpl:
			v.sk.add(rankEmbedded, chart.SkipEmbedded, why+": edit it by hand")
		case o.tmpl == nil && (d.isScalar(at) || at == o.doc.root):
			v.sk.add(rankVersionVar, chart.SkipVariable, why)
		default:
			// The exact place, inside the block scalar of the patch.
			v.loc.Line, v.loc.Column = at.Line, at.Column
			v.loc.Start, _ = d.file.Offset(at.Line, at.Column)
			v.loc.End = v.loc.Start
			v.sk.add(rankEmbedded, chart.SkipEmbedded, why+": edit it by hand")
		}
		return v
	}
	var err error
	if v.loc, err = s.loc(d, at, parent); err != nil {
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, err.Error())
	}
	if notScalar(n, &v.sk) {
		return v
	}
	if d.isAliased(at) {
		v.sk.add(rankAlias, chart.SkipAlias, "anchor &"+at.Anchor+" is used elsewhere")
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, "the value is a block scalar")
		return v
	}
	if sub := s.rend.res.Subst[n]; sub != nil && o.inst != nil {
		s.substitutedVersion(o, sub, &v)
	} else if strings.Contains(v.s, "${") && o.vars() == nil {
		v.sk.add(rankVersionVar, chart.SkipVariable, noVars(o, v.s))
	}
	if o.parent != nil && strings.Contains(v.s, "<<") {
		v.sk.add(rankVersionVar, chart.SkipVariable, templateDetail(o, v.s))
	}
	return v
}

// substitutedVersion points v at the variable's value when the field is
// exactly one known variable.
func (s *scanner) substitutedVersion(o *object, sub *render.Substitution, v *value) {
	if detail := s.unknownDetail(o, sub); detail != "" {
		v.s = sub.Original
		v.sk.add(rankVersionVar, chart.SkipVariable, detail)
		return
	}
	// The field keeps the text written in the file unless it resolves to
	// the variable's value, where the edit then lands.
	resolved := v.s
	v.s = sub.Original
	m := varRE.FindStringSubmatch(sub.Original)
	if m == nil {
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q is not a single ${VAR}", sub.Original))
		return
	}
	x, ok := o.vars().ByName[m[1]]
	switch {
	case !ok:
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q: ${%s} is not set, the default is used", sub.Original, m[1]))
		return
	case x.Node == nil:
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q: ${%s} from %s has no place in a file", sub.Original, m[1], x.From))
		return
	case s.rend.res.Subst[x.Node] != nil:
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q: ${%s} (%s:%d) is itself substituted", sub.Original, m[1], x.File, x.Line))
		return
	}
	d := s.docAt(x.File, x.Node.Line)
	if d == nil {
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q: ${%s} is set by an %s", sub.Original, m[1], x.File))
		return
	}
	if real := d.scalarAt(x.Node); real == nil || real.Value != x.Value {
		// A generated value (configMapGenerator, a Secret's base64 data):
		// its bytes are not the value.
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q: ${%s} from %s is not written as such at %s:%d", sub.Original, m[1], x.From, x.File, x.Line))
		return
	}
	v.s = resolved
	var err error
	if v.loc, err = s.loc(d, x.Node, x.Parent); err != nil {
		v.sk.add(rankInvalid, chart.SkipInvalidVersion, err.Error())
	}
	if d.isAliased(x.Node) {
		v.sk.add(rankAlias, chart.SkipAlias, "anchor &"+x.Node.Anchor+" is used elsewhere")
	}
	if d.sops {
		v.sk.add(rankSOPS, chart.SkipSOPS, "the substitute value is in a SOPS-encrypted document")
	}
}

// unknownDetail explains a substitution that Flux would fail or that
// depends on values bosun cannot read; "" when it is fully known.
func (s *scanner) unknownDetail(o *object, sub *render.Substitution) string {
	if sub.Err != "" {
		return fmt.Sprintf("%q: %s (Kustomization %s fails)", sub.Original, sub.Err, o.inst.Kustomization)
	}
	if len(sub.Unknown) == 0 {
		return ""
	}
	vars := o.vars()
	var parts []string
	for _, name := range sub.Unknown {
		if x, ok := vars.ByName[name]; ok {
			parts = append(parts, fmt.Sprintf("${%s} comes from %s", name, x.From))
		} else {
			parts = append(parts, fmt.Sprintf("${%s} may come from %s", name, vars.Missing))
		}
	}
	if len(sub.Unknown) == 1 && sub.Original == "${"+sub.Unknown[0]+"}" {
		return parts[0]
	}
	return fmt.Sprintf("%q: %s", sub.Original, strings.Join(parts, "; "))
}

func noVars(o *object, v string) string {
	if o.inst == nil {
		return fmt.Sprintf("%q: no Flux Kustomization of the repository substitutes it", v)
	}
	return fmt.Sprintf("%q: Kustomization %s substitutes no variables", v, o.inst.Kustomization)
}

// renderedText reads a name or URL of a rendered object, as substituted.
func (s *scanner) renderedText(o *object, n *yaml.Node) (string, skip) {
	var sk skip
	v := str(n)
	if sub := s.rend.res.Subst[n]; sub != nil && o.inst != nil {
		if detail := s.unknownDetail(o, sub); detail != "" {
			sk.add(rankSourceVar, chart.SkipVariable, detail)
		}
	} else if strings.Contains(v, "${") && o.vars() == nil {
		sk.add(rankSourceVar, chart.SkipVariable, noVars(o, v))
	}
	if o.parent != nil && strings.Contains(v, "<<") {
		sk.add(rankSourceVar, chart.SkipVariable, templateDetail(o, v))
	}
	return v, sk
}

// renderedNamespaces sets the namespace and cluster of a rendered object.
func (s *scanner) renderedNamespaces(o *object) {
	ns := o.inst.Namespace()
	o.placement = &chart.Placement{Cluster: o.inst.Cluster, Namespace: ns}
	o.namespaces = []string{}
	if ns != "" {
		o.namespaces = []string{ns}
	} else if !kustomize.IsClusterScoped(o.kind) {
		o.noNS = fmt.Sprintf("%s/%s is rendered without a namespace in %s: Kustomization %s fails to apply it (namespace not specified)",
			o.kind, o.inst.Name(), o.inst.Cluster, o.inst.Kustomization)
	}
}

// mergeRendered folds the Refs of one field rendered several times (a base
// in several clusters, a component in several apps) into one Ref listing
// every namespace and cluster; the first skip reason found is kept, so a
// field is edited only when every rendering allows it.
// written is an object as written in its file: where, and its name.
type written struct {
	at   origKey
	name string
	obj  *object
}

// mergeRendered also returns, per merged Ref, the indexes of the Refs it
// merges.
func mergeRendered(refs []chart.Ref, from []written) ([]chart.Ref, [][]int) {
	type key struct {
		from         origKey
		kind, file   string
		start, end   int
		field        chart.Field
		source, chrt string
	}
	at := map[key]int{}
	var out []chart.Ref
	var groups [][]int
	for i, r := range refs {
		if len(r.Clusters) == 0 || i >= len(from) {
			out = append(out, r)
			groups = append(groups, []int{i})
			continue
		}
		k := key{from[i].at, r.Kind, r.Loc.File, r.Loc.Start, r.Loc.End, r.Field, r.Source.URL, r.Chart}
		j, ok := at[k]
		if !ok {
			at[k] = len(out)
			out = append(out, r)
			groups = append(groups, []int{i})
			continue
		}
		groups[j] = append(groups[j], i)
		m := &out[j]
		m.Namespaces = sortedSet(append(m.Namespaces, r.Namespaces...))
		m.Clusters = append(m.Clusters, r.Clusters...)
		m.UsedBy = append(m.UsedBy, r.UsedBy...)
		if r.Name != m.Name {
			// Rendered under several names (a component's ${APP}-proxy):
			// the name as written.
			m.Name = from[i].name
		}
		if m.Skip == "" && r.Skip != "" {
			m.Skip, m.SkipDetail = r.Skip, r.SkipDetail
		}
		if m.Digest == "" {
			m.Digest, m.DigestLoc = r.Digest, r.DigestLoc
		}
	}
	for i := range out {
		out[i].Clusters = sortPlacements(out[i].Clusters)
	}
	return out, groups
}

func sortPlacements(ps []chart.Placement) []chart.Placement {
	if len(ps) == 0 {
		return nil
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Cluster != ps[j].Cluster {
			return ps[i].Cluster < ps[j].Cluster
		}
		return ps[i].Namespace < ps[j].Namespace
	})
	out := ps[:1]
	for _, p := range ps[1:] {
		if p != out[len(out)-1] {
			out = append(out, p)
		}
	}
	return out
}
