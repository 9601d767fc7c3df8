package policy

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Status is the outcome of a decision.
type Status string

const (
	StatusUpdate     Status = "update"       // move to Decision.To / NewValue
	StatusUpToDate   Status = "up-to-date"   // nothing newer is allowed
	StatusIgnored    Status = "ignored"      // a rule says ignore
	StatusPinned     Status = "pinned"       // a rule says pin
	StatusInRange    Status = "in-range"     // a range admits the newest allowed release
	StatusOutOfRange Status = "out-of-range" // a range excludes it and the strategy is keep
	StatusHeld       Status = "held"         // newer releases wait for their minimum age or a date
	StatusSkipped    Status = "skipped"      // Ref.Skip is set
	StatusDeprecated Status = "deprecated"   // the chart is deprecated and nothing else applies
	StatusFailed     Status = "failed"       // a candidate could not be described, or the ref is unreadable
)

// Decision is what the policy decided for one Ref.
type Decision struct {
	Ref    chart.Ref
	Status Status
	// From is the current release when published (for its appVersion).
	From *chart.Release
	// To is the chosen release when Status is update.
	To *chart.Release
	// NewValue is the exact string to write into the version field: the
	// release's Tag (tag fields) or Version as published, or the new range.
	NewValue string
	// NewDigest is the chosen release's digest, for refs pinning a digest.
	NewDigest string
	// Type is the update type when Status is update (and of the held or
	// out-of-range candidate otherwise).
	Type          chart.UpdateType
	Group         string
	GroupBy       string
	SeparateMajor bool
	Labels        []string
	// Reason is one human line saying why.
	Reason string
	// Effective is the merged policy of the ref (type-agnostic).
	Effective Settings
	// Restrictive is non-empty when the ref lands in several namespaces
	// whose policies differ and the most restrictive merge was taken.
	Restrictive string
	// Bucket names the update's bucket when updates are separated
	// (non-major, major, minor, patch or v<N>); "" when they are not.
	Bucket string
	// The pull request's lifecycle, from the rules for the update's type.
	Automerge         bool
	AutomergeStrategy string
	AutomergeType     string
	DashboardApproval bool
	Reviewers         []string
	Assignees         []string
	// OutsideSchedule says why a new pull request must wait, or is "".
	OutsideSchedule string
}

// Describer fills in details of a release (Created, Digest, NotChart...).
// Decide calls it only for undescribed releases: candidates that passed the
// cheap checks, newest first, until one is accepted; then the current
// release (for From's appVersion, unless lazily; a failure there is
// ignored), or, when no newer version is accepted and the ref pins a
// digest, the current release to compare digests (a failure there fails the
// decision). With range strategy keep, ranges are reported without
// describing anything. Lazily (Rules.WithLazyDescribe), a lower bucket's
// candidates are described only when their age or digest matters.
type Describer func(ctx context.Context, r chart.Release) (chart.Release, error)

// candidate is a parsed release.
type candidate struct {
	rel chart.Release
	v   *semver.Version
}

// Decide chooses what ref should move to among releases (every published
// version of its chart, in any order). describe may be nil when releases
// are already described. An error is returned, with a failed Decision, only
// when describe fails or the ref's own version cannot be read.
func (r *Rules) Decide(ctx context.Context, ref chart.Ref, releases []chart.Release, describe Describer, now time.Time) (Decision, error) {
	return r.decide(ctx, ref, releases, describe, now, nil)
}

