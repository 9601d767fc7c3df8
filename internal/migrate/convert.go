package migrate

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/bosunhq/bosun/internal/glob"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Item is one config entry reported by the migration, with where it is.
type Item struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Key    string `json:"key"`
	Reason string `json:"reason"`
}

func (it Item) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", it.File, it.Line, it.Key, it.Reason)
}

// Options tune Convert.
type Options struct {
	// OCICharts are the Renovate docker package names ("ghcr.io/org/charts/app")
	// of the OCI charts found in the repository. The Renovate snippet then
	// disables exactly those, and leaves other OCI artifacts to Renovate.
	OCICharts []string
	// Scanned says OCICharts comes from a scan of the repository (an empty
	// list then means it has no OCI charts).
	Scanned bool
	// Org is the GitHub organisation owning the repository: team reviewers
	// "team:x" become "Org/x". "" lists them as not migrated.
	Org string
}

// Result is a migrated configuration.
type Result struct {
	// Config is the bosun.yaml text.
	Config []byte
	// Unmapped lists chart-related settings bosun cannot express.
	Unmapped []Item
	// Notes lists settings mapped with a difference in meaning, and
	// presets that were not read.
	Notes []Item
	// Kept lists package rules and keys that are not about Helm charts:
	// they stay with Renovate.
	Kept []Item
	// Snippet is the Renovate config that hands Helm charts to bosun.
	Snippet []byte
}

// out is the bosun configuration being built.
type out struct {
	ignore   []string
	defaults settings
	rules    []rule
	prLabels []string
	maxOpen  *int
	maxNew   *int
	base     string
	// top-level settings with one value for the whole config
	timezone          string
	dashEnabled       *bool
	dashTitle         string
	rebaseWhen        string
	platformAutomerge *bool
}

type rule struct {
	from        string // file:line
	description string
	charts      []string
	sources     []string
	paths       []string
	updateTypes []string
	settings
}

type converter struct {
	out
	opts                  Options
	unmapped, notes, kept []Item
	automergeAt           *Item // the last top-level automerge: true
}

// Convert maps the Renovate files (presets first, as Load returns them) to
// a bosun configuration.
func Convert(files []File, opts Options) (*Result, error) {
	if err := CheckOrg(opts.Org); err != nil {
		return nil, err
	}
	c := &converter{opts: opts}
	for _, f := range files {
		c.presets(f)
		c.top(f)
	}
	c.platformDefault()
	var b strings.Builder
	c.write(&b)
	snippet, err := Snippet(opts.OCICharts, opts.Scanned)
	if err != nil {
		return nil, err
	}
	return &Result{Config: []byte(b.String()), Unmapped: c.unmapped, Notes: c.notes, Kept: c.kept, Snippet: snippet}, nil
}

func (c *converter) miss(f File, line int, key, format string, args ...any) {
	c.unmapped = append(c.unmapped, Item{File: f.Name, Line: line, Key: key, Reason: fmt.Sprintf(format, args...)})
}

func (c *converter) note(f File, line int, key, format string, args ...any) {
	c.notes = append(c.notes, Item{File: f.Name, Line: line, Key: key, Reason: fmt.Sprintf(format, args...)})
}

// notCharts are top-level keys that do not concern Helm chart versions.
var notCharts = []string{
	"description", "lockFileMaintenance", "suppressNotifications", "onboarding", "semanticCommits", "semanticCommitType",
	"semanticCommitScope", "commitMessagePrefix", "commitMessageAction", "commitMessageTopic", "commitMessageExtra",
	"commitMessageSuffix", "prBodyTemplate", "prFooter", "github-actions", "pre-commit", "helm-values", "helmv3",
	"dockerfile", "docker-compose", "customManagers", "regexManagers", "customDatasources",
	"configMigration", "vulnerabilityAlerts", "osvVulnerabilityAlerts", "gitAuthor",
	"recreateWhen", "branchPrefix", "enabledManagers", "kubernetes", "argocd", "terraform",
	"mise", "npm", "gomod", "pip_requirements", "ansible", "ansible-galaxy", "nix",
}

