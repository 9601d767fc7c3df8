package config

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is the whole configuration file. Field comments are the reference;
// config/bosun.schema.json repeats them for editors.
type Config struct {
	// Version of the file format; must be 1.
	Version int `yaml:"version" json:"version"`
	// Ignore lists path globs (doublestar: "**" matches any depth), relative
	// to the repository root, of files never scanned. Default [".archive/**"].
	Ignore []string `yaml:"ignore" json:"ignore"`
	// Registries holds per-host settings, longest match first.
	Registries []Registry `yaml:"registries" json:"registries"`
	// Lookup tunes registry and repository queries.
	Lookup Lookup `yaml:"lookup" json:"lookup"`
	// Defaults is the policy every rule starts from.
	Defaults Settings `yaml:"defaults" json:"defaults"`
	// Rules apply in order; later matching rules override earlier ones field by field.
	Rules []Rule `yaml:"rules" json:"rules"`
	// PullRequests tunes the pull requests bosun opens.
	PullRequests PullRequests `yaml:"pullRequests" json:"pullRequests"`
	// Timezone is the IANA name schedules are read in; "" = UTC.
	Timezone string `yaml:"timezone,omitempty" json:"timezone,omitempty"`
	// Dashboard is the issue that lists what bosun holds back and why.
	Dashboard Dashboard `yaml:"dashboard" json:"dashboard"`
	// KubernetesVersion is the Kubernetes version of the cluster(s) the
	// repository deploys to ("1.31", "v1.31.2"); a chart update whose
	// kubeVersion constraint excludes it is flagged. "" = not checked.
	KubernetesVersion string `yaml:"kubernetesVersion,omitempty" json:"kubernetesVersion,omitempty"`

	name      string          // file name used in messages
	lines     map[string]int  // key path ("rules[2].updateTypes") → line
	unknownIn map[string]bool // paths of mappings holding unknown keys
}

// Registry is the settings of one registry host or URL prefix.
type Registry struct {
	// Host is a host[:port] ("ghcr.io") or a URL prefix ("https://charts.example.com/stable").
	Host string `yaml:"host" json:"host"`
	// Mirror replaces the matched host or prefix by this base URL.
	Mirror string `yaml:"mirror,omitempty" json:"mirror,omitempty"`
	// Insecure allows plain HTTP.
	Insecure bool `yaml:"insecure,omitempty" json:"insecure,omitempty"`
	// Concurrency bounds parallel requests to the host; 0 = lookup.concurrency.
	Concurrency int `yaml:"concurrency,omitempty" json:"concurrency,omitempty"`
	// Username and PasswordEnv log in to a private registry or Helm
	// repository: PasswordEnv names the environment variable holding the
	// password or token, never the secret itself.
	Username    string `yaml:"username,omitempty" json:"username,omitempty"`
	PasswordEnv string `yaml:"passwordEnv,omitempty" json:"passwordEnv,omitempty"`
}

// Lookup tunes the lookup stage.
type Lookup struct {
	// Timeout bounds one source's lookup (every request for it). Default 30s.
	Timeout Duration `yaml:"timeout" json:"timeout"`
	// Concurrency bounds parallel lookups overall. Default 8.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
	// MaxIndexSize caps a Helm index.yaml download. Default 50MiB (Flux's limit).
	MaxIndexSize Size `yaml:"maxIndexSize" json:"maxIndexSize"`
	// Retries is how many times a transient failure (timeout, 429, 5xx) is
	// retried. Default 3; 0 disables retries.
	Retries *int `yaml:"retries" json:"retries"`
	// MaxChartSize caps one chart archive downloaded for a pull request's
	// evidence; a larger one is not downloaded (and reported). Default
	// 10MiB (Flux's limit).
	MaxChartSize Size `yaml:"maxChartSize" json:"maxChartSize"`
}