// decide is Decide among the candidates only admits (nil: all).
func (r *Rules) decide(ctx context.Context, ref chart.Ref, releases []chart.Release, describe Describer, now time.Time, only func(candidate) bool) (Decision, error) {
	base, restrictive := r.effective(ref, "")
	d := Decision{
		Ref:           ref,
		Effective:     base.s,
		Restrictive:   restrictive,
		Group:         base.s.Group,
		GroupBy:       base.s.GroupBy,
		SeparateMajor: separateMajor(base.s.SeparateMajor),
		Labels:        slices.Clone(base.s.Labels),
	}
	isRange := ref.Skip == chart.SkipRange || ref.Field == chart.FieldSemver
	if ref.Skip != "" && ref.Skip != chart.SkipRange {
		d.Status = StatusSkipped
		d.Reason = "skipped: " + string(ref.Skip)
		if ref.SkipDetail != "" {
			d.Reason += ": " + ref.SkipDetail
		}
		return d, nil
	}
	if isTrue(base.s.Ignore) {
		d.Status = StatusIgnored
		d.Reason = "ignored (" + base.why("ignore") + ")"
		return d, nil
	}
	if isTrue(base.s.Pin) {
		d.Status = StatusPinned
		d.Reason = "pinned at " + ref.Version + " (" + base.why("pin") + ")"
		return d, nil
	}
	cands := parseReleases(releases)
	e := &evaluation{r: r, ref: ref, describe: describe, now: now, cands: cands, only: only}
	if isRange {
		d, err := e.decideRange(ctx, d)
		if d.Status == StatusUpdate {
			r.setLifecycle(&d, now)
		}
		return d, err
	}
	d, err := e.decideExact(ctx, d)
	if d.Status == StatusUpdate {
		r.setLifecycle(&d, now)
	}
	return d, err
}

type evaluation struct {
	r        *Rules
	ref      chart.Ref
	describe Describer
	now      time.Time
	cands    []candidate // every parseable release, newest first
	// cheap skips describing candidates and the age check (report-only choice).
	cheap bool
	// only, when set, admits the candidates of one bucket.
	only func(candidate) bool
}

// parseReleases keeps the releases whose version Flux can parse, sorted
// newest first (equal precedence: later Created first, then by string).
func parseReleases(releases []chart.Release) []candidate {
	var out []candidate
	for _, rel := range releases {
		v, err := versioning.Parse(rel.Version)
		if err != nil {
			continue
		}
		out = append(out, candidate{rel: rel, v: v})
	}
	slices.SortStableFunc(out, func(a, b candidate) int {
		if c := b.v.Compare(a.v); c != 0 {
			return c
		}
		if c := b.rel.Created.Compare(a.rel.Created); c != 0 {
			return c
		}
		return cmp.Compare(b.rel.Version, a.rel.Version)
	})
	return out
}

// newestNote says when the chart's newest release is deprecated, which
// marks the whole chart deprecated (Helm).
func (e *evaluation) deprecatedNote() string {
	for _, c := range e.cands {
		if c.rel.NotChart {
			continue
		}
		if c.rel.Deprecated {
			return "chart deprecated: newest release " + c.rel.Version + " is marked deprecated"
		}
		return ""
	}
	return ""
}

// verdict is the outcome of checking one candidate.
type verdict struct {
	ok     bool
	held   bool
	reason string // why not, when !ok
	rel    chart.Release
}

