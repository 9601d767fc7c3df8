package migrate

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/policy"
)

// lifecycle maps a setting that shapes a pull request's life (automerge,
// schedule, approval, reviewers) into s. It reports whether it knew key.
func (c *converter) lifecycle(f File, m Member, s *settings, key string) bool {
	v := m.Value
	switch m.Key {
	case "automerge":
		b := c.boolOf(f, m, key)
		if b == nil {
			return true
		}
		s.automerge = b
		if *b && key == m.Key {
			c.automergeAt = &Item{File: f.Name, Line: m.Line, Key: key}
		}
	case "automergeType":
		switch v.Str {
		case "pr":
		case "branch":
			c.note(f, m.Line, key, "bosun always opens a pull request and merges it; Renovate merged the branch without one")
		case "pr-comment":
			c.miss(f, m.Line, key, "bosun merges itself or through GitHub's auto-merge: it posts no merge comment")
		default:
			c.miss(f, m.Line, key, "unexpected value")
		}
	case "platformAutomerge":
		if b := c.boolOf(f, m, key); b != nil {
			s.automergeType = automergeType(*b)
		}
	case "automergeStrategy":
		c.mergeStrategy(f, m, s, key)
	case "ignoreTests":
		if v.Kind == Bool && v.Bool {
			c.miss(f, m.Line, key, "bosun merges only once the checks pass")
		} else if v.Kind != Bool {
			c.miss(f, m.Line, key, "unexpected value")
		}
	case "schedule":
		c.schedule(f, m, s, key)
	case "dependencyDashboardApproval":
		if b := c.boolOf(f, m, key); b != nil {
			s.dashboardApproval = b
		}
	case "separateMinorPatch", "separateMultipleMajor":
		b := c.boolOf(f, m, key)
		switch {
		case b == nil:
		case m.Key == "separateMinorPatch":
			s.separateMinorPatch = b
		default:
			s.separateMultipleMajor = b
		}
	case "reviewers", "assignees":
		c.people(f, m, s, key)
	default:
		return false
	}
	return true
}

// boolOf is m's boolean value, or nil after noting under key that m holds
// something else.
func (c *converter) boolOf(f File, m Member, key string) *bool {
	if m.Value.Kind != Bool {
		c.miss(f, m.Line, key, "unexpected value")
		return nil
	}
	b := m.Value.Bool
	return &b
}

// stringsOf is m's list of strings; when m holds something else it notes
// so under key and reports false.
func (c *converter) stringsOf(f File, m Member, key string) ([]string, bool) {
	ss, ok := m.Value.Strings()
	if !ok {
		c.miss(f, m.Line, key, "not a list of strings")
	}
	return ss, ok
}

// automergeType is the bosun automergeType for Renovate's platformAutomerge:
// with it Renovate enables GitHub's auto-merge when it opens the pull request
// and merges itself where the repository does not allow that, which is
// bosun's platform; without it Renovate merges itself on green, bosun's pr.
func automergeType(platform bool) string {
	if platform {
		return policy.AutomergePlatform
	}
	return policy.AutomergePR
}

func (c *converter) mergeStrategy(f File, m Member, s *settings, key string) {
	switch m.Value.Str {
	case "auto":
		s.automergeStrategy = policy.MergeSquash
		c.note(f, m.Line, key, "mapped to squash (bosun's default): Renovate's auto picks squash on GitHub where the repository allows it, else merge or rebase")
	case "squash":
		s.automergeStrategy = policy.MergeSquash
	case "merge-commit":
		s.automergeStrategy = policy.MergeMerge
	case "rebase":
		s.automergeStrategy = policy.MergeRebase
	case "fast-forward":
		c.miss(f, m.Line, key, "bosun merges with GitHub's merge, squash or rebase methods: it has no fast-forward")
	case "rebase-merge":
		c.miss(f, m.Line, key, "rebase-merge exists on Azure DevOps only")
	default:
		c.miss(f, m.Line, key, "unexpected value")
	}
}

// schedule maps Renovate's schedule: cron entries bosun reads the same way,
// and the later.js texts that have an exact cron equivalent. One entry
// that cannot be mapped leaves the whole schedule out: entries are ORed,
// so keeping the others would narrow it.
func (c *converter) schedule(f File, m Member, s *settings, key string) {
	entries, ok := c.stringsOf(f, m, key)
	if !ok {
		return
	}
	crons := []string{}
	anyTime := false
	var bad []string
	for _, e := range entries {
		cr, at, reason := scheduleEntry(e)
		switch {
		case reason != "":
			bad = append(bad, fmt.Sprintf("%q: %s", e, reason))
		case at:
			anyTime = true
		default:
			crons = append(crons, cr)
		}
	}
	switch {
	case anyTime: // "at any time" admits every minute, whatever the other entries say
		s.schedule = []string{}
	case len(bad) > 0:
		c.miss(f, m.Line, key, "%s; the schedule is left out", strings.Join(bad, "; "))
	default:
		s.schedule = crons
	}
}

var cronFieldsRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\S+( \S+){4}$`) })

// scheduleEntry maps one Renovate schedule entry to a bosun cron
// expression; anyTime is "at any time". A non-empty reason says why it
// cannot be mapped.
func scheduleEntry(e string) (cron string, anyTime bool, reason string) {
	e = strings.Join(strings.Fields(e), " ")
	if cronFieldsRE().MatchString(e) && strings.ContainsAny(e[:1], "*0123456789") {
		f := strings.Fields(e)
		if f[0] != "*" {
			return "", false, "the minutes field must be *"
		}
		if f[2] != "*" && f[2] != "?" && f[4] != "*" && f[4] != "?" {
			return "", false, "Renovate requires both day of month and day of week to match, bosun's cron either"
		}
		if err := policy.CheckSchedule(e); err != nil {
			return "", false, err.Error()
		}
		return e, false, ""
	}
	if strings.EqualFold(e, "at any time") {
		return "", true, ""
	}
	if cr, ok := laterCron(strings.ToLower(e)); ok {
		return cr, false, ""
	}
	return "", false, "bosun reads cron only (five fields with * minutes, such as \"* 0-5 * * 1\")"
}

var (
	laterRE = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(before|after) (\d{1,2})(?::00)? ?(am|pm))? ?(every weekend|every weekday|on (sunday|monday|tuesday|wednesday|thursday|friday|saturday))?$`)
	})
	days = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}
)

// laterCron translates the few later.js texts whose meaning is a whole-hour
// window on some weekdays: "before 4am", "after 10pm every weekday",
// "before 6am on monday", "every weekend". Anything else is refused rather
// than approximated.
func laterCron(e string) (string, bool) {
	m := laterRE().FindStringSubmatch(e)
	if m == nil || e == "" {
		return "", false
	}
	hours := "*"
	if m[1] != "" {
		h, _ := strconv.Atoi(m[2])
		if h < 1 || h > 12 {
			return "", false
		}
		h %= 12
		if m[3] == "pm" {
			h += 12
		}
		if h == 0 { // before or after midnight: empty or every time
			return "", false
		}
		hours = hourRange(m[1], h)
	}
	dow := "*"
	switch {
	case m[4] == "every weekend":
		dow = "0,6"
	case m[4] == "every weekday":
		dow = "1-5"
	case m[5] != "":
		for i, d := range days {
			if d == m[5] {
				dow = strconv.Itoa(i)
			}
		}
	}
	if hours == "*" && dow == "*" {
		return "", false
	}
	return "* " + hours + " * * " + dow, true
}

