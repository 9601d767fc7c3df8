package policy

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
)

// mergeRestrictive combines per-namespace policies: the intersection of
// update types, ignore or pin if any namespace says so, every
// allowedVersions constraint, pre-releases only if every namespace allows
// them, the largest minimum age, hold if any holds, separate majors if any,
// keep if namespaces disagree on the range strategy, the union of labels,
// and group settings of the first namespace that sets them.
func mergeRestrictive(per []resolved) (resolved, string) {
	m := merger{out: resolved{s: cloneSettings(per[0].s), src: map[string]string{}, ns: per[0].ns}}
	for k, v := range per[0].src {
		m.out.src[k] = v + ", namespace " + per[0].ns
	}
	m.out.schedules = slices.Clone(per[0].schedules)
	for _, p := range per[1:] {
		m.types(p)
		m.versions(p)
		m.grouping(p)
		m.lifecycle(p)
	}
	out := m.out
	sort.Strings(out.s.Labels)
	out.ns = ""
	if len(m.notes) == 0 {
		return out, ""
	}
	nss := make([]string, len(per))
	for i, p := range per {
		nss[i] = p.ns
	}
	return out, fmt.Sprintf("in namespaces %s the most restrictive policy applies: %s", strings.Join(nss, ", "), strings.Join(uniq(m.notes), "; "))
}

// merger folds namespaces' policies into the most restrictive one, noting
// which namespace set each field that changed.
type merger struct {
	out   resolved
	notes []string
}

func (m *merger) note(field string, winner resolved) {
	m.out.src[field] = winner.why(field)
	m.notes = append(m.notes, fmt.Sprintf("%s from namespace %s", field, winner.ns))
}

// types intersects the update types and lets ignore and pin win.
func (m *merger) types(p resolved) {
	out, s := &m.out.s, p.s
	a, b := typesOrAll(out.UpdateTypes), typesOrAll(s.UpdateTypes)
	var inter []chart.UpdateType
	for _, t := range a {
		if slices.Contains(b, t) {
			inter = append(inter, t)
		}
	}
	if len(inter) < len(a) {
		m.note("updateTypes", p)
	}
	if out.UpdateTypes != nil || s.UpdateTypes != nil {
		if inter == nil {
			inter = []chart.UpdateType{}
		}
		out.UpdateTypes = inter
	}
	if isTrue(s.Ignore) && !isTrue(out.Ignore) {
		out.Ignore = ptr(true)
		m.note("ignore", p)
	}
	if isTrue(s.Pin) && !isTrue(out.Pin) {
		out.Pin = ptr(true)
		m.note("pin", p)
	}
}

// versions collects every constraint, and takes the strictest pre-release,
// age and range settings.
func (m *merger) versions(p resolved) {
	out, s := &m.out.s, p.s
	for _, c := range s.AllowedVersions {
		if !slices.Contains(out.AllowedVersions, c) {
			out.AllowedVersions = append(out.AllowedVersions, c)
			m.note("allowedVersions", p)
		}
	}
	// prerelease: false beats unset beats true.
	if rank(s.Prerelease) < rank(out.Prerelease) {
		out.Prerelease = s.Prerelease
		m.note("prerelease", p)
	}
	if s.MinimumReleaseAge != nil && (out.MinimumReleaseAge == nil || *s.MinimumReleaseAge > *out.MinimumReleaseAge) {
		out.MinimumReleaseAge = ptr(*s.MinimumReleaseAge)
		m.note("minimumReleaseAge", p)
	}
	if ageUnknown(s.ReleaseAgeUnknown) == AgeUnknownHold && ageUnknown(out.ReleaseAgeUnknown) != AgeUnknownHold {
		out.ReleaseAgeUnknown = AgeUnknownHold
		m.note("releaseAgeUnknown", p)
	}
	if rangeStrategy(s.RangeStrategy) != rangeStrategy(out.RangeStrategy) && rangeStrategy(out.RangeStrategy) != RangeKeep {
		out.RangeStrategy = RangeKeep
		m.note("rangeStrategy", p)
	}
}

// grouping separates majors if any namespace does, takes the first group
// setting and the union of labels.
func (m *merger) grouping(p resolved) {
	out, s := &m.out.s, p.s
	if separateMajor(s.SeparateMajor) && !separateMajor(out.SeparateMajor) {
		out.SeparateMajor = ptr(true)
	}
	if isTrue(s.SeparateMinorPatch) && !isTrue(out.SeparateMinorPatch) {
		out.SeparateMinorPatch = ptr(true)
	}
	if isTrue(s.SeparateMultipleMajor) && !isTrue(out.SeparateMultipleMajor) {
		out.SeparateMultipleMajor = ptr(true)
	}
	if out.Group == "" && out.GroupBy == "" && (s.Group != "" || s.GroupBy != "") {
		out.Group, out.GroupBy = s.Group, s.GroupBy
	}
	for _, l := range s.Labels {
		if !slices.Contains(out.Labels, l) {
			out.Labels = append(out.Labels, l)
		}
	}
}

func uniq(s []string) []string {
	var out []string
	for _, x := range s {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func typesOrAll(t []chart.UpdateType) []chart.UpdateType {
	if t == nil {
		return AllUpdateTypes
	}
	return t
}

func rank(b *bool) int {
	switch {
	case b == nil:
		return 1
	case *b:
		return 2
	default:
		return 0
	}
}

func isTrue(b *bool) bool { return b != nil && *b }

func ageUnknown(a AgeUnknown) AgeUnknown {
	if a == "" {
		return AgeUnknownHold
	}
	return a
}

func separateMajor(b *bool) bool { return b == nil || *b }

func rangeStrategy(s RangeStrategy) RangeStrategy {
	if s == "" {
		return RangeKeep
	}
	return s
}

func ptr[T any](v T) *T { return &v }

// clonePtr returns a pointer to a copy of *p, or nil for a nil p.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	return ptr(*p)
}
