package policy

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Buckets. With separateMajor (the default) a reference gets the newest
// allowed non-major update and the newest allowed major update, each its own
// pull request, as Renovate does; separateMinorPatch splits the non-major
// bucket into minor and patch; separateMultipleMajor gives every newer major
// its own bucket, named v<N>.
const (
	BucketNonMajor = "non-major"
	BucketMajor    = "major"
	BucketMinor    = "minor"
	BucketPatch    = "patch"
)

// bucketOf names the bucket of moving from cur to v under s.
func bucketOf(cur, v *semver.Version, s Settings) string {
	if !separateMajor(s.SeparateMajor) {
		return ""
	}
	if v.Major() != cur.Major() {
		if isTrue(s.SeparateMultipleMajor) {
			return fmt.Sprintf("v%d", v.Major())
		}
		return BucketMajor
	}
	if isTrue(s.SeparateMinorPatch) {
		if v.Minor() != cur.Minor() {
			return BucketMinor
		}
		return BucketPatch
	}
	return BucketNonMajor
}

// DecideBuckets decides ref once per bucket: the first decision is Decide's
// (the newest allowed release, in the highest bucket that has one), followed
// by one update for each lower bucket with an allowed release of its own,
// highest bucket first. A reference that is not updated, is a range, or
// whose updates are not separated gets Decide's one decision.
func (r *Rules) DecideBuckets(ctx context.Context, ref chart.Ref, releases []chart.Release, describe Describer, now time.Time) ([]Decision, error) {
	first, err := r.Decide(ctx, ref, releases, describe, now)
	if err != nil || first.Status != StatusUpdate || first.Type == chart.UpdateDigest || first.Bucket == "" {
		return []Decision{first}, err
	}
	cur, err := versioning.Parse(currentWritten(ref))
	if err != nil {
		return []Decision{first}, nil
	}
	// Decide resolved the same type-agnostic settings of ref: its buckets
	// are cut by them.
	s := first.Effective
	to, err := versioning.Parse(first.To.Version)
	if err != nil {
		return []Decision{first}, nil
	}
	out := []Decision{first}
	for _, b := range lowerBuckets(parseReleases(releases), cur, to, s) {
		d, err := r.decide(ctx, ref, releases, describe, now, func(c candidate) bool { return bucketOf(cur, c.v, s) == b })
		if err != nil {
			return out, err
		}
		if d.Status == StatusUpdate {
			out = append(out, d)
		}
	}
	return out, nil
}

// lowerBuckets lists the buckets of releases newer than cur but older than
// to, and not to's own bucket, newest first.
func lowerBuckets(cands []candidate, cur, to *semver.Version, s Settings) []string {
	own := bucketOf(cur, to, s)
	var out []string
	for _, c := range cands {
		if !c.v.GreaterThan(cur) || !c.v.LessThan(to) {
			continue
		}
		if b := bucketOf(cur, c.v, s); b != own && !slices.Contains(out, b) {
			out = append(out, b)
		}
	}
	return out
}

// currentWritten is the ref's version as Flux reads it ("_" in an OCI tag
// is "+").
func currentWritten(ref chart.Ref) string {
	if ref.Field == chart.FieldTag {
		return versioning.FromTag(ref.Version)
	}
	return ref.Version
}

// setLifecycle fills in the pull request settings of an update from the
// rules for its type, and whether now is inside their schedules.
func (r *Rules) setLifecycle(d *Decision, now time.Time) {
	res, _ := r.effective(d.Ref, d.Type)
	l := res.s.Lifecycle
	d.Automerge = isTrue(l.Automerge)
	d.AutomergeStrategy = l.AutomergeStrategy
	if d.Automerge && d.AutomergeStrategy == "" {
		d.AutomergeStrategy = MergeSquash
	}
	d.AutomergeType = l.AutomergeType
	if d.Automerge && d.AutomergeType == "" {
		d.AutomergeType = AutomergePR
	}
	d.DashboardApproval = isTrue(l.DashboardApproval)
	d.Reviewers = slices.Clone(l.Reviewers)
	d.Assignees = slices.Clone(l.Assignees)
	d.OutsideSchedule = r.outsideSchedule(res, now)
}