func (c *converter) top(f File) {
	for _, m := range f.Root.Keys {
		v := m.Value
		switch m.Key {
		case "packageRules":
			for i, r := range v.Items {
				if r.Kind != Object {
					c.miss(f, r.Line, fmt.Sprintf("packageRules[%d]", i), "not an object")
					continue
				}
				c.packageRule(f, r, i)
			}
		case "$schema", "extends": // presets are read by Load
		case "ignorePaths":
			ss, _ := c.stringsOf(f, m, m.Key)
			for _, g := range ss {
				if err := glob.Validate(g); err != nil {
					c.miss(f, m.Line, m.Key, "%v", err)
					continue
				}
				c.ignore = append(c.ignore, g)
			}
		case "labels", "addLabels":
			ss, err := labels(v)
			if err != nil {
				c.miss(f, m.Line, m.Key, "%v", err)
				continue
			}
			if m.Key == "labels" {
				c.prLabels = nil
			}
			c.prLabels = append(c.prLabels, ss...)
		case "prConcurrentLimit":
			if n := c.limit(f, m); n != nil {
				c.maxOpen = n
			}
		case "prHourlyLimit":
			if n := c.limit(f, m); n != nil {
				c.maxNew = n
				c.note(f, m.Line, m.Key, "mapped to pullRequests.maxNewPerRun: bosun caps new pull requests per run, not per hour")
			}
		case "baseBranches":
			if ss, ok := v.Strings(); ok && len(ss) == 1 {
				c.base = ss[0]
			} else {
				c.miss(f, m.Line, m.Key, "bosun targets one base branch per run")
			}
		case "enabled", "allowedVersions", "minimumReleaseAge", "separateMajorMinor", "groupName", "automerge",
			"automergeType", "automergeStrategy", "ignoreTests", "schedule", "dependencyDashboardApproval",
			"separateMinorPatch", "separateMultipleMajor", "reviewers", "assignees":
			r := &rule{}
			c.setting(f, m, &r.settings, "")
			mergeSettings(&c.defaults, r.settings)
		case "automergeSchedule":
			c.miss(f, m.Line, m.Key, "%s", unsupported[m.Key])
		case "flux":
			c.note(f, m.Line, m.Key, "bosun finds Flux objects in every YAML file: managerFilePatterns is not needed")
		case "hostRules", "registryAliases":
			c.miss(f, m.Line, m.Key, "bosun reads registry credentials from the Docker config and the token; set registries[].mirror for aliases")
		default:
			if c.topLifecycle(f, m) {
				continue
			}
			if slices.Contains(notCharts, m.Key) {
				c.kept = append(c.kept, Item{File: f.Name, Line: m.Line, Key: m.Key, Reason: "not about Helm charts"})
			} else {
				c.miss(f, m.Line, m.Key, "no bosun equivalent")
			}
		}
	}
}

// limit reads a pull request limit; a value that is not one is reported
// and nil returned.
func (c *converter) limit(f File, m Member) *int {
	n, err := wholeNumber(m.Value)
	if err != nil {
		c.miss(f, m.Line, m.Key, "%v", err)
		return nil
	}
	return &n
}

// wholeNumber reads a number from 0 to math.MaxInt32 without a fraction;
// JSON5's NaN and Infinity are refused like any other value out of range.
func wholeNumber(v *Value) (int, error) {
	switch {
	case v.Kind != Number:
		return 0, fmt.Errorf("not a number")
	case math.IsNaN(v.Num) || math.IsInf(v.Num, 0):
		return 0, fmt.Errorf("%v is not a finite number", v.Num)
	case v.Num < 0 || v.Num > math.MaxInt32 || v.Num != math.Trunc(v.Num):
		return 0, fmt.Errorf("%v is not a whole number from 0 to %d", v.Num, math.MaxInt32)
	}
	return int(v.Num), nil
}

// chartManagers are the Renovate managers that extract Helm chart versions
// from what bosun scans: flux (HelmRelease, OCIRepository) and kustomize
// (helmCharts).
var chartManagers = []string{"flux", "kustomize"}

