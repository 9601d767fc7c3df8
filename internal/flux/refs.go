package flux

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

// Skip precedence: the lowest rank wins when several reasons apply.
const (
	rankSOPS = iota
	rankLocal
	rankUnsupported
	rankUnknown
	rankSourceVar
	rankAlias
	rankVersionVar
	rankBadToken
	rankDigestOnly
	rankRange
	rankInvalid
)

type skip struct {
	rank   int
	reason chart.SkipReason
	detail string
}

func (k *skip) add(rank int, r chart.SkipReason, detail string) {
	if k.reason == "" || rank < k.rank {
		*k = skip{rank, r, detail}
	}
}

func (k *skip) merge(o skip) {
	if o.reason != "" {
		k.add(o.rank, o.reason, o.detail)
	}
}

// helmChartMediaType selects the OCI layer of a Helm chart; with it Flux maps tag "_" to version "+".
const helmChartMediaType = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"

// varRE matches a value that is exactly one ${VAR} with an optional default.
var varRE = regexp.MustCompile(`^\$\{([_a-zA-Z][_a-zA-Z0-9]*)(?:(:?[-=])([^}]*))?\}$`)

type resolved struct {
	value  string
	node   *yaml.Node // the postBuild.substitute value node
	parent *yaml.Node
	doc    *doc
	detail string // non-empty: not resolvable
}

// resolveVar resolves a value containing "${" from the postBuild.substitute
// of the one Flux Kustomization applying the object's file.
func (s *scanner) resolveVar(o *object, raw string) resolved {
	m := varRE.FindStringSubmatch(raw)
	if m == nil {
		return resolved{detail: fmt.Sprintf("%q is not a single ${VAR}", raw)}
	}
	name := m[1]
	owners := s.owners[o.file()]
	switch len(owners) {
	case 0:
		return resolved{detail: fmt.Sprintf("${%s}: no Flux Kustomization in the repository applies %s", name, o.file())}
	case 1:
	default:
		return resolved{detail: fmt.Sprintf("${%s}: %d Flux Kustomizations apply %s", name, len(owners), o.file())}
	}
	ks := owners[0]
	if vn := field(ks.subst, name); vn != nil {
		return resolved{value: str(vn), node: vn, parent: ks.subst, doc: ks.obj.doc}
	}
	if ks.substFrom {
		return resolved{detail: fmt.Sprintf("${%s} is not in postBuild.substitute of Kustomization %s; substituteFrom values are not in the repository", name, ks.key)}
	}
	return resolved{detail: fmt.Sprintf("${%s} is not defined in postBuild.substitute of Kustomization %s", name, ks.key)}
}

// text reads a name or URL used for linking, resolving ${VAR}.
func (s *scanner) text(o *object, n *yaml.Node) (string, skip) {
	var sk skip
	v := str(n)
	if strings.Contains(v, "${") {
		r := s.resolveVar(o, v)
		if r.detail != "" {
			sk.add(rankSourceVar, chart.SkipVariable, r.detail)
			return v, sk
		}
		v = r.value
	}
	if o.parent != nil && strings.Contains(v, "<<") {
		sk.add(rankSourceVar, chart.SkipVariable, fmt.Sprintf("%q is a ResourceSet template", v))
	}
	return v, sk
}

// value is a version (or digest) field as found.
type value struct {
	s       string
	loc     chart.Location
	present bool
	sk      skip
}

func (s *scanner) loc(d *doc, n, parent *yaml.Node) (chart.Location, error) {
	l := chart.Location{File: d.file.Path, Doc: d.index, Line: n.Line, Column: n.Column}
	sp, err := d.file.Span(n, parent)
	if err != nil {
		off, _ := d.file.Offset(n.Line, n.Column)
		l.Start, l.End = off, off
		return l, err
	}
	l.Start, l.End = sp.Start, sp.End
	return l, nil
}

