package policy

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/glob"
	"github.com/bosunhq/bosun/internal/versioning"
)

// AgeUnknown says what to do with a candidate whose source gives no
// publication date while a minimum release age is set.
type AgeUnknown string

const (
	// AgeUnknownHold holds such a candidate (the default: the safe choice,
	// since its age cannot be proven).
	AgeUnknownHold AgeUnknown = "hold"
	// AgeUnknownAllow lets such a candidate through.
	AgeUnknownAllow AgeUnknown = "allow"
)

// RangeStrategy says what to do with a version range that excludes the
// newest allowed release.
type RangeStrategy string

const (
	// RangeKeep leaves the range alone and reports it out of range (default).
	RangeKeep RangeStrategy = "keep"
	// RangeWiden widens the range so it also admits the new version.
	RangeWiden RangeStrategy = "widen"
	// RangeReplace replaces the range by one of the same shape around the new version.
	RangeReplace RangeStrategy = "replace"
)

// GroupByNamespace makes one group per namespace.
const GroupByNamespace = "namespace"

// AllUpdateTypes lists every update type, in order of size.
var AllUpdateTypes = []chart.UpdateType{chart.UpdateMajor, chart.UpdateMinor, chart.UpdatePatch, chart.UpdateDigest}

// Settings is a policy, possibly partial. Pointer and nil-slice fields are
// "unset", so that a rule setting `prerelease: false` differs from one not
// mentioning prerelease; an unset field keeps the value of earlier rules.
type Settings struct {
	// UpdateTypes lists the update types allowed; nil = unset (all).
	UpdateTypes []chart.UpdateType `json:"updateTypes,omitempty"`
	// Ignore, when true, reports the ref and never updates it.
	Ignore *bool `json:"ignore,omitempty"`
	// Pin, when true, never moves the ref (reported as pinned).
	Pin *bool `json:"pin,omitempty"`
	// AllowedVersions are Masterminds constraints that must all hold for a
	// candidate. A rule sets one; a later rule replaces earlier ones; the
	// multi-namespace merge collects every namespace's.
	AllowedVersions []string `json:"allowedVersions,omitempty"`
	// Prerelease allows pre-release candidates; unset means allowed only when
	// the current version is itself a pre-release.
	Prerelease *bool `json:"prerelease,omitempty"`
	// MinimumReleaseAge holds candidates published less than this long ago.
	MinimumReleaseAge *time.Duration `json:"minimumReleaseAge,omitempty"`
	// ReleaseAgeUnknown decides for candidates without a date; "" = hold.
	ReleaseAgeUnknown AgeUnknown `json:"releaseAgeUnknown,omitempty"`
	// Group names the pull request group; GroupBy "namespace" makes one per namespace.
	Group   string `json:"group,omitempty"`
	GroupBy string `json:"groupBy,omitempty"`
	// SeparateMajor puts major updates in their own group; unset = true.
	SeparateMajor *bool `json:"separateMajor,omitempty"`
	// Labels are added to the pull request; a rule's labels replace earlier ones.
	Labels []string `json:"labels,omitempty"`
	// RangeStrategy applies to version ranges; "" = keep.
	RangeStrategy RangeStrategy `json:"rangeStrategy,omitempty"`
	// SeparateMinorPatch splits non-major updates into a minor and a patch
	// bucket; SeparateMultipleMajor gives each newer major its own bucket.
	SeparateMinorPatch    *bool `json:"separateMinorPatch,omitempty"`
	SeparateMultipleMajor *bool `json:"separateMultipleMajor,omitempty"`

	Lifecycle
}