func (c *converter) packageRule(f File, v *Value, i int) {
	key := fmt.Sprintf("packageRules[%d]", i)
	helm, oci := true, true
	if ms, ok := v.Get("matchManagers").Strings(); ok && !slices.ContainsFunc(ms, func(m string) bool { return slices.Contains(chartManagers, m) }) {
		c.kept = append(c.kept, Item{File: f.Name, Line: v.Line, Key: key, Reason: "managers " + strings.Join(ms, ", ") + " are not about Helm charts"})
		return
	}
	if ds, ok := v.Get("matchDatasources").Strings(); ok {
		helm, oci = slices.Contains(ds, "helm"), slices.Contains(ds, "docker")
		if !helm && !oci {
			c.kept = append(c.kept, Item{File: f.Name, Line: v.Line, Key: key, Reason: "datasources " + strings.Join(ds, ", ") + " are not about Helm charts"})
			return
		}
	}
	r := rule{from: fmt.Sprintf("%s:%d", f.Name, v.Line)}
	var nm *names
	for _, m := range v.Keys {
		switch m.Key {
		case "matchManagers", "matchDatasources":
		case "description":
			if ss, ok := m.Value.Strings(); ok {
				r.description = strings.Join(ss, " ")
			}
		case "matchPackageNames", "matchDepNames", "matchPackagePatterns", "matchDepPatterns":
			ss, ok := m.Value.Strings()
			var n names
			var err error
			if !ok {
				err = fmt.Errorf("not a list of strings")
			} else {
				n, err = convertNames(ss, strings.HasSuffix(m.Key, "Patterns"))
			}
			if err != nil {
				c.miss(f, m.Line, m.Key, "%v; the rule is left out", err)
				return
			}
			if nm == nil {
				nm = &names{}
			}
			nm.charts = append(nm.charts, n.charts...)
			nm.oci = append(nm.oci, n.oci...)
		case "matchFileNames", "matchPaths":
			ss, ok := m.Value.Strings()
			if !ok {
				c.miss(f, m.Line, m.Key, "not a list of strings; the rule is left out")
				return
			}
			for _, g := range ss {
				if err := glob.Validate(g); err != nil {
					c.miss(f, m.Line, m.Key, "%v; the rule is left out", err)
					return
				}
			}
			r.paths = append(r.paths, ss...)
		case "matchUpdateTypes":
			ss, _ := m.Value.Strings()
			for _, t := range ss {
				if slices.Contains([]string{"major", "minor", "patch", "digest"}, t) {
					r.updateTypes = append(r.updateTypes, t)
				}
			}
			if len(r.updateTypes) == 0 {
				c.kept = append(c.kept, Item{File: f.Name, Line: v.Line, Key: key, Reason: "update types " + strings.Join(ss, ", ") + " are not chart version updates"})
				return
			}
		default:
			if strings.HasPrefix(m.Key, "match") || strings.HasPrefix(m.Key, "exclude") {
				c.miss(f, m.Line, m.Key, "no bosun match equivalent; the rule is left out")
				return
			}
			c.setting(f, m, &r.settings, key)
		}
	}
	if r.settings.zero() {
		c.miss(f, v.Line, key, "nothing bosun can set is left in this rule; it is left out")
		return
	}
	c.emit(r, nm, helm, oci)
}

// emit adds r once per kind of source its name matchers map to.
func (c *converter) emit(r rule, nm *names, helm, oci bool) {
	httpSources := []string{"http://**", "https://**"}
	switch {
	case nm == nil && helm && !oci:
		r.sources = httpSources
	case nm == nil && oci && !helm:
		r.sources = []string{"oci://**"}
	case nm != nil:
		added := false
		if helm && len(nm.charts) > 0 {
			h := r
			h.charts = nm.charts
			// Renovate's helm datasource covers HTTP Helm repositories
			// only (OCI charts are docker dependencies): a helm-only rule,
			// or the helm half of a rule that also has an OCI half, keeps
			// to them.
			if !oci || len(nm.oci) > 0 {
				h.sources = httpSources
			}
			c.rules = append(c.rules, h)
			added = true
		}
		if oci && len(nm.oci) > 0 {
			o := r
			o.sources = nm.oci
			c.rules = append(c.rules, o)
			added = true
		}
		if !added {
			c.unmapped = append(c.unmapped, Item{File: strings.SplitN(r.from, ":", 2)[0], Line: lineOf(r.from), Key: "matchPackageNames",
				Reason: "the names match no chart of the rule's datasources; the rule is left out"})
		}
		return
	}
	c.rules = append(c.rules, r)
}

func lineOf(from string) int {
	_, l, _ := strings.Cut(from, ":")
	n, _ := strconv.Atoi(l)
	return n
}

var unsupported = map[string]string{
	"automergeSchedule":  "bosun merges whenever the checks pass: it has no separate automerge schedule",
	"timezone":           "bosun reads every schedule in the one top-level timezone",
	"rebaseWhen":         "bosun sets rebaseWhen for every pull request (pullRequests.rebaseWhen)",
	"minimumGroupSize":   "bosun opens a group's pull request for any number of updates",
	"group":              "bosun's commit and title come from pullRequests.titleTemplate",
	"prConcurrentLimit":  "bosun limits open pull requests only globally (pullRequests.maxOpen)",
	"prHourlyLimit":      "bosun limits new pull requests only globally (pullRequests.maxNewPerRun)",
	"prPriority":         "no bosun equivalent",
	"versioning":         "bosun compares chart versions as Flux does (semver)",
	"rangeStrategy":      "Renovate's values differ from bosun's rangeStrategy (keep, widen, replace)",
	"commitMessageTopic": "bosun's titles come from pullRequests.titleTemplate",
	"commitMessageExtra": "bosun's titles come from pullRequests.titleTemplate",
}

var slugRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[^a-z0-9._/-]+`) })

// setting maps one package rule setting into s.
func (c *converter) setting(f File, m Member, s *settings, rule string) {
	v := m.Value
	key := m.Key
	if rule != "" {
		key = rule + "." + m.Key
	}
	switch m.Key {
	case "enabled":
		if v.Kind == Bool {
			ig := !v.Bool
			s.ignore = &ig
			return
		}
	case "allowedVersions":
		if v.Kind == String {
			if strings.HasPrefix(v.Str, "/") {
				c.miss(f, m.Line, key, "a regular expression: bosun takes a version constraint such as \"<2.0.0\"")
				return
			}
			if _, err := versioning.ParseConstraint(v.Str); err != nil {
				c.miss(f, m.Line, key, "%v", err)
				return
			}
			s.allowedVersions = v.Str
			return
		}
	case "groupName", "groupSlug":
		if v.Kind == String {
			g := strings.Trim(slugRE().ReplaceAllString(strings.ToLower(v.Str), "-"), "-./_")
			if g == "" {
				c.miss(f, m.Line, key, "%q has no letters or digits for a group name", v.Str)
				return
			}
			if m.Key == "groupSlug" || s.group == "" {
				s.group = g
			}
			return
		}
	case "minimumReleaseAge", "stabilityDays":
		d, err := renovateDuration(v)
		if err != nil {
			c.miss(f, m.Line, key, "%v", err)
			return
		}
		s.minAge = d
		return
	case "separateMajorMinor":
		if v.Kind == Bool {
			b := v.Bool
			s.separateMajor = &b
			return
		}
	case "labels", "addLabels":
		ss, err := labels(v)
		if err != nil {
			c.miss(f, m.Line, key, "%v", err)
			return
		}
		s.labels = append(s.labels, ss...)
		if m.Key == "addLabels" {
			c.note(f, m.Line, key, "mapped to labels: a later bosun rule's labels replace these instead of adding to them")
		}
		return
	default:
		if c.lifecycle(f, m, s, key) {
			return
		}
		if reason, ok := unsupported[m.Key]; ok {
			c.miss(f, m.Line, key, "%s", reason)
		} else {
			c.miss(f, m.Line, key, "no bosun equivalent")
		}
		return
	}
	c.miss(f, m.Line, key, "unexpected value")
}

var ageRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s*(\d+)\s*(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w)\s*$`)
})

// renovateDuration turns "3 days" or "1 minute" (Renovate's ms-style
// strings) or a number of days (stabilityDays) into a bosun duration.
func renovateDuration(v *Value) (string, error) {
	if v.Kind == Number {
		n, err := wholeNumber(v)
		if err != nil {
			return "", fmt.Errorf("days: %w", err)
		}
		return fmt.Sprintf("%dd", n), nil
	}
	if v.Kind != String {
		return "", fmt.Errorf("not a duration")
	}
	m := ageRE().FindStringSubmatch(strings.ToLower(v.Str))
	if m == nil {
		return "", fmt.Errorf("duration %q is not of the form \"3 days\"", v.Str)
	}
	if n, err := strconv.Atoi(m[1]); err != nil || n > math.MaxInt32 {
		return "", fmt.Errorf("duration %q: %s is more than %d", v.Str, m[1], math.MaxInt32)
	}
	return m[1] + string(m[2][0]), nil
}

// labels reads a list of labels; a label holding a Renovate template or
// longer than GitHub's 50 characters is refused.
func labels(v *Value) ([]string, error) {
	ss, ok := v.Strings()
	if !ok {
		return nil, fmt.Errorf("not a list of strings")
	}
	for _, l := range ss {
		switch {
		case strings.TrimSpace(l) == "" || len(l) > 50:
			return nil, fmt.Errorf("label %q: a label is 1 to 50 characters", l)
		case strings.Contains(l, "{{"):
			return nil, fmt.Errorf("label %q: bosun labels are not templates", l)
		}
	}
	return ss, nil
}