// locAt is an empty location at node n, for a field that is missing.
func (s *scanner) locAt(d *doc, n *yaml.Node) chart.Location {
	l := chart.Location{File: d.file.Path, Doc: d.index}
	if n != nil {
		l.Line, l.Column = n.Line, n.Column
		l.Start, _ = d.file.Offset(n.Line, n.Column)
		l.End = l.Start
	}
	return l
}

// version reads the scalar n of mapping parent as an editable field.
func (s *scanner) version(o *object, n, parent *yaml.Node) value {
	var v value
	if n == nil {
		return v
	}
	v.present = true
	d := o.doc
	var err error
	if v.loc, err = s.loc(d, n, parent); err != nil {
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, err.Error())
	}
	switch n.Kind {
	case yaml.AliasNode:
		v.s = str(n)
		v.sk.add(rankAlias, chart.SkipAlias, "the value is the alias *"+n.Value)
		return v
	case yaml.ScalarNode:
	default:
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, "the value is not a scalar")
		return v
	}
	v.s = n.Value
	if d.isAliased(n) {
		v.sk.add(rankAlias, chart.SkipAlias, "anchor &"+n.Anchor+" is used elsewhere")
	}
	if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, "the value is a block scalar")
		return v
	}
	if strings.Contains(v.s, "${") {
		r := s.resolveVar(o, v.s)
		if r.detail != "" {
			v.sk.add(rankVersionVar, chart.SkipVariable, r.detail)
			return v
		}
		v.s = r.value
		if v.loc, err = s.loc(r.doc, r.node, r.parent); err != nil {
			v.sk.add(rankInvalid, chart.SkipInvalidVersion, err.Error())
		}
		if r.node.Kind == yaml.AliasNode {
			v.sk.add(rankAlias, chart.SkipAlias, "the substitute value is the alias *"+r.node.Value)
		} else if r.doc.isAliased(r.node) {
			v.sk.add(rankAlias, chart.SkipAlias, "anchor &"+r.node.Anchor+" is used elsewhere")
		}
		if r.doc.sops {
			v.sk.add(rankSOPS, chart.SkipSOPS, "the substitute value is in a SOPS-encrypted document")
		}
	}
	if o.parent != nil && strings.Contains(v.s, "<<") {
		v.sk.add(rankVersionVar, chart.SkipVariable, fmt.Sprintf("%q is a ResourceSet template", v.s))
	}
	return v
}

// IsExactVersion reports whether Flux parses v as a version:
// strings.SplitN(v, ".", 3) yields 3 parts and Masterminds accepts it.
func IsExactVersion(v string) bool {
	if len(strings.SplitN(v, ".", 3)) != 3 {
		return false
	}
	_, err := semver.NewVersion(v)
	return err == nil
}

// classify checks a chart version: exact, a range, or invalid.
func classify(v string) skip {
	var sk skip
	switch {
	case v == "":
		sk.add(rankRange, chart.SkipRange, "no version: the latest is used")
	case v == "*":
		sk.add(rankRange, chart.SkipRange, "version * : the latest is used")
	case IsExactVersion(v):
	default:
		if _, err := semver.NewConstraint(v); err == nil {
			sk.add(rankRange, chart.SkipRange, "constraint "+v)
		} else {
			sk.add(rankInvalid, chart.SkipInvalidVersion, fmt.Sprintf("%q is not a version", v))
		}
	}
	return sk
}

// classifyTag checks an OCIRepository tag; with the Helm layer media type
// "_" stands for "+".
func classifyTag(tag string, helmLayer bool) skip {
	var sk skip
	v := tag
	if helmLayer {
		v = strings.ReplaceAll(tag, "_", "+")
	}
	if !IsExactVersion(v) {
		sk.add(rankInvalid, chart.SkipInvalidVersion, fmt.Sprintf("tag %q is not a version", tag))
	}
	return sk
}