// Settings is a policy, as in defaults or a rule. Unset fields keep the
// value of earlier rules (or the defaults).
type Settings struct {
	// UpdateTypes allowed: major, minor, patch, digest.
	UpdateTypes []string `yaml:"updateTypes,omitempty" json:"updateTypes,omitempty"`
	// Ignore reports matching refs and never updates them.
	Ignore *bool `yaml:"ignore,omitempty" json:"ignore,omitempty"`
	// Pin never moves matching refs.
	Pin *bool `yaml:"pin,omitempty" json:"pin,omitempty"`
	// AllowedVersions is a Masterminds constraint candidates must satisfy.
	AllowedVersions string `yaml:"allowedVersions,omitempty" json:"allowedVersions,omitempty"`
	// Prerelease allows pre-release candidates; unset = only when the current version is one.
	Prerelease *bool `yaml:"prerelease,omitempty" json:"prerelease,omitempty"`
	// MinimumReleaseAge holds candidates younger than this ("3d", "12h", "1w", "30m").
	MinimumReleaseAge *Duration `yaml:"minimumReleaseAge,omitempty" json:"minimumReleaseAge,omitempty"`
	// ReleaseAgeUnknown is allow or hold (default): what to do when the source gives no date.
	ReleaseAgeUnknown string `yaml:"releaseAgeUnknown,omitempty" json:"releaseAgeUnknown,omitempty"`
	// Group puts matching updates in one pull request of this name.
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
	// GroupBy "namespace" makes one group per namespace.
	GroupBy string `yaml:"groupBy,omitempty" json:"groupBy,omitempty"`
	// SeparateMajor puts major updates in their own pull request (default true).
	SeparateMajor *bool `yaml:"separateMajor,omitempty" json:"separateMajor,omitempty"`
	// Labels are added to the pull request.
	Labels []string `yaml:"labels,omitempty" json:"labels,omitempty"`
	// RangeStrategy is keep (default), widen or replace, for version ranges.
	RangeStrategy string `yaml:"rangeStrategy,omitempty" json:"rangeStrategy,omitempty"`
	// SeparateMinorPatch splits non-major updates into minor and patch pull requests.
	SeparateMinorPatch *bool `yaml:"separateMinorPatch,omitempty" json:"separateMinorPatch,omitempty"`
	// SeparateMultipleMajor gives each newer major its own pull request.
	SeparateMultipleMajor *bool `yaml:"separateMultipleMajor,omitempty" json:"separateMultipleMajor,omitempty"`
	// Automerge merges the pull request once its checks pass.
	Automerge *bool `yaml:"automerge,omitempty" json:"automerge,omitempty"`
	// AutomergeStrategy is squash (default), merge or rebase.
	AutomergeStrategy string `yaml:"automergeStrategy,omitempty" json:"automergeStrategy,omitempty"`
	// AutomergeType is pr (bosun merges on green, default) or platform (GitHub's auto-merge).
	AutomergeType string `yaml:"automergeType,omitempty" json:"automergeType,omitempty"`
	// Schedule lists cron expressions; new pull requests open only when one matches.
	Schedule []string `yaml:"schedule,omitempty" json:"schedule,omitempty"`
	// DashboardApproval makes matching updates wait for a tick on the dashboard.
	DashboardApproval *bool `yaml:"dashboardApproval,omitempty" json:"dashboardApproval,omitempty"`
	// Reviewers are requested on the pull request (users, or org/team).
	Reviewers []string `yaml:"reviewers,omitempty" json:"reviewers,omitempty"`
	// Assignees are assigned to the pull request.
	Assignees []string `yaml:"assignees,omitempty" json:"assignees,omitempty"`
}

// Rule is a match and the settings it applies.
type Rule struct {
	// Description names the rule in reasons and reports.
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	Match       Match  `yaml:"match" json:"match"`
	Settings    `yaml:",inline"`
}

// Match selects refs: AND across keys, OR within a list, all globs.
type Match struct {
	Namespaces  []string `yaml:"namespaces,omitempty" json:"namespaces,omitempty"`
	Charts      []string `yaml:"charts,omitempty" json:"charts,omitempty"`
	Sources     []string `yaml:"sources,omitempty" json:"sources,omitempty"`
	Paths       []string `yaml:"paths,omitempty" json:"paths,omitempty"`
	Kinds       []string `yaml:"kinds,omitempty" json:"kinds,omitempty"`
	Clusters    []string `yaml:"clusters,omitempty" json:"clusters,omitempty"`
	UpdateTypes []string `yaml:"updateTypes,omitempty" json:"updateTypes,omitempty"`
}

// PullRequests tunes pull requests.
type PullRequests struct {
	// MaxOpen caps bosun's open pull requests; 0 = no limit. Default 10.
	MaxOpen *int `yaml:"maxOpen" json:"maxOpen"`
	// MaxNewPerRun caps pull requests opened per run; 0 = no limit. Default 5.
	MaxNewPerRun *int `yaml:"maxNewPerRun" json:"maxNewPerRun"`
	// BaseBranch is the branch pull requests target; "" = the repository default.
	BaseBranch string `yaml:"baseBranch" json:"baseBranch"`
	// Labels are added to every pull request. Default [dependencies].
	Labels []string `yaml:"labels" json:"labels"`
	// TitleTemplate is a Go text/template for titles; "" = the built-in title.
	TitleTemplate string `yaml:"titleTemplate" json:"titleTemplate"`
	// BranchPrefix prefixes branch names. Default "bosun/".
	BranchPrefix string `yaml:"branchPrefix" json:"branchPrefix"`
	// RebaseWhen is auto (default), behind-base, conflicted or never.
	RebaseWhen string `yaml:"rebaseWhen" json:"rebaseWhen"`
}

// Dashboard configures the dashboard issue.
type Dashboard struct {
	// Enabled keeps one dashboard issue up to date. Default true.
	Enabled *bool `yaml:"enabled" json:"enabled"`
	// Title of the issue. Default "bosun dashboard".
	Title string `yaml:"title" json:"title"`
}