// check runs a candidate through the policy for its update type; it may
// describe it. curPre tells whether the current version is a pre-release.
func (e *evaluation) check(ctx context.Context, c candidate, t chart.UpdateType, curPre bool) (verdict, error) {
	res, _ := e.r.effective(e.ref, t)
	s := res.s
	v := c.rel.Version
	if isTrue(s.Ignore) {
		return verdict{reason: fmt.Sprintf("%s %s update ignored (%s)", v, t, res.why("ignore"))}, nil
	}
	if isTrue(s.Pin) {
		return verdict{reason: fmt.Sprintf("%s %s update pinned (%s)", v, t, res.why("pin"))}, nil
	}
	if !slices.Contains(typesOrAll(s.UpdateTypes), t) {
		return verdict{reason: fmt.Sprintf("%s is a %s update, allowed: %s (%s)", v, t, typesString(s.UpdateTypes), res.why("updateTypes"))}, nil
	}
	pre := c.v.Prerelease() != ""
	if pre {
		allowed := curPre
		if s.Prerelease != nil {
			allowed = *s.Prerelease
		}
		if !allowed {
			why := "current is not a pre-release"
			if s.Prerelease != nil {
				why = res.why("prerelease")
			}
			return verdict{reason: fmt.Sprintf("%s is a pre-release (%s)", v, why)}, nil
		}
	}
	for i, pc := range constraints(s, pre) {
		if !pc.Check(c.v) {
			return verdict{reason: fmt.Sprintf("%s not in allowedVersions %q (%s)", v, s.AllowedVersions[i], res.why("allowedVersions"))}, nil
		}
	}
	if c.rel.Deprecated {
		return verdict{reason: v + " is deprecated"}, nil
	}
	rel := c.rel
	if e.cheap {
		return verdict{ok: true, rel: rel}, nil
	}
	if !rel.Described && e.describe != nil && e.mustDescribe(s) {
		d, err := e.describe(ctx, rel)
		if err != nil {
			return verdict{}, fmt.Errorf("describe %s: %w", v, err)
		}
		rel = d
	}
	if rel.NotChart {
		return verdict{reason: v + " is not a Helm chart"}, nil
	}
	if rel.Deprecated {
		return verdict{reason: v + " is deprecated"}, nil
	}
	if s.MinimumReleaseAge != nil && *s.MinimumReleaseAge > 0 {
		min := *s.MinimumReleaseAge
		if rel.Created.IsZero() {
			if ageUnknown(s.ReleaseAgeUnknown) == AgeUnknownHold {
				return verdict{held: true, reason: fmt.Sprintf("%s held: no release date, minimum age %s (%s)", v, FormatAge(min), res.why("releaseAgeUnknown"))}, nil
			}
		} else if age := e.now.Sub(rel.Created); age < min {
			return verdict{held: true, reason: fmt.Sprintf("%s held: released %s ago, minimum age %s (%s)", v, FormatAge(age), FormatAge(min), res.why("minimumReleaseAge"))}, nil
		}
	}
	return verdict{ok: true, rel: rel}, nil
}

// mustDescribe says whether a candidate checked under s is described:
// always, unless lazily (Rules.WithLazyDescribe) in a lower bucket's
// evaluation where neither its age nor its digest matters.
func (e *evaluation) mustDescribe(s Settings) bool {
	return !e.r.lazy || e.only == nil || e.ref.Digest != "" ||
		(s.MinimumReleaseAge != nil && *s.MinimumReleaseAge > 0)
}

// choose walks candidates newer than cur, newest first, and returns the
// first one the policy accepts, with the reasons newer ones were passed over.
func (e *evaluation) choose(ctx context.Context, cur *semver.Version, curPre bool, newer func(candidate) bool) (best *candidate, typ chart.UpdateType, passed []string, held bool, err error) {
	for _, c := range e.cands {
		if !newer(c) {
			continue
		}
		if c.rel.NotChart {
			passed = append(passed, c.rel.Version+" is not a Helm chart")
			continue
		}
		t := versioning.Classify(cur, c.v)
		vd, err := e.check(ctx, c, t, curPre)
		if err != nil {
			return nil, t, passed, held, err
		}
		if vd.ok {
			c.rel = vd.rel
			return &c, t, passed, held, nil
		}
		held = held || vd.held
		passed = append(passed, vd.reason)
	}
	return nil, "", passed, held, nil
}

func (e *evaluation) fail(d Decision, err error) (Decision, error) {
	d.Status = StatusFailed
	d.Reason = "failed: " + err.Error()
	return d, fmt.Errorf("decide %s %s: %w", e.ref.Chart, e.ref.Version, err)
}

// newValue is what to write for rel: its tag as published for tag fields,
// its version otherwise.
func (e *evaluation) newValue(rel chart.Release) string {
	if e.ref.Field == chart.FieldTag {
		if rel.Tag != "" {
			return rel.Tag
		}
		return versioning.ToTag(rel.Version)
	}
	return rel.Version
}

func (e *evaluation) findCurrent() *chart.Release {
	for _, c := range e.cands {
		if c.rel.Version == e.ref.Version || (c.rel.Tag != "" && c.rel.Tag == e.ref.Version) {
			rel := c.rel
			return &rel
		}
	}
	for _, c := range e.cands {
		if versioning.SameVersion(e.ref.Version, c.rel.Version) {
			rel := c.rel
			return &rel
		}
	}
	return nil
}