func (s *scanner) base(o *object, kind, name string) chart.Ref {
	return chart.Ref{Kind: kind, Name: name, Namespaces: nonNil(o.namespaces), Scope: s.scope(o.file())}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func finish(r *chart.Ref, sk skip) {
	r.Skip, r.SkipDetail = sk.reason, sk.detail
}

type linkKey struct {
	cluster, kind, namespace, name string
}

func (s *scanner) refs() []chart.Ref {
	index := map[linkKey][]*object{}
	for _, o := range s.objects {
		if o.group != "source.toolkit.fluxcd.io" {
			continue
		}
		name, _ := s.text(o, at(o.node, "metadata", "name"))
		nss := o.namespaces
		if len(nss) == 0 {
			nss = []string{""}
		}
		for _, c := range o.clusters {
			for _, ns := range nss {
				k := linkKey{c, o.kind, ns, name}
				index[k] = append(index[k], o)
			}
		}
	}
	var allClusters []string
	for _, o := range s.objects {
		allClusters = append(allClusters, o.clusters...)
	}
	allClusters = sortedSet(allClusters)
	lookup := func(from *object, kind, ns, name string) []*object {
		nss := []string{ns}
		if ns == "" {
			nss = from.namespaces
			if len(nss) == 0 {
				nss = []string{""}
			}
		}
		// Cluster "" (files outside every clusters/<name> tree) is shared:
		// it sees, and is seen from, every cluster.
		clusters := from.clusters
		if slices.Contains(clusters, "") {
			clusters = allClusters
		} else {
			clusters = append(slices.Clone(clusters), "")
		}
		var out []*object
		for _, c := range clusters {
			for _, n := range nss {
				for _, t := range index[linkKey{c, kind, n, name}] {
					if !slices.Contains(out, t) {
						out = append(out, t)
					}
				}
			}
		}
		return out
	}

	var refs []chart.Ref
	held := map[*object][]int{} // OCIRepository/HelmChart → indexes of its Refs
	for _, o := range s.objects {
		switch o.kind {
		case "OCIRepository":
			refs = append(refs, s.ociRef(o))
			held[o] = append(held[o], len(refs)-1)
		case "HelmChart":
			for _, r := range s.helmChartRefs(o, lookup) {
				refs = append(refs, r)
				held[o] = append(held[o], len(refs)-1)
			}
		}
	}
	for _, o := range s.objects {
		if o.kind != "HelmRelease" {
			continue
		}
		if at(o.node, "spec", "chartRef") != nil {
			if r, ok := s.chartRef(o, lookup, held, refs); ok {
				refs = append(refs, r)
			}
			continue
		}
		if at(o.node, "spec", "chart") != nil {
			refs = append(refs, s.chartSpecRefs(o, lookup)...)
		}
	}
	for _, k := range s.kusts {
		refs = append(refs, s.helmChartsRefs(k)...)
	}
	for i := range refs {
		slices.SortFunc(refs[i].UsedBy, func(a, b chart.ObjectKey) int {
			return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name))
		})
		refs[i].UsedBy = slices.Compact(refs[i].UsedBy)
	}
	slices.SortStableFunc(refs, func(a, b chart.Ref) int {
		return cmp.Or(cmp.Compare(a.Loc.File, b.Loc.File), cmp.Compare(a.Loc.Start, b.Loc.Start),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Source.URL, b.Source.URL))
	})
	return refs
}

type lookupFunc func(from *object, kind, ns, name string) []*object

