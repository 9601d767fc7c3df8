package flux

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/versioning"
)

// ociRef reads the version fields of an OCIRepository's spec.ref. With the
// Helm chart layer media type, Flux reads a tag's "_" as "+".
func (s *scanner) ociRef(o *object) chart.Ref {
	name, nameSk := s.text(o, at(o.node, "metadata", "name"))
	r := s.base(o, "OCIRepository", name)
	sk := objSkip(o)
	if o.inst == nil {
		// A rendered OCIRepository's name matters only for linking: its
		// tag stays editable even when the name cannot be resolved.
		sk.merge(nameSk)
	}
	spec := deref(field(o.node, "spec"))
	url, urlSk := s.text(o, field(spec, "url"))
	sk.merge(urlSk)
	url = strings.TrimRight(url, "/")
	r.Source = chart.Source{Kind: chart.SourceOCI, URL: url}
	r.Chart = url[strings.LastIndexByte(url, '/')+1:]
	if urlSk.reason == "" && !strings.HasPrefix(url, "oci://") {
		sk.add(rankUnsupported, chart.SkipUnsupportedSource, fmt.Sprintf("url %q is not oci://", url))
	}
	helmLayer := str(at(spec, "layerSelector", "mediaType")) == versioning.HelmChartMediaType
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
		r.Loc = s.whereAt(o, n)
		sk.add(rankRange, chart.SkipRange, "latest")
	}
	finish(&r, sk)
	return r
}