func (e *evaluation) decideExact(ctx context.Context, d Decision) (Decision, error) {
	written := e.ref.Version
	if e.ref.Field == chart.FieldTag {
		// An OCI tag writes "+" as "_"; the scanner admits "_" only with
		// the Helm layer media type, where Flux maps it back.
		written = versioning.FromTag(written)
	}
	cur, err := versioning.Parse(written)
	if err != nil {
		return e.fail(d, err)
	}
	curPre := cur.Prerelease() != ""
	from := e.findCurrent()
	d.From = from
	var notes []string
	if from == nil {
		notes = append(notes, "current "+e.ref.Version+" not found in the source")
	}
	if n := e.deprecatedNote(); n != "" {
		notes = append(notes, n)
	}
	best, typ, passed, held, err := e.choose(ctx, cur, curPre, func(c candidate) bool {
		return c.v.GreaterThan(cur) && (e.only == nil || e.only(c))
	})
	if err != nil {
		return e.fail(d, err)
	}
	if best != nil {
		d.Status = StatusUpdate
		d.To = &best.rel
		d.Type = typ
		d.NewValue = e.newValue(best.rel)
		if e.ref.Digest != "" {
			d.NewDigest = best.rel.Digest
		}
		e.describeFrom(ctx, &d)
		d.Bucket = bucketOf(cur, best.v, d.Effective)
		d.Reason = join(fmt.Sprintf("%s update %s → %s", typ, e.ref.Version, d.NewValue), passedNote(passed), notes)
		return d, nil
	}
	// No newer version: a re-pushed tag is a digest update.
	if e.ref.Digest != "" && from != nil {
		cd, err := e.digestUpdate(ctx, &d, cur, curPre)
		if err != nil {
			return e.fail(d, err)
		}
		if cd != "" {
			passed = append(passed, cd)
			held = held || strings.Contains(cd, " held:")
		}
		if d.Status == StatusUpdate {
			d.Reason = join(fmt.Sprintf("digest update %s %s → %s", e.ref.Version, short(e.ref.Digest), short(d.NewDigest)), passedNote(passed), notes)
			return d, nil
		}
	}
	switch {
	case held:
		d.Status = StatusHeld
		d.Reason = join(passed[0], passedNote(passed[1:]), notes)
	case len(passed) > 0:
		d.Status = StatusUpToDate
		d.Reason = join(e.ref.Version+" is the newest allowed", passedNote(passed), notes)
	default:
		d.Status = StatusUpToDate
		d.Reason = join(e.ref.Version+" is the newest", "", notes)
	}
	if d.Status == StatusUpToDate && e.deprecatedNote() != "" {
		d.Status = StatusDeprecated
	}
	return d, nil
}

// digestUpdate describes the current release and, when its digest differs
// from the pinned one and the policy allows digest updates, turns d into a
// digest update. It returns why a digest change was passed over, if it was.
func (e *evaluation) digestUpdate(ctx context.Context, d *Decision, cur *semver.Version, curPre bool) (string, error) {
	rel := *d.From
	if (!rel.Described || rel.Digest == "") && e.describe != nil {
		got, err := e.describe(ctx, rel)
		if err != nil {
			return "", fmt.Errorf("describe current %s: %w", rel.Version, err)
		}
		rel = got
	}
	d.From = &rel
	if rel.Digest == "" || rel.Digest == e.ref.Digest {
		return "", nil
	}
	rel.Described = true // already described: check must not describe again
	vd, err := e.check(ctx, candidate{rel: rel, v: cur}, chart.UpdateDigest, curPre)
	if err != nil {
		return "", err
	}
	if !vd.ok {
		return "new digest " + short(rel.Digest) + ": " + vd.reason, nil
	}
	d.Status = StatusUpdate
	d.Type = chart.UpdateDigest
	d.To = &rel
	d.NewValue = e.ref.Version
	d.NewDigest = rel.Digest
	return "", nil
}

// describeFrom fills in From for its appVersion; failing to describe the
// current release is not fatal.
func (e *evaluation) describeFrom(ctx context.Context, d *Decision) {
	if d.From == nil || d.From.Described || e.describe == nil || e.r.lazy {
		return
	}
	if rel, err := e.describe(ctx, *d.From); err == nil {
		d.From = &rel
	}
}
