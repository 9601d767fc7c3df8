package config

import (
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/glob"
	"github.com/bosunhq/bosun/internal/policy"
)

// Hosts returns the registries section as datasource host settings.
func (c *Config) Hosts() datasource.Hosts {
	hs := make(datasource.Hosts, 0, len(c.Registries))
	for _, r := range c.Registries {
		hs = append(hs, datasource.Host{Match: r.Host, Mirror: r.Mirror, Insecure: r.Insecure, Concurrency: r.Concurrency})
	}
	return hs
}

// Ignored reports whether a file (relative to the repository root, "/"
// separators) matches the top-level ignore globs.
func (c *Config) Ignored(file string) bool {
	for _, g := range c.Ignore {
		if glob.Match(g, file) {
			return true
		}
	}
	return false
}

// PolicyOptions converts defaults and rules into policy options.
func (c *Config) PolicyOptions() policy.Options {
	o := policy.Options{Defaults: c.Defaults.policy(), Timezone: c.location()}
	for _, r := range c.Rules {
		o.Rules = append(o.Rules, policy.Rule{
			Name: r.Description,
			Match: policy.Match{
				Namespaces:  r.Match.Namespaces,
				Charts:      r.Match.Charts,
				Sources:     r.Match.Sources,
				Paths:       r.Match.Paths,
				Kinds:       r.Match.Kinds,
				Clusters:    r.Match.Clusters,
				UpdateTypes: types(r.Match.UpdateTypes),
			},
			Settings: r.Settings.policy(),
		})
	}
	return o
}

// Policy compiles the policy of a validated configuration.
func (c *Config) Policy() (*policy.Rules, error) { return policy.Compile(c.PolicyOptions()) }

func (s Settings) policy() policy.Settings {
	out := policy.Settings{
		UpdateTypes:       types(s.UpdateTypes),
		Ignore:            s.Ignore,
		Pin:               s.Pin,
		Prerelease:        s.Prerelease,
		ReleaseAgeUnknown: policy.AgeUnknown(s.ReleaseAgeUnknown),
		Group:             s.Group,
		GroupBy:           s.GroupBy,
		SeparateMajor:     s.SeparateMajor,
		Labels:            s.Labels,
		RangeStrategy:     policy.RangeStrategy(s.RangeStrategy),

		SeparateMinorPatch:    s.SeparateMinorPatch,
		SeparateMultipleMajor: s.SeparateMultipleMajor,
		Lifecycle: policy.Lifecycle{
			Automerge:         s.Automerge,
			AutomergeStrategy: s.AutomergeStrategy,
			AutomergeType:     s.AutomergeType,
			Schedule:          s.Schedule,
			DashboardApproval: s.DashboardApproval,
			Reviewers:         s.Reviewers,
			Assignees:         s.Assignees,
		},
	}
	if s.AllowedVersions != "" {
		out.AllowedVersions = []string{s.AllowedVersions}
	}
	if s.MinimumReleaseAge != nil {
		d := time.Duration(s.MinimumReleaseAge.Duration())
		out.MinimumReleaseAge = &d
	}
	return out
}

func types(in []string) []chart.UpdateType {
	if in == nil {
		return nil
	}
	out := make([]chart.UpdateType, len(in))
	for i, t := range in {
		out[i] = chart.UpdateType(t)
	}
	return out
}

// location is the configured timezone; nil (UTC) when unset or unknown
// (Validate reports an unknown one).
func (c *Config) location() *time.Location {
	if c.Timezone == "" {
		return nil
	}
	loc, err := time.LoadLocation(c.Timezone)
	if err != nil {
		return nil
	}
	return loc
}
