package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Automerge strategies: how a pull request is merged.
const (
	MergeSquash = "squash" // the default
	MergeMerge  = "merge"
	MergeRebase = "rebase"
)

// Automerge types: who merges.
const (
	// AutomergePR: bosun merges on a later run once the checks are green.
	AutomergePR = "pr"
	// AutomergePlatform: GitHub's native auto-merge, falling back to
	// AutomergePR where the repository does not allow it.
	AutomergePlatform = "platform"
)

// Lifecycle holds the settings that shape a pull request's life rather than
// which version is chosen. Unset fields keep earlier rules' values.
type Lifecycle struct {
	// Automerge merges the pull request when its checks pass.
	Automerge         *bool  `json:"automerge,omitempty"`
	AutomergeStrategy string `json:"automergeStrategy,omitempty"`
	AutomergeType     string `json:"automergeType,omitempty"`
	// Schedule lists cron expressions (five fields); a new pull request is
	// opened only at a minute one of them matches. Empty means any time.
	Schedule []string `json:"schedule,omitempty"`
	// DashboardApproval makes the update wait for a tick on the dashboard.
	DashboardApproval *bool    `json:"dashboardApproval,omitempty"`
	Reviewers         []string `json:"reviewers,omitempty"`
	Assignees         []string `json:"assignees,omitempty"`
}

// nsSchedule is one namespace's schedule and the rule that set it.
type nsSchedule struct {
	crons []string
	why   string
}

func (res *resolved) applyLifecycle(o Lifecycle, set func(string)) {
	d := &res.s
	overridePtr(&d.Automerge, o.Automerge, "automerge", set)
	overrideWord(&d.AutomergeStrategy, o.AutomergeStrategy, "automergeStrategy", set)
	overrideWord(&d.AutomergeType, o.AutomergeType, "automergeType", set)
	if o.Schedule != nil {
		overrideSlice(&d.Schedule, o.Schedule, "schedule", set)
		res.schedules = []nsSchedule{{crons: d.Schedule, why: res.why("schedule")}}
	}
	overridePtr(&d.DashboardApproval, o.DashboardApproval, "dashboardApproval", set)
	overrideSlice(&d.Reviewers, o.Reviewers, "reviewers", set)
	overrideSlice(&d.Assignees, o.Assignees, "assignees", set)
}

// lifecycle merges namespaces' lifecycles: automerge only when every
// namespace automerges, approval when any asks for it, every namespace's
// schedule, and the union of reviewers and assignees.
func (m *merger) lifecycle(p resolved) {
	out, s := &m.out.s, p.s
	if !isTrue(s.Automerge) && isTrue(out.Automerge) {
		out.Automerge = ptr(false)
		m.note("automerge", p)
	}
	if isTrue(s.DashboardApproval) && !isTrue(out.DashboardApproval) {
		out.DashboardApproval = ptr(true)
		m.note("dashboardApproval", p)
	}
	for _, sc := range p.schedules {
		if !slices.ContainsFunc(m.out.schedules, func(x nsSchedule) bool { return slices.Equal(x.crons, sc.crons) }) {
			m.out.schedules = append(m.out.schedules, sc)
			if len(m.out.schedules) > 1 {
				m.note("schedule", p)
			}
		}
	}
	for _, r := range s.Reviewers {
		if !slices.Contains(out.Reviewers, r) {
			out.Reviewers = append(out.Reviewers, r)
		}
	}
	for _, a := range s.Assignees {
		if !slices.Contains(out.Assignees, a) {
			out.Assignees = append(out.Assignees, a)
		}
	}
}

// cronParser reads the five standard fields only. Descriptors are not
// windows: @daily is one minute a day, and @every 1h never matches a
// minute at all.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// CheckSchedule reports a cron expression that cannot be read, or that is
// not five fields with * minutes.
func CheckSchedule(expr string) error {
	trimmed := strings.TrimSpace(expr)
	if strings.HasPrefix(trimmed, "TZ=") || strings.HasPrefix(trimmed, "CRON_TZ=") {
		return fmt.Errorf("schedule %q: set the top-level timezone instead of a TZ= prefix", expr)
	}
	if strings.HasPrefix(trimmed, "@") {
		return fmt.Errorf("schedule %q: descriptors such as @daily or @every are not supported: write five cron fields with * minutes, such as \"* 22-23,0-5 * * *\"", expr)
	}
	if _, err := cronParser.Parse(expr); err != nil {
		return fmt.Errorf("schedule %q: %v (want five cron fields such as \"* 22-23,0-5 * * *\")", expr, err)
	}
	// A schedule is a window that a periodic run falls into, not a moment:
	// a fixed minute would admit almost no run (Renovate has the same rule).
	if f := strings.Fields(expr); len(f) == 5 && f[0] != "*" {
		return fmt.Errorf("schedule %q: the minutes field must be * (a window such as \"* 22-23 * * *\", not a moment)", expr)
	}
	return nil
}

// CheckAutomergeStrategy reports an unknown automergeStrategy value.
func CheckAutomergeStrategy(s string) error {
	switch s {
	case "", MergeSquash, MergeMerge, MergeRebase:
		return nil
	}
	return fmt.Errorf("unknown value %q (merge, squash or rebase)", s)
}

// CheckAutomergeType reports an unknown automergeType value.
func CheckAutomergeType(s string) error {
	switch s {
	case "", AutomergePR, AutomergePlatform:
		return nil
	}
	return fmt.Errorf("unknown value %q (pr or platform)", s)
}

func validateLifecycle(l Lifecycle) []error {
	var errs []error
	for _, e := range l.Schedule {
		if err := CheckSchedule(e); err != nil {
			errs = append(errs, err)
		}
	}
	if err := CheckAutomergeStrategy(l.AutomergeStrategy); err != nil {
		errs = append(errs, fmt.Errorf("automergeStrategy: %w", err))
	}
	if err := CheckAutomergeType(l.AutomergeType); err != nil {
		errs = append(errs, fmt.Errorf("automergeType: %w", err))
	}
	return errs
}

// inSchedule reports whether t, read in loc, is a minute that one of crons
// matches. An empty list admits any time; an unreadable expression admits
// none (Compile rejects it first).
func inSchedule(crons []string, t time.Time, loc *time.Location) bool {
	if len(crons) == 0 {
		return true
	}
	minute := t.In(loc).Truncate(time.Minute)
	for _, e := range crons {
		s, err := cronParser.Parse(e)
		if err != nil {
			continue
		}
		if s.Next(minute.Add(-time.Second)).Equal(minute) {
			return true
		}
	}
	return false
}

// outsideSchedule says why now is outside res's schedules, or "".
func (r *Rules) outsideSchedule(res resolved, now time.Time) string {
	for _, sc := range res.schedules {
		if !inSchedule(sc.crons, now, r.loc) {
			return fmt.Sprintf("outside schedule %s (%s)", strings.Join(sc.crons, " or "), sc.why)
		}
	}
	return ""
}
