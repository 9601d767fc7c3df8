package flux

import (
	"fmt"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Skip precedence: the lowest rank wins when several reasons apply.
const (
	rankSOPS = iota
	rankLocal
	rankUnsupported
	rankUnknown
	rankNoNamespace
	rankSourceVar
	rankAlias
	rankVersionVar
	rankEmbedded
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

func finish(r *chart.Ref, sk skip) {
	r.Skip, r.SkipDetail = sk.reason, sk.detail
}

// classify checks a chart version: exact, a range, or invalid.
func classify(v string) skip {
	var sk skip
	switch {
	case v == "":
		sk.add(rankRange, chart.SkipRange, "no version: the latest is used")
	case v == "*":
		sk.add(rankRange, chart.SkipRange, "version * : the latest is used")
	case versioning.IsExact(v):
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
		v = versioning.FromTag(tag)
	}
	if !versioning.IsExact(v) {
		sk.add(rankInvalid, chart.SkipInvalidVersion, fmt.Sprintf("tag %q is not a version", tag))
	}
	return sk
}