func (s *scanner) ociRef(o *object) chart.Ref {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	r := s.base(o, "OCIRepository", name)
	var sk skip
	if o.doc.sops {
		sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
	}
	sk.merge(nameSk)
	spec := deref(field(o.node, "spec"))
	url, urlSk := s.text(o, field(spec, "url"))
	sk.merge(urlSk)
	url = strings.TrimRight(url, "/")
	r.Source = chart.Source{Kind: chart.SourceOCI, URL: url}
	r.Chart = url[strings.LastIndexByte(url, '/')+1:]
	if urlSk.reason == "" && !strings.HasPrefix(url, "oci://") {
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, fmt.Sprintf("url %q is not oci://", url))
	}
	helmLayer := str(at(spec, "layerSelector", "mediaType")) == helmChartMediaType
	ref := deref(field(spec, "ref"))
	present := func(key string) (*yaml.Node, bool) {
		n := field(ref, key)
		return n, n != nil && str(n) != ""
	}
	tagN, hasTag := present("tag")
	semN, hasSem := present("semver")
	digN, hasDig := present("digest")
	switch {
	case hasDig:
		dig := s.version(o, digN, ref)
		r.Digest, r.DigestLoc = dig.s, &dig.loc
		sk.merge(dig.sk)
		if hasTag {
			tag := s.version(o, tagN, ref)
			r.Field, r.Version, r.Loc = chart.FieldTag, tag.s, tag.loc
			sk.merge(tag.sk)
			sk.merge(classifyTag(tag.s, helmLayer))
		} else {
			r.Field, r.Version, r.Loc = chart.FieldDigest, dig.s, dig.loc
			sk.add(rankDigestOnly, chart.SkipDigestOnly, "pinned by digest alone")
		}
	case hasSem:
		sem := s.version(o, semN, ref)
		r.Field, r.Version, r.Loc = chart.FieldSemver, sem.s, sem.loc
		sk.merge(sem.sk)
		detail := "semver " + sem.s
		if f := str(field(ref, "semverFilter")); f != "" {
			detail += ", semverFilter " + f
		}
		sk.add(rankRange, chart.SkipRange, detail)
	case hasTag:
		tag := s.version(o, tagN, ref)
		r.Field, r.Version, r.Loc = chart.FieldTag, tag.s, tag.loc
		sk.merge(tag.sk)
		sk.merge(classifyTag(tag.s, helmLayer))
	default:
		r.Field = chart.FieldTag
		n := o.node
		if ref != nil {
			n = ref
		} else if spec != nil {
			n = spec
		}
		r.Loc = s.locAt(o.doc, n)
		sk.add(rankRange, chart.SkipRange, "latest")
	}
	finish(&r, sk)
	return r
}

func (s *scanner) helmChartRefs(o *object, lookup lookupFunc) []chart.Ref {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	spec := deref(field(o.node, "spec"))
	chartName, chartSk := s.text(o, field(spec, "chart"))
	sr := deref(field(spec, "sourceRef"))
	srKind := str(field(sr, "kind"))
	srName, srSk := s.text(o, field(sr, "name"))
	var sk skip
	if o.doc.sops {
		sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
	}
	sk.merge(nameSk)
	sk.merge(chartSk)
	return s.versionRefs(o, "HelmChart", name, chartName, spec, srKind, "", srName, srSk, sk, lookup)
}

func (s *scanner) chartSpecRefs(o *object, lookup lookupFunc) []chart.Ref {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	spec := deref(at(o.node, "spec", "chart", "spec"))
	chartName, chartSk := s.text(o, field(spec, "chart"))
	sr := deref(field(spec, "sourceRef"))
	srKind := str(field(sr, "kind"))
	srNS, nsSk := s.text(o, field(sr, "namespace"))
	srName, srSk := s.text(o, field(sr, "name"))
	srSk.merge(nsSk)
	var sk skip
	if o.doc.sops {
		sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
	}
	sk.merge(nameSk)
	sk.merge(chartSk)
	return s.versionRefs(o, "HelmRelease", name, chartName, spec, srKind, srNS, srName, srSk, sk, lookup)
}