// Duration is a length of time written as Go durations plus days and weeks:
// "30m", "12h", "3d", "1w", "1d12h".
type Duration struct {
	raw string
	d   time.Duration
	err error
}

// NewDuration returns a Duration of d.
func NewDuration(d time.Duration) Duration { return Duration{raw: d.String(), d: d} }

// Duration returns the parsed value (0 when invalid).
func (d Duration) Duration() time.Duration { return d.d }

// IsSet reports whether the duration was written or defaulted.
func (d Duration) IsSet() bool { return d.raw != "" }

func (d Duration) String() string { return d.raw }

// UnmarshalYAML records the value; an invalid one is reported by Validate.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a duration must be a string such as \"3d\"", n.Line)}}
	}
	d.raw = n.Value
	d.d, d.err = ParseDuration(n.Value)
	if d.raw == "" {
		d.err = fmt.Errorf("empty duration")
		d.raw = `""`
	}
	return nil
}

// MarshalJSON writes the duration as written.
func (d Duration) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.raw)), nil }

// ParseDuration parses Go durations extended with "d" (24h) and "w" (7d)
// units: "3d", "1w", "1d12h", "90m". Negative values are rejected.
func ParseDuration(s string) (time.Duration, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return 0, fmt.Errorf("empty duration")
	}
	if in == "0" {
		return 0, nil
	}
	var total time.Duration
	rest := in
	for rest != "" {
		i := 0
		for i < len(rest) && (rest[i] >= '0' && rest[i] <= '9' || rest[i] == '.') {
			i++
		}
		j := i
		for j < len(rest) && (rest[j] < '0' || rest[j] > '9') && rest[j] != '.' {
			j++
		}
		if i == 0 || j == i {
			return 0, fmt.Errorf("invalid duration %q (use units w, d, h, m, s such as \"3d\" or \"12h\")", s)
		}
		num, unit := rest[:i], rest[i:j]
		rest = rest[j:]
		var mult time.Duration
		switch unit {
		case "w":
			mult = 7 * 24 * time.Hour
		case "d":
			mult = 24 * time.Hour
		default:
			d, err := time.ParseDuration(num + unit)
			if err != nil {
				return 0, fmt.Errorf("invalid duration %q (use units w, d, h, m, s such as \"3d\" or \"12h\")", s)
			}
			if total, err = addDuration(total, float64(d), s); err != nil {
				return 0, err
			}
			continue
		}
		f, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		if total, err = addDuration(total, f*float64(mult), s); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// addDuration adds ns nanoseconds to total, refusing a sum that a
// time.Duration cannot hold (about 292 years): a conversion past it
// would give a meaningless, even negative, duration.
func addDuration(total time.Duration, ns float64, s string) (time.Duration, error) {
	if ns >= float64(math.MaxInt64-total) {
		return 0, fmt.Errorf("duration %q is too long", s)
	}
	return total + time.Duration(ns), nil
}

// Size is a byte count written as an integer or with a unit: "50MiB",
// "10MB", "512KiB", "1GiB" (B, kB/KB, MB, GB are powers of 1000; KiB, MiB,
// GiB of 1024).
type Size struct {
	raw string
	n   int64
	err error
}

// NewSize returns a Size of n bytes written as raw.
func NewSize(raw string) Size {
	n, err := ParseSize(raw)
	return Size{raw: raw, n: n, err: err}
}

// Bytes returns the parsed value (0 when invalid).
func (s Size) Bytes() int64 { return s.n }

// IsSet reports whether the size was written or defaulted.
func (s Size) IsSet() bool { return s.raw != "" }

func (s Size) String() string { return s.raw }

// UnmarshalYAML records the value; an invalid one is reported by Validate.
func (s *Size) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: a size must be a string such as \"50MiB\"", n.Line)}}
	}
	*s = NewSize(n.Value)
	if s.raw == "" {
		s.raw = `""`
	}
	return nil
}

// MarshalJSON writes the size as written.
func (s Size) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.raw)), nil }

// ParseSize parses a byte count such as "50MiB", "10MB" or "1024".
func ParseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	i := 0
	for i < len(in) && in[i] >= '0' && in[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("invalid size %q (such as \"50MiB\")", s)
	}
	n, err := strconv.ParseInt(in[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("invalid size %q: %w", s, err)
	}
	var mult int64
	switch strings.TrimSpace(in[i:]) {
	case "", "B":
		mult = 1
	case "kB", "KB":
		mult = 1000
	case "MB":
		mult = 1000 * 1000
	case "GB":
		mult = 1000 * 1000 * 1000
	case "KiB":
		mult = 1 << 10
	case "MiB":
		mult = 1 << 20
	case "GiB":
		mult = 1 << 30
	default:
		return 0, fmt.Errorf("invalid size %q (units B, KB, MB, GB, KiB, MiB, GiB)", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("invalid size %q: too large", s)
	}
	return n * mult, nil
}