// hourRange is the cron hours before (up to h-1) or after (from h) hour h.
func hourRange(dir string, h int) string {
	lo, hi := 0, h-1
	if dir == "after" {
		lo, hi = h, 23
	}
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// CheckOrg reports an organisation name GitHub would not accept.
func CheckOrg(org string) error {
	if org != "" && !config.ValidOrg(org) {
		return fmt.Errorf("organisation %q is not a GitHub organisation name", org)
	}
	return nil
}

// validPerson reports whether bosun.yaml takes login p among its key
// (reviewers or assignees): config owns the rule. A reviewer written
// org/team is Renovate's "team:" form only.
func validPerson(key, p string) bool {
	if key == "assignees" {
		return config.ValidAssignee(p)
	}
	return !strings.Contains(p, "/") && config.ValidReviewer(p)
}

// people maps reviewers or assignees: GitHub logins as they are, and a
// team reviewer "team:x" as "org/x" when the organisation is known. The
// entries bosun cannot take are listed; the others are kept.
func (c *converter) people(f File, m Member, s *settings, key string) {
	ss, ok := c.stringsOf(f, m, key)
	if !ok {
		return
	}
	out := []string{}
	for _, p := range ss {
		team, isTeam := strings.CutPrefix(p, "team:")
		switch {
		case isTeam && m.Key == "assignees":
			c.miss(f, m.Line, key, "%q: GitHub assigns users, not teams", p)
		case isTeam && c.opts.Org == "":
			c.miss(f, m.Line, key, "%q: the team's organisation is unknown (set --org to write it as org/team)", p)
		case isTeam && !strings.Contains(team, "/") && config.ValidReviewer(c.opts.Org+"/"+team):
			out = append(out, c.opts.Org+"/"+team)
		case !isTeam && validPerson(m.Key, p):
			out = append(out, p)
		default:
			c.miss(f, m.Line, key, "%q is not a GitHub login", p)
		}
	}
	if len(out) == 0 && len(ss) > 0 {
		return
	}
	if m.Key == "reviewers" {
		s.reviewers = out
	} else {
		s.assignees = out
	}
}

// topLifecycle maps the top-level keys that have one value for the whole
// bosun config. It reports whether it knew the key.
func (c *converter) topLifecycle(f File, m Member) bool {
	v := m.Value
	switch m.Key {
	case "timezone":
		c.setTimezone(f, m.Line, m.Key, v.Str)
	case "platformAutomerge":
		if b := c.boolOf(f, m, m.Key); b != nil {
			c.platformAutomerge = b
		}
	case "dependencyDashboard":
		if b := c.boolOf(f, m, m.Key); b != nil {
			c.dashEnabled = b
		}
	case "dependencyDashboardTitle":
		if v.Kind != String || v.Str == "" || len(v.Str) > 256 || strings.Contains(v.Str, "{{") {
			c.miss(f, m.Line, m.Key, "the title must be 1 to 256 characters, without templates")
			return true
		}
		c.dashTitle = v.Str
	case "rebaseWhen":
		switch v.Str {
		case "auto":
			c.rebaseWhen = "auto"
			c.note(f, m.Line, m.Key, "mapped to auto: bosun's auto rebases a pull request that is behind only when the base branch requires up-to-date branches, Renovate's also when it automerges")
		case "never", "conflicted":
			c.rebaseWhen = v.Str
		case "behind-base-branch":
			c.rebaseWhen = "behind-base"
		case "automerging":
			c.miss(f, m.Line, m.Key, "bosun has no automerging: choose behind-base (always) or never (pullRequests.rebaseWhen)")
		default:
			c.miss(f, m.Line, m.Key, "unexpected value")
		}
	default:
		return false
	}
	return true
}

func (c *converter) setTimezone(f File, line int, key, tz string) {
	if err := config.CheckTimezone(tz); err != nil {
		c.miss(f, line, key, "%v", err)
		return
	}
	c.timezone = tz
}

var timezonePreset = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^:timezone\(([^()]+)\)$`) })

// builtinPreset reports whether Convert maps the remote preset p itself.
func builtinPreset(p string) bool { return timezonePreset().MatchString(p) }

// presets maps the built-in presets f extends: ":timezone(Europe/Berlin)".
func (c *converter) presets(f File) {
	ext := f.Root.Get("extends")
	if ext == nil {
		return
	}
	for _, it := range ext.Items {
		if it.Kind == String {
			if m := timezonePreset().FindStringSubmatch(it.Str); m != nil {
				c.setTimezone(f, it.Line, "extends", m[1])
			}
		}
	}
}

// platformDefault sets defaults.automergeType to platform when something
// automerges and the Renovate config leaves platformAutomerge at its
// default (true), and writes an explicit platformAutomerge as it is.
func (c *converter) platformDefault() {
	if c.platformAutomerge != nil {
		c.defaults.automergeType = automergeType(*c.platformAutomerge)
		return
	}
	at := c.automerges()
	if at == nil || c.defaults.automergeType != "" {
		return
	}
	c.defaults.automergeType = policy.AutomergePlatform
	at.Key = "platformAutomerge"
	at.Reason = "not set, so on: this automerge used GitHub's auto-merge, and defaults.automergeType is platform"
	c.notes = append(c.notes, *at)
}

// automerges returns where the defaults or the first migrated rule turn
// automerge on, or nil.
func (c *converter) automerges() *Item {
	if isTrue(c.defaults.automerge) && c.automergeAt != nil {
		return &Item{File: c.automergeAt.File, Line: c.automergeAt.Line, Key: c.automergeAt.Key}
	}
	for _, r := range c.rules {
		if isTrue(r.automerge) {
			file, _, _ := strings.Cut(r.from, ":")
			return &Item{File: file, Line: lineOf(r.from), Key: "automerge"}
		}
	}
	return nil
}

func isTrue(b *bool) bool { return b != nil && *b }