// Match selects refs. Every non-empty list must match (AND across keys); a
// list matches when any of its globs does (OR within a list). An empty Match
// matches every ref.
type Match struct {
	// Namespaces are globs on the namespaces the ref lands in. A ref with no
	// resolved namespace never matches a non-empty Namespaces.
	Namespaces []string `json:"namespaces,omitempty"`
	// Charts are globs on the chart name.
	Charts []string `json:"charts,omitempty"`
	// Sources are path globs on the source URL ("oci://ghcr.io/**").
	Sources []string `json:"sources,omitempty"`
	// Paths are path globs on the file holding the version field.
	Paths []string `json:"paths,omitempty"`
	// Kinds are globs on the kind of the object holding the field.
	Kinds []string `json:"kinds,omitempty"`
	// Clusters are path globs on the clusters (root Flux Kustomizations'
	// directories, "clusters/production") the ref lands in; evaluated for
	// one namespace, only the clusters putting it in that namespace count.
	// A ref no root renders never matches a non-empty Clusters.
	Clusters []string `json:"clusters,omitempty"`
	// UpdateTypes restricts the rule to candidate updates of these types
	// (Renovate's matchUpdateTypes). Such rules are ignored by For.
	UpdateTypes []chart.UpdateType `json:"updateTypes,omitempty"`
}

// Rule is a Match and the settings it applies.
type Rule struct {
	// Name is used in reasons; "" means "rule N" (1-based).
	Name     string
	Match    Match
	Settings Settings
}

// Options is the whole policy: Defaults, then Rules in order.
type Options struct {
	Defaults Settings
	Rules    []Rule
	// Timezone is where schedules are read; nil means UTC.
	Timezone *time.Location
}

// Rules is a compiled policy. It is safe for concurrent use.
type Rules struct {
	defaults Settings
	rules    []compiledRule
	loc      *time.Location
	// lazy describes only what deciding needs (WithLazyDescribe).
	lazy bool
}

// WithLazyDescribe returns a copy of r that describes only what deciding
// needs, for a report that shows no release details: the candidate chosen
// for the highest bucket (its manifest proves it is a chart), a lower
// bucket's candidate only when its age (minimumReleaseAge) or digest (the
// ref pins one) matters, and the current release only to compare digests,
// never for its appVersion.
func (r *Rules) WithLazyDescribe() *Rules {
	c := *r
	c.lazy = true
	return &c
}

type compiledRule struct {
	label string
	match Match
	set   Settings
}

// Compile validates the options and returns the compiled rules. Every
// problem is reported, joined.
func Compile(o Options) (*Rules, error) {
	var errs []error
	r := &Rules{defaults: cloneSettings(o.Defaults), loc: o.Timezone}
	if r.loc == nil {
		r.loc = time.UTC
	}
	for _, err := range validateSettings(o.Defaults) {
		errs = append(errs, fmt.Errorf("defaults: %w", err))
	}
	for i, rule := range o.Rules {
		label := fmt.Sprintf("rule %d", i+1)
		if rule.Name != "" {
			label = fmt.Sprintf("rule %d %q", i+1, rule.Name)
		}
		for _, err := range validateMatch(rule.Match) {
			errs = append(errs, fmt.Errorf("%s: match: %w", label, err))
		}
		for _, err := range validateSettings(rule.Settings) {
			errs = append(errs, fmt.Errorf("%s: %w", label, err))
		}
		r.rules = append(r.rules, compiledRule{label: label, match: cloneMatch(rule.Match), set: cloneSettings(rule.Settings)})
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("compile policy: %w", err)
	}
	return r, nil
}

// ValidUpdateType reports whether t names an update type.
func ValidUpdateType(t chart.UpdateType) bool { return slices.Contains(AllUpdateTypes, t) }

