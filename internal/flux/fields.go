package flux

import (
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
)

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

// notScalar adds to sk why a version field n that is an alias or not a
// scalar cannot be edited, and reports whether it did.
func notScalar(n *yaml.Node, sk *skip) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return false
	case yaml.AliasNode:
		sk.add(rankAlias, chart.SkipAlias, "the value is the alias *"+n.Value)
	default:
		sk.add(rankBadToken, chart.SkipInvalidVersion, "the value is not a scalar")
	}
	return true
}

// version reads the scalar n of mapping parent as an editable field.
func (s *scanner) version(o *object, n, parent *yaml.Node) value {
	var v value
	if n == nil {
		return v
	}
	if _, copied := s.tmplSrc[n]; copied || o.inst != nil || o.tmpl != nil {
		return s.renderedVersion(o, n, parent)
	}
	v.present = true
	d := o.doc
	var err error
	if v.loc, err = s.loc(d, n, parent); err != nil {
		v.sk.add(rankBadToken, chart.SkipInvalidVersion, err.Error())
	}
	v.s = str(n)
	if notScalar(n, &v.sk) {
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
		v.sk.add(rankVersionVar, chart.SkipVariable, templateDetail(o, v.s))
	}
	return v
}
