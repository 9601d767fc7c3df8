package flux

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

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
		sk.merge(docSkip(k.doc))
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
