package flux

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

// versionSpec is a spec.version field linked to a HelmRepository by a
// sourceRef: the chart spec of a HelmRelease, or a HelmChart's spec.
type versionSpec struct {
	obj   *object
	kind  string // of the Ref: "HelmRelease" or "HelmChart"
	name  string
	chart string
	spec  *yaml.Node // the mapping holding chart, version and sourceRef
	// The sourceRef, and why it cannot be read (a variable, a template).
	srcKind, srcNS, srcName string
	srcSkip                 skip
	// skip holds the reasons found so far (SOPS, name or chart unreadable).
	skip skip
}

// readVersionSpec reads the chart, version and sourceRef of spec, the chart
// spec of o; sourceRef.namespace is read when withNS (HelmChart has none).
func (s *scanner) readVersionSpec(o *object, kind string, spec *yaml.Node, withNS bool) versionSpec {
	v := versionSpec{obj: o, kind: kind, spec: spec, skip: objSkip(o)}
	var nameSk, chartSk skip
	v.name, nameSk = s.text(o, at(o.node, "metadata", "name"))
	v.chart, chartSk = s.text(o, field(spec, "chart"))
	if o.inst == nil {
		v.skip.merge(nameSk)
	}
	v.skip.merge(chartSk)
	sr := deref(field(spec, "sourceRef"))
	v.srcKind = str(field(sr, "kind"))
	v.srcName, v.srcSkip = s.text(o, field(sr, "name"))
	if withNS {
		var nsSk skip
		v.srcNS, nsSk = s.text(o, field(sr, "namespace"))
		v.srcSkip.merge(nsSk)
	}
	return v
}

// docSkip is the skip every Ref of a document starts with: sops when the
// document is SOPS-encrypted.
func docSkip(d *doc) skip {
	var sk skip
	if d.sops {
		sk.add(rankSOPS, chart.SkipSOPS, "the document is SOPS-encrypted")
	}
	return sk
}

func (s *scanner) helmChartRefs(o *object, links *linkIndex) []chart.Ref {
	spec := deref(field(o.node, "spec"))
	return s.versionRefs(s.readVersionSpec(o, "HelmChart", spec, false), links)
}

func (s *scanner) chartSpecRefs(o *object, links *linkIndex) []chart.Ref {
	spec := deref(at(o.node, "spec", "chart", "spec"))
	return s.versionRefs(s.readVersionSpec(o, "HelmRelease", spec, true), links)
}

// versionRefs builds the Refs of a spec.version field linked to a
// HelmRepository: one per repository the sourceRef finds, or one with a
// skip reason.
func (s *scanner) versionRefs(v versionSpec, links *linkIndex) []chart.Ref {
	o, sk := v.obj, v.skip
	r := s.base(o, v.kind, v.name)
	r.Chart, r.Field = v.chart, chart.FieldVersion
	ver := s.version(o, field(v.spec, "version"), v.spec)
	switch {
	case ver.present:
		r.Version, r.Loc = ver.s, ver.loc
	case v.spec == nil:
		r.Loc = s.whereAt(o, o.node)
	default:
		r.Loc = s.whereAt(o, v.spec)
	}
	sk.merge(ver.sk)
	sk.merge(classify(ver.s))
	switch v.srcKind {
	case "GitRepository", "Bucket":
		sk.add(rankLocal, chart.SkipLocalChart, "chart from "+v.srcKind+" "+v.srcName)
		finish(&r, sk)
		return []chart.Ref{r}
	case "HelmRepository", "":
	default:
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, "sourceRef kind "+v.srcKind)
		finish(&r, sk)
		return []chart.Ref{r}
	}
	sk.merge(v.srcSkip)
	if v.srcSkip.reason != "" {
		finish(&r, sk)
		return []chart.Ref{r}
	}
	targets := links.lookup(o, "HelmRepository", v.srcNS, v.srcName)
	if len(targets) == 0 {
		where := v.srcName
		if v.srcNS != "" {
			where = v.srcNS + "/" + v.srcName
		} else if len(o.namespaces) > 0 {
			where = strings.Join(o.namespaces, ",") + "/" + v.srcName
		}
		sk.add(rankUnknown, chart.SkipUnknownSource, "HelmRepository "+where+" not found")
		finish(&r, sk)
		return []chart.Ref{r}
	}
	var out []chart.Ref
	for _, t := range targets {
		rr, rsk := r, sk
		src, ssk := s.helmRepoSource(t, v.chart)
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

// helmRepoSource is the chart source a HelmRepository gives chartName.
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
func (s *scanner) chartRef(o *object, links *linkIndex, held map[*object][]int, refs []chart.Ref) (chart.Ref, bool) {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	cr := deref(at(o.node, "spec", "chartRef"))
	kind := str(field(cr, "kind"))
	nameN := field(cr, "name")
	crName, crSk := s.text(o, nameN)
	crNS, nsSk := s.text(o, field(cr, "namespace"))
	crSk.merge(nsSk)
	r := s.base(o, "HelmRelease", name)
	if nameN != nil {
		r.Loc = s.where(o, nameN, cr)
	} else {
		r.Loc = s.whereAt(o, cr)
	}
	sk := objSkip(o)
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
	targets := links.lookup(o, kind, crNS, crName)
	if len(targets) == 0 {
		sk.add(rankUnknown, chart.SkipUnknownSource, fmt.Sprintf("chartRef %s %s not found", kind, crName))
		finish(&r, sk)
		return r, true
	}
	for _, t := range targets {
		for _, i := range held[t] {
			s.users[i] = append(s.users[i], o)
			for _, ns := range orBlank(o.namespaces) {
				refs[i].UsedBy = append(refs[i].UsedBy, chart.ObjectKey{Kind: "HelmRelease", Namespace: ns, Name: name})
			}
		}
	}
	return chart.Ref{}, false
}