// versionRefs builds the Refs of a spec.version field linked to a HelmRepository.
func (s *scanner) versionRefs(o *object, kind, name, chartName string, spec *yaml.Node, srKind, srNS, srName string, srSk, sk skip, lookup lookupFunc) []chart.Ref {
	r := s.base(o, kind, name)
	r.Chart, r.Field = chartName, chart.FieldVersion
	ver := s.version(o, field(spec, "version"), spec)
	if ver.present {
		r.Version, r.Loc = ver.s, ver.loc
	} else {
		r.Loc = s.locAt(o.doc, spec)
		if spec == nil {
			r.Loc = s.locAt(o.doc, o.node)
		}
	}
	sk.merge(ver.sk)
	sk.merge(classify(ver.s))
	switch srKind {
	case "GitRepository", "Bucket":
		sk.add(rankLocal, chart.SkipLocalChart, "chart from "+srKind+" "+srName)
		finish(&r, sk)
		return []chart.Ref{r}
	case "HelmRepository", "":
	default:
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, "sourceRef kind "+srKind)
		finish(&r, sk)
		return []chart.Ref{r}
	}
	sk.merge(srSk)
	if srSk.reason != "" {
		finish(&r, sk)
		return []chart.Ref{r}
	}
	targets := lookup(o, "HelmRepository", srNS, srName)
	if len(targets) == 0 {
		where := srName
		if srNS != "" {
			where = srNS + "/" + srName
		} else if len(o.namespaces) > 0 {
			where = strings.Join(o.namespaces, ",") + "/" + srName
		}
		sk.add(rankUnknown, chart.SkipUnknownSource, "HelmRepository "+where+" not found")
		finish(&r, sk)
		return []chart.Ref{r}
	}
	var out []chart.Ref
	for _, t := range targets {
		rr := r
		rsk := sk
		src, ssk := s.helmRepoSource(t, chartName)
		rsk.merge(ssk)
		rr.Source = src
		if slices.ContainsFunc(out, func(x chart.Ref) bool { return x.Source == src }) {
			continue
		}
		finish(&rr, rsk)
		out = append(out, rr)
	}
	return out
}

func (s *scanner) helmRepoSource(repo *object, chartName string) (chart.Source, skip) {
	spec := deref(field(repo.node, "spec"))
	url, sk := s.text(repo, field(spec, "url"))
	url = strings.TrimRight(url, "/")
	if str(field(spec, "type")) == "oci" {
		if sk.reason == "" && !strings.HasPrefix(url, "oci://") {
			sk.add(rankUnsupported, chart.SkipUnsupportedSource, fmt.Sprintf("oci HelmRepository url %q is not oci://", url))
		}
		return chart.Source{Kind: chart.SourceOCI, URL: url + "/" + chartName}, sk
	}
	if sk.reason == "" && !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, fmt.Sprintf("HelmRepository url %q is not http(s)://", url))
	}
	return chart.Source{Kind: chart.SourceHelm, URL: url}, sk
}

// chartRef links a HelmRelease to the object holding its version. It
// returns a Ref only when the link fails.
func (s *scanner) chartRef(o *object, lookup lookupFunc, held map[*object][]int, refs []chart.Ref) (chart.Ref, bool) {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	cr := deref(at(o.node, "spec", "chartRef"))
	kind := str(field(cr, "kind"))
	nameN := field(cr, "name")
	crName, crSk := s.text(o, nameN)
	crNS, nsSk := s.text(o, field(cr, "namespace"))
	crSk.merge(nsSk)
	r := s.base(o, "HelmRelease", name)
	if nameN != nil {
		r.Loc, _ = s.loc(o.doc, nameN, cr)
	} else {
		r.Loc = s.locAt(o.doc, cr)
	}
	var sk skip
	if o.doc.sops {
		sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
	}
	sk.merge(nameSk)
	if kind != "OCIRepository" && kind != "HelmChart" {
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, "chartRef kind "+kind)
		finish(&r, sk)
		return r, true
	}
	if crSk.reason != "" {
		sk.merge(crSk)
		finish(&r, sk)
		return r, true
	}
	targets := lookup(o, kind, crNS, crName)
	if len(targets) == 0 {
		sk.add(rankUnknown, chart.SkipUnknownSource, fmt.Sprintf("chartRef %s %s not found", kind, crName))
		finish(&r, sk)
		return r, true
	}
	nss := o.namespaces
	if len(nss) == 0 {
		nss = []string{""}
	}
	for _, t := range targets {
		for _, i := range held[t] {
			for _, ns := range nss {
				refs[i].UsedBy = append(refs[i].UsedBy, chart.ObjectKey{Kind: "HelmRelease", Namespace: ns, Name: name})
			}
		}
	}
	return chart.Ref{}, false
}

