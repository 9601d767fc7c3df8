package versioning

import (
	"fmt"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
)

// Parse parses a chart version the way Flux does (fluxcd/pkg/version.ParseVersion):
// the string must have three dot-separated parts, then Masterminds
// semver.NewVersion parses it leniently. A "v" prefix and leading zeros are
// accepted; "1.2" and "v1" are rejected. The result keeps Original(), so a
// "v" prefix survives.
func Parse(s string) (*semver.Version, error) {
	if len(strings.SplitN(s, ".", 3)) != 3 {
		return nil, fmt.Errorf("parse version %q: not in the form x.y.z", s)
	}
	v, err := semver.NewVersion(s)
	if err != nil {
		return nil, fmt.Errorf("parse version %q: %w", s, err)
	}
	return v, nil
}

// IsExact reports whether s is an exact version Flux would accept (see
// Parse), as opposed to a constraint such as "1.x", "^1.2.0" or "*".
func IsExact(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// ParseConstraint parses a Masterminds semver constraint ("^1.2.0",
// ">=1.0.0 <2.0.0", "1.x || 2.x"). An empty string or "*" means any stable
// version, as in Flux.
func ParseConstraint(s string) (*semver.Constraints, error) {
	if strings.TrimSpace(s) == "" {
		s = "*"
	}
	c, err := semver.NewConstraint(s)
	if err != nil {
		return nil, fmt.Errorf("parse constraint %q: %w", s, err)
	}
	return c, nil
}

// Classify tells what kind of update moving from one version to another is.
//
// A different major is a major update, else a different minor a minor
// update, else a different patch, pre-release or build metadata a patch
// update; identical versions are a digest update (same version, new content).
// 0.x versions get no special treatment: 0.1.0 → 0.2.0 is a minor update even
// though SemVer allows it to break, which matches Renovate's classification.
// Classify does not check the direction; callers compare first.
func Classify(from, to *semver.Version) chart.UpdateType {
	switch {
	case from == nil || to == nil:
		return chart.UpdateMajor
	case from.Major() != to.Major():
		return chart.UpdateMajor
	case from.Minor() != to.Minor():
		return chart.UpdateMinor
	case from.Patch() != to.Patch(),
		from.Prerelease() != to.Prerelease(),
		from.Metadata() != to.Metadata():
		return chart.UpdatePatch
	default:
		return chart.UpdateDigest
	}
}

// ToTag maps a chart version to the OCI tag Helm pushes it under: OCI tags
// cannot hold "+", so "1.2.3+build" becomes "1.2.3_build".
func ToTag(version string) string { return strings.ReplaceAll(version, "+", "_") }

// FromTag maps an OCI tag back to the chart version: "1.2.3_build" becomes
// "1.2.3+build".
func FromTag(tag string) string { return strings.ReplaceAll(tag, "_", "+") }

// HasPrefix reports whether a version is written with a "v" or "V" prefix.
func HasPrefix(s string) bool { return strings.HasPrefix(s, "v") || strings.HasPrefix(s, "V") }

// WithPrefixOf returns newVersion written with the "v" prefix convention of
// original: "v" is added when original has one and newVersion has not, and
// removed in the opposite case.
//
// It is for matching only (is the release "1.2.3" the one written as
// "v1.2.3"?). bosun never writes its result: the value written into a
// manifest is always a release's exact Version or Tag string as published,
// because the written value must name a tag or entry that exists.
func WithPrefixOf(original, newVersion string) string {
	switch {
	case HasPrefix(original) && !HasPrefix(newVersion):
		return original[:1] + newVersion
	case !HasPrefix(original) && HasPrefix(newVersion):
		return newVersion[1:]
	default:
		return newVersion
	}
}

// SameVersion reports whether a written version and a published version
// string name the same release: equal strings, or equal after aligning the
// "v" prefix and the OCI "_" ↔ "+" mapping.
func SameVersion(written, published string) bool {
	if written == published {
		return true
	}
	w := FromTag(written)
	p := FromTag(published)
	return w == p || WithPrefixOf(w, p) == w
}

// Media types of a Helm chart stored as an OCI artifact (Helm's
// pkg/registry): the config blob holds Chart.yaml as JSON, the one layer the
// chart archive. An OCIRepository whose layer has HelmChartMediaType is a
// chart, which is also what makes Flux read a tag's "_" as "+".
const (
	HelmConfigMediaType = "application/vnd.cncf.helm.config.v1+json"
	HelmChartMediaType  = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
)
