package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/glob"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/policy"
	"github.com/bosunhq/bosun/internal/texttemplate"
)

// Built-in defaults.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultConcurrency  = 8
	DefaultMaxIndexSize = "50MiB"
	DefaultMaxChartSize = "10MiB"
	DefaultRetries      = 3
	DefaultMaxOpen      = 10
	DefaultMaxNewPerRun = 5
	DefaultBranchPrefix = "bosun/"
	DefaultLabel        = "dependencies"
)

// kubeVersionRE matches a Kubernetes version as configured: "1.31",
// "v1.31.2".
var kubeVersionRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^v?[0-9]+\.[0-9]+(\.[0-9]+)?$`) })

// DefaultIgnore is the default of the top-level ignore list.
var DefaultIgnore = []string{".archive/**"}

// DefaultDashboardTitle is the dashboard issue's title.
const DefaultDashboardTitle = "bosun dashboard"

func (c *Config) applyDefaults() {
	if c.Ignore == nil {
		c.Ignore = slices.Clone(DefaultIgnore)
	}
	if !c.Lookup.Timeout.IsSet() {
		c.Lookup.Timeout = NewDuration(DefaultTimeout)
	}
	if c.Lookup.Concurrency == 0 {
		c.Lookup.Concurrency = DefaultConcurrency
	}
	if !c.Lookup.MaxIndexSize.IsSet() {
		c.Lookup.MaxIndexSize = NewSize(DefaultMaxIndexSize)
	}
	if !c.Lookup.MaxChartSize.IsSet() {
		c.Lookup.MaxChartSize = NewSize(DefaultMaxChartSize)
	}
	if c.Lookup.Retries == nil {
		c.Lookup.Retries = ptr(DefaultRetries)
	}
	d := &c.Defaults
	if d.UpdateTypes == nil {
		d.UpdateTypes = []string{"major", "minor", "patch", "digest"}
	}
	if d.ReleaseAgeUnknown == "" {
		d.ReleaseAgeUnknown = string(policy.AgeUnknownHold)
	}
	if d.SeparateMajor == nil {
		d.SeparateMajor = ptr(true)
	}
	if d.RangeStrategy == "" {
		d.RangeStrategy = string(policy.RangeKeep)
	}
	pr := &c.PullRequests
	if pr.MaxOpen == nil {
		pr.MaxOpen = ptr(DefaultMaxOpen)
	}
	if pr.MaxNewPerRun == nil {
		pr.MaxNewPerRun = ptr(DefaultMaxNewPerRun)
	}
	if pr.Labels == nil {
		pr.Labels = []string{DefaultLabel}
	}
	if pr.BranchPrefix == "" {
		pr.BranchPrefix = DefaultBranchPrefix
	}
	if pr.RebaseWhen == "" {
		pr.RebaseWhen = RebaseAuto
	}
	if c.Dashboard.Enabled == nil {
		c.Dashboard.Enabled = ptr(true)
	}
	if c.Dashboard.Title == "" {
		c.Dashboard.Title = DefaultDashboardTitle
	}
}

func ptr[T any](v T) *T { return &v }

// Validate reports every problem of the configuration at once (joined),
// each prefixed with the file name and line when known.
func (c *Config) Validate() error {
	var p problems
	c.validate(&p)
	name := c.name
	if name == "" {
		name = "config"
	}
	return p.err(name)
}

// at returns the line of path, or of its nearest parent that has one.
func (c *Config) at(path string) int {
	for path != "" {
		if l, ok := c.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

var (
	groupName  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._/-]*$`) })
	hostPort   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]+)?$`) })
	gitRefSafe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z0-9._/-]+$`) })
	envName    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })
	// GitHub account names (users and organisations): alphanumerics and
	// single hyphens, at most 39 characters; a login may be a bot's
	// ("name[bot]"), a team is org/slug.
	accountRE  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + account + `$`) })
	assigneeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + account + `(\[bot\])?$`) })
	reviewerRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^` + account + `(/[A-Za-z0-9._-]+)?$`) })
)

const account = `[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?`

// ValidOrg reports whether s can name a GitHub organisation.
func ValidOrg(s string) bool { return accountRE().MatchString(s) }

// ValidAssignee reports whether s is a login pullRequests.assignees takes.
func ValidAssignee(s string) bool { return assigneeRE().MatchString(s) }

// ValidReviewer reports whether s is a login or an org/team slug
// pullRequests.reviewers takes.
func ValidReviewer(s string) bool { return reviewerRE().MatchString(s) }

// CheckTimezone checks a time zone name for timezone: an IANA name such as
// "Europe/Berlin", or "UTC". It refuses "" and "Local" (in any case), which
// would make schedules follow whatever machine runs bosun, and names the
// time zone database does not know.
func CheckTimezone(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("empty time zone (an IANA name such as \"Europe/Berlin\")")
	case strings.EqualFold(name, "Local"):
		return fmt.Errorf("time zone %q is the zone of whatever machine runs bosun (name an IANA zone such as \"Europe/Berlin\")", name)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return fmt.Errorf("unknown time zone %q (an IANA name such as \"Europe/Berlin\")", name)
	}
	return nil
}

// RebaseWhen values.
const (
	RebaseAuto       = "auto"
	RebaseBehindBase = "behind-base"
	RebaseConflicted = "conflicted"
	RebaseNever      = "never"
)

func (c *Config) validate(p *problems) {
	add := func(path, format string, args ...any) {
		p.addLine(c.at(path), path+": "+fmt.Sprintf(format, args...))
	}
	switch {
	case c.Version == 0 && c.lines["version"] == 0:
		p.addLine(0, "version: required: add \"version: 1\"")
	case c.Version != 1:
		add("version", "unsupported version %d (this bosun reads version 1)", c.Version)
	}
	for i, g := range c.Ignore {
		if err := glob.Validate(g); err != nil {
			add(fmt.Sprintf("ignore[%d]", i), "%v", err)
		}
	}
	c.validateRegistries(add)
	c.validateLookup(add)
	if v := c.KubernetesVersion; v != "" && !kubeVersionRE().MatchString(v) {
		add("kubernetesVersion", "invalid version %q (want major.minor, e.g. \"1.31\")", v)
	}
	c.validateSettings("defaults", c.Defaults, add)
	for i, r := range c.Rules {
		path := fmt.Sprintf("rules[%d]", i)
		c.validateMatch(path+".match", r.Match, add)
		if r.Settings.isZero() && !c.unknownIn[path] {
			add(path, "sets nothing: add updateTypes, ignore, pin, allowedVersions, prerelease, minimumReleaseAge, group, labels...")
		}
		c.validateSettings(path, r.Settings, add)
	}
	c.validatePullRequests(add)
}

func (c *Config) validateRegistries(add adder) {
	seen := map[string]int{}
	for i, r := range c.Registries {
		path := fmt.Sprintf("registries[%d]", i)
		switch {
		case r.Host == "":
			add(path+".host", "required")
		case strings.Contains(r.Host, "://"):
			u, err := url.Parse(r.Host)
			if err != nil || u.Host == "" || !slices.Contains([]string{"http", "https", "oci"}, u.Scheme) {
				add(path+".host", "invalid URL prefix %q (want http://, https:// or oci://host/path)", httpx.RedactURL(r.Host))
			} else if u.User != nil {
				add(path+".host", "must not contain credentials")
			}
		case !hostPort().MatchString(r.Host):
			add(path+".host", "invalid host %q (want host[:port] or a URL prefix)", r.Host)
		}
		if j, dup := seen[r.Host]; dup && r.Host != "" {
			add(path+".host", "duplicate of registries[%d]", j)
		}
		seen[r.Host] = i
		if r.Mirror != "" {
			u, err := url.Parse(r.Mirror)
			switch {
			case err != nil || u.Host == "" || !slices.Contains([]string{"http", "https", "oci"}, u.Scheme):
				add(path+".mirror", "invalid URL %q (want http://, https:// or oci://)", httpx.RedactURL(r.Mirror))
			case u.User != nil:
				add(path+".mirror", "must not contain credentials (set username and passwordEnv, or use a docker config)")
			}
		}
		if r.Concurrency < 0 {
			add(path+".concurrency", "must not be negative")
		}
		switch {
		case (r.Username == "") != (r.PasswordEnv == ""):
			add(path+".passwordEnv", "set username and passwordEnv together")
		case r.PasswordEnv != "" && !envName().MatchString(r.PasswordEnv):
			add(path+".passwordEnv", "must name an environment variable (letters, digits, _), not hold the password")
		}
	}
}

func (c *Config) validateLookup(add adder) {
	l := c.Lookup
	if l.Timeout.err != nil {
		add("lookup.timeout", "%v", l.Timeout.err)
	} else if l.Timeout.d <= 0 {
		add("lookup.timeout", "must be positive")
	}
	if l.Concurrency < 1 {
		add("lookup.concurrency", "must be at least 1")
	}
	if l.MaxIndexSize.err != nil {
		add("lookup.maxIndexSize", "%v", l.MaxIndexSize.err)
	} else if l.MaxIndexSize.n <= 0 {
		add("lookup.maxIndexSize", "must be positive")
	}
	if l.MaxChartSize.err != nil {
		add("lookup.maxChartSize", "%v", l.MaxChartSize.err)
	} else if l.MaxChartSize.n <= 0 {
		add("lookup.maxChartSize", "must be positive")
	}
	if l.Retries != nil && *l.Retries < 0 {
		add("lookup.retries", "must not be negative")
	}
}

func (c *Config) validatePullRequests(add adder) {
	pr := c.PullRequests
	if pr.MaxOpen != nil && *pr.MaxOpen < 0 {
		add("pullRequests.maxOpen", "must not be negative (0 means no limit)")
	}
	if pr.MaxNewPerRun != nil && *pr.MaxNewPerRun < 0 {
		add("pullRequests.maxNewPerRun", "must not be negative (0 means no limit)")
	}
	if pr.BaseBranch != "" && !gitRefSafe().MatchString(pr.BaseBranch) {
		add("pullRequests.baseBranch", "invalid branch name %q", pr.BaseBranch)
	}
	if !gitRefSafe().MatchString(pr.BranchPrefix) || strings.Contains(pr.BranchPrefix, "..") || strings.HasPrefix(pr.BranchPrefix, "/") {
		add("pullRequests.branchPrefix", "invalid branch prefix %q", pr.BranchPrefix)
	}
	c.validateLabels("pullRequests.labels", pr.Labels, add)
	switch pr.RebaseWhen {
	case RebaseAuto, RebaseBehindBase, RebaseConflicted, RebaseNever:
	default:
		add("pullRequests.rebaseWhen", "unknown value %q (auto, behind-base, conflicted or never)", pr.RebaseWhen)
	}
	if c.Timezone != "" { // unset: UTC
		if err := CheckTimezone(c.Timezone); err != nil {
			add("timezone", "%v", err)
		}
	}
	if c.Dashboard.Title == "" || len(c.Dashboard.Title) > 256 {
		add("dashboard.title", "must be 1 to 256 characters")
	}
	if pr.TitleTemplate != "" {
		if _, err := texttemplate.New("title").Parse(pr.TitleTemplate); err != nil {
			add("pullRequests.titleTemplate", "%v", err)
		}
	}
}

type adder func(path, format string, args ...any)

func (c *Config) validateMatch(path string, m Match, add adder) {
	lists := []struct {
		key   string
		globs []string
	}{{"namespaces", m.Namespaces}, {"charts", m.Charts}, {"sources", m.Sources}, {"paths", m.Paths}, {"kinds", m.Kinds}, {"clusters", m.Clusters}}
	for _, l := range lists {
		for i, g := range l.globs {
			if err := glob.Validate(g); err != nil {
				add(fmt.Sprintf("%s.%s[%d]", path, l.key, i), "%v", err)
			}
		}
	}
	c.validateTypes(path+".updateTypes", m.UpdateTypes, add)
}

func (c *Config) validateTypes(path string, types []string, add adder) {
	for i, t := range types {
		if err := policy.CheckUpdateType(chart.UpdateType(t)); err != nil {
			add(fmt.Sprintf("%s[%d]", path, i), "%v", err)
		}
	}
}

func (c *Config) validateLabels(path string, labels []string, add adder) {
	for i, l := range labels {
		if strings.TrimSpace(l) == "" || len(l) > 50 {
			add(fmt.Sprintf("%s[%d]", path, i), "a label must be 1 to 50 characters")
		}
	}
}

// validateSettings maps policy's checks of each value to the file's keys;
// the rules themselves live in policy.
func (c *Config) validateSettings(path string, s Settings, add adder) {
	check := func(key string, err error) {
		if err != nil {
			add(path+"."+key, "%v", err)
		}
	}
	c.validateTypes(path+".updateTypes", s.UpdateTypes, add)
	if s.AllowedVersions != "" {
		check("allowedVersions", policy.CheckAllowedVersions(s.AllowedVersions))
	}
	if s.MinimumReleaseAge != nil {
		check("minimumReleaseAge", s.MinimumReleaseAge.err)
	}
	check("releaseAgeUnknown", policy.CheckAgeUnknown(policy.AgeUnknown(s.ReleaseAgeUnknown)))
	if s.Group != "" && !groupName().MatchString(s.Group) {
		add(path+".group", "invalid group name %q (letters, digits, '.', '_', '-', '/')", s.Group)
	}
	check("groupBy", policy.CheckGroupBy(s.GroupBy))
	if s.Group != "" && s.GroupBy != "" {
		add(path+".groupBy", "set either group or groupBy, not both")
	}
	check("rangeStrategy", policy.CheckRangeStrategy(policy.RangeStrategy(s.RangeStrategy)))
	c.validateLabels(path+".labels", s.Labels, add)
	for i, e := range s.Schedule {
		if err := policy.CheckSchedule(e); err != nil {
			add(fmt.Sprintf("%s.schedule[%d]", path, i), "%v", err)
		}
	}
	check("automergeStrategy", policy.CheckAutomergeStrategy(s.AutomergeStrategy))
	check("automergeType", policy.CheckAutomergeType(s.AutomergeType))
	for i, r := range s.Reviewers {
		if !ValidReviewer(r) {
			add(fmt.Sprintf("%s.reviewers[%d]", path, i), "invalid reviewer %q (a login, or org/team)", r)
		}
	}
	for i, a := range s.Assignees {
		if !ValidAssignee(a) {
			add(fmt.Sprintf("%s.assignees[%d]", path, i), "invalid assignee %q (a login)", a)
		}
	}
}

func (s Settings) isZero() bool {
	return s.UpdateTypes == nil && s.Ignore == nil && s.Pin == nil && s.AllowedVersions == "" &&
		s.Prerelease == nil && s.MinimumReleaseAge == nil && s.ReleaseAgeUnknown == "" && s.Group == "" &&
		s.GroupBy == "" && s.SeparateMajor == nil && s.Labels == nil && s.RangeStrategy == "" &&
		s.SeparateMinorPatch == nil && s.SeparateMultipleMajor == nil && s.Automerge == nil &&
		s.AutomergeStrategy == "" && s.AutomergeType == "" && s.Schedule == nil && s.DashboardApproval == nil &&
		s.Reviewers == nil && s.Assignees == nil
}
