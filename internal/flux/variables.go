package flux

import (
	"fmt"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

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
	if o.inst != nil || o.tmpl != nil {
		return s.renderedText(o, n)
	}
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
		sk.add(rankSourceVar, chart.SkipVariable, templateDetail(o, v))
	}
	return v, sk
}
