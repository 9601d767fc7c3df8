package policy

import (
	"fmt"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/versioning"
)

// The Check functions are the one home of the rules for a setting's value.
// Compile uses them, and so does the config loader, which adds the file's
// line to each error.

// CheckUpdateType reports an unknown update type.
func CheckUpdateType(t chart.UpdateType) error {
	if !ValidUpdateType(t) {
		return fmt.Errorf("unknown update type %q (major, minor, patch or digest)", t)
	}
	return nil
}

// CheckAllowedVersions reports a constraint Masterminds semver cannot parse.
func CheckAllowedVersions(c string) error {
	_, err := versioning.ParseConstraint(c)
	return err
}

// CheckAgeUnknown reports an unknown releaseAgeUnknown value.
func CheckAgeUnknown(a AgeUnknown) error {
	switch a {
	case "", AgeUnknownHold, AgeUnknownAllow:
		return nil
	}
	return fmt.Errorf("unknown value %q (allow or hold)", a)
}

// CheckGroupBy reports an unknown groupBy value.
func CheckGroupBy(s string) error {
	switch s {
	case "", GroupByNamespace:
		return nil
	}
	return fmt.Errorf("unknown value %q (namespace)", s)
}

// CheckRangeStrategy reports an unknown rangeStrategy value.
func CheckRangeStrategy(s RangeStrategy) error {
	switch s {
	case "", RangeKeep, RangeWiden, RangeReplace:
		return nil
	}
	return fmt.Errorf("unknown value %q (keep, widen or replace)", s)
}