// helmChartsRefs reads the helmCharts entries of a kustomization file.
func (s *scanner) helmChartsRefs(k *kust) []chart.Ref {
	hc := deref(field(k.node, "helmCharts"))
	if hc == nil || hc.Kind != yaml.SequenceNode {
		return nil
	}
	p := k.doc.file.Path
	clusters := s.fileClusters(p)
	var out []chart.Ref
	for _, e := range hc.Content {
		e = deref(e)
		if e == nil || e.Kind != yaml.MappingNode {
			continue
		}
		o := &object{doc: k.doc, node: e, kind: "HelmChartInflationGenerator", clusters: clusters}
		chartName, sk := s.text(o, field(e, "name"))
		name := chartName
		if rn := str(field(e, "releaseName")); rn != "" {
			name = rn
		}
		o.name = name
		o.namespaces = s.namespacesFor(p, str(field(e, "namespace")), s.effNS(k))
		r := s.base(o, "HelmChartInflationGenerator", name)
		r.Chart, r.Field = chartName, chart.FieldVersion
		if k.doc.sops {
			sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
		}
		repo, rsk := s.text(o, field(e, "repo"))
		sk.merge(rsk)
		repo = strings.TrimRight(repo, "/")
		switch {
		case repo == "":
			sk.add(rankLocal, chart.SkipLocalChart, "no repo: chart from helmGlobals.chartHome")
		case strings.HasPrefix(repo, "oci://"):
			r.Source = chart.Source{Kind: chart.SourceOCI, URL: repo + "/" + chartName}
		case strings.HasPrefix(repo, "https://"), strings.HasPrefix(repo, "http://"):
			r.Source = chart.Source{Kind: chart.SourceHelm, URL: repo}
		default:
			sk.add(rankUnsupported, chart.SkipUnsupportedSource, fmt.Sprintf("repo %q", repo))
		}
		ver := s.version(o, field(e, "version"), e)
		if ver.present {
			r.Version, r.Loc = ver.s, ver.loc
			sk.merge(ver.sk)
			sk.merge(classify(ver.s))
		} else {
			r.Loc = s.locAt(k.doc, e)
			sk.add(rankRange, chart.SkipRange, "no version: the latest is used")
		}
		finish(&r, sk)
		out = append(out, r)
	}
	return out
}

func (s *scanner) sources() []SourceObject {
	var out []SourceObject
	for _, o := range s.objects {
		if o.kind != "HelmRepository" && o.kind != "OCIRepository" {
			continue
		}
		name, _ := s.text(o, at(o.node, "metadata", "name"))
		url, _ := s.text(o, at(o.node, "spec", "url"))
		typ := "oci"
		if o.kind == "HelmRepository" {
			typ = str(at(o.node, "spec", "type"))
			if typ == "" {
				typ = "default"
			}
		}
		out = append(out, SourceObject{
			Kind: o.kind, Namespaces: nonNil(o.namespaces), Name: name, URL: url, Type: typ,
			File: o.file(), Line: o.node.Line, Scope: s.scope(o.file()),
		})
	}
	slices.SortStableFunc(out, func(a, b SourceObject) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Name, b.Name))
	})
	return out
}