func validateMatch(m Match) []error {
	var errs []error
	for _, l := range [][]string{m.Namespaces, m.Charts, m.Kinds, m.Sources, m.Paths, m.Clusters} {
		for _, g := range l {
			if err := glob.Validate(g); err != nil {
				errs = append(errs, err)
			}
		}
	}
	for _, t := range m.UpdateTypes {
		if err := CheckUpdateType(t); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

func validateSettings(s Settings) []error {
	var errs []error
	check := func(field string, err error) {
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", field, err))
		}
	}
	for _, t := range s.UpdateTypes {
		check("updateTypes", CheckUpdateType(t))
	}
	for _, c := range s.AllowedVersions {
		check("allowedVersions", CheckAllowedVersions(c))
	}
	if s.MinimumReleaseAge != nil && *s.MinimumReleaseAge < 0 {
		check("minimumReleaseAge", errors.New("negative"))
	}
	check("releaseAgeUnknown", CheckAgeUnknown(s.ReleaseAgeUnknown))
	check("rangeStrategy", CheckRangeStrategy(s.RangeStrategy))
	check("groupBy", CheckGroupBy(s.GroupBy))
	return append(errs, validateLifecycle(s.Lifecycle)...)
}

// resolved is a merged Settings plus, per field, which rule set it.
type resolved struct {
	s   Settings
	src map[string]string
	ns  string
	// schedules holds every namespace's schedule after a merge: an update
	// waits unless each of them admits the time.
	schedules []nsSchedule
}

func (r *Rules) base() resolved {
	res := resolved{src: map[string]string{}}
	res.apply(r.defaults, "defaults")
	return res
}

// apply overrides fields set in o.
func (res *resolved) apply(o Settings, label string) {
	set := func(field string) { res.src[field] = label }
	d := &res.s
	overrideSlice(&d.UpdateTypes, o.UpdateTypes, "updateTypes", set)
	overridePtr(&d.Ignore, o.Ignore, "ignore", set)
	overridePtr(&d.Pin, o.Pin, "pin", set)
	overrideSlice(&d.AllowedVersions, o.AllowedVersions, "allowedVersions", set)
	overridePtr(&d.Prerelease, o.Prerelease, "prerelease", set)
	overridePtr(&d.MinimumReleaseAge, o.MinimumReleaseAge, "minimumReleaseAge", set)
	overrideWord(&d.ReleaseAgeUnknown, o.ReleaseAgeUnknown, "releaseAgeUnknown", set)
	overrideWord(&d.Group, o.Group, "group", set)
	overrideWord(&d.GroupBy, o.GroupBy, "groupBy", set)
	overridePtr(&d.SeparateMajor, o.SeparateMajor, "separateMajor", set)
	overrideSlice(&d.Labels, o.Labels, "labels", set)
	overrideWord(&d.RangeStrategy, o.RangeStrategy, "rangeStrategy", set)
	overridePtr(&d.SeparateMinorPatch, o.SeparateMinorPatch, "separateMinorPatch", set)
	overridePtr(&d.SeparateMultipleMajor, o.SeparateMultipleMajor, "separateMultipleMajor", set)
	res.applyLifecycle(o.Lifecycle, set)
}

// overridePtr copies a set (non-nil) pointer field and records who set it.
func overridePtr[T any](dst **T, v *T, field string, set func(string)) {
	if v != nil {
		*dst = ptr(*v)
		set(field)
	}
}

// overrideSlice copies a set (non-nil) list field and records who set it;
// an empty, non-nil list is set too.
func overrideSlice[T any](dst *[]T, v []T, field string, set func(string)) {
	if v != nil {
		*dst = slices.Clone(v)
		set(field)
	}
}

// overrideWord copies a set (non-empty) word field and records who set it.
func overrideWord[T ~string](dst *T, v T, field string, set func(string)) {
	if v != "" {
		*dst = v
		set(field)
	}
}

// why names the rule that set field, with the namespace when known:
// "rule 1 \"kube\" for namespace kube-system".
func (res resolved) why(field string) string {
	src := res.src[field]
	if src == "" {
		src = "built-in default"
	}
	if res.ns != "" {
		return src + ", namespace " + res.ns
	}
	return src
}

func (m Match) matches(ref chart.Ref, ns string, t chart.UpdateType) bool {
	if len(m.UpdateTypes) > 0 && (t == "" || !slices.Contains(m.UpdateTypes, t)) {
		return false
	}
	if len(m.Namespaces) > 0 && (ns == "" || !anyName(m.Namespaces, ns)) {
		return false
	}
	if len(m.Charts) > 0 && !anyName(m.Charts, ref.Chart) {
		return false
	}
	if len(m.Kinds) > 0 && !anyName(m.Kinds, ref.Kind) {
		return false
	}
	if len(m.Sources) > 0 && !anyPath(m.Sources, ref.Source.URL) {
		return false
	}
	if len(m.Paths) > 0 && !anyPath(m.Paths, ref.Loc.File) {
		return false
	}
	if len(m.Clusters) > 0 && !inCluster(m.Clusters, ref, ns) {
		return false
	}
	return true
}

// inCluster reports whether ref lands in namespace ns ("" = any) of a
// cluster matching one of globs.
func inCluster(globs []string, ref chart.Ref, ns string) bool {
	return slices.ContainsFunc(ref.Clusters, func(p chart.Placement) bool {
		return (ns == "" || p.Namespace == ns) && anyPath(globs, p.Cluster)
	})
}

func anyName(globs []string, s string) bool {
	return slices.ContainsFunc(globs, func(g string) bool { return glob.MatchName(g, s) })
}

func anyPath(globs []string, s string) bool {
	return slices.ContainsFunc(globs, func(g string) bool { return glob.Match(g, s) })
}

// forNamespace merges defaults and every rule matching ref in namespace ns
// for a candidate of type t ("" = type-agnostic: rules matching on update
// types are left out).
func (r *Rules) forNamespace(ref chart.Ref, ns string, t chart.UpdateType) resolved {
	res := r.base()
	res.ns = ns
	for _, cr := range r.rules {
		if cr.match.matches(ref, ns, t) {
			res.apply(cr.set, cr.label)
		}
	}
	return res
}

// effective evaluates ref in each of its namespaces and merges the results,
// most restrictive first. restrictive is non-empty when namespaces disagree.
func (r *Rules) effective(ref chart.Ref, t chart.UpdateType) (res resolved, restrictive string) {
	if len(ref.Namespaces) <= 1 {
		ns := ""
		if len(ref.Namespaces) == 1 {
			ns = ref.Namespaces[0]
		}
		return r.forNamespace(ref, ns, t), ""
	}
	var per []resolved
	for _, ns := range ref.Namespaces {
		per = append(per, r.forNamespace(ref, ns, t))
	}
	return mergeRestrictive(per)
}

// For returns the effective settings of ref, ignoring rules that match on
// update types: defaults and matching rules merged in order, and, for a ref
// landing in several namespaces, the most restrictive merge across them.
// Unset fields stay unset; their built-in defaults are: all update types,
// not ignored, not pinned, pre-releases only from a pre-release, no minimum
// age, hold when the age is unknown, separate majors, range strategy keep.
func (r *Rules) For(ref chart.Ref) Settings {
	res, _ := r.effective(ref, "")
	return res.s
}

// cloneSettings is a deep copy of s: lists and pointers, lifecycle included.
func cloneSettings(s Settings) Settings {
	c := s
	c.UpdateTypes = slices.Clone(s.UpdateTypes)
	c.AllowedVersions = slices.Clone(s.AllowedVersions)
	c.Labels = slices.Clone(s.Labels)
	c.Ignore = clonePtr(s.Ignore)
	c.Pin = clonePtr(s.Pin)
	c.Prerelease = clonePtr(s.Prerelease)
	c.MinimumReleaseAge = clonePtr(s.MinimumReleaseAge)
	c.SeparateMajor = clonePtr(s.SeparateMajor)
	c.SeparateMinorPatch = clonePtr(s.SeparateMinorPatch)
	c.SeparateMultipleMajor = clonePtr(s.SeparateMultipleMajor)
	c.Schedule = slices.Clone(s.Schedule)
	c.Reviewers = slices.Clone(s.Reviewers)
	c.Assignees = slices.Clone(s.Assignees)
	c.Automerge = clonePtr(s.Automerge)
	c.DashboardApproval = clonePtr(s.DashboardApproval)
	return c
}

func cloneMatch(m Match) Match {
	return Match{
		Namespaces:  slices.Clone(m.Namespaces),
		Charts:      slices.Clone(m.Charts),
		Sources:     slices.Clone(m.Sources),
		Paths:       slices.Clone(m.Paths),
		Kinds:       slices.Clone(m.Kinds),
		Clusters:    slices.Clone(m.Clusters),
		UpdateTypes: slices.Clone(m.UpdateTypes),
	}
}

// constraints compiles the allowedVersions of s; Compile validated them.
func constraints(s Settings, includePre bool) []*semver.Constraints {
	var out []*semver.Constraints
	for _, c := range s.AllowedVersions {
		if pc, err := versioning.ParseConstraint(c); err == nil {
			pc.IncludePrerelease = includePre
			out = append(out, pc)
		}
	}
	return out
}
