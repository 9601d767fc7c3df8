package config

import (
	"strings"
	"testing"
	"time"
)

func TestParse_LifecycleKeys(t *testing.T) {
	t.Parallel()
	src := `version: 1
timezone: Mars/Olympus
pullRequests:
  rebaseWhen: sometimes
dashboard:
  title: "` + strings.Repeat("x", 300) + `"
rules:
  - match: {updateTypes: [patch]}
    automerge: true
    automergeStrategy: fast-forward
    automergeType: bot
    schedule: ["before 6am on monday", "* 22-23 * * *"]
    reviewers: ["-nope", "org/team"]
    assignees: ["org/team"]
`
	_, err := Parse("bosun.yaml", []byte(src))
	if err == nil {
		t.Fatal("Parse accepted invalid lifecycle keys")
	}
	for _, want := range []string{
		`bosun.yaml:2: timezone: unknown time zone "Mars/Olympus"`,
		`bosun.yaml:4: pullRequests.rebaseWhen: unknown value "sometimes"`,
		`bosun.yaml:6: dashboard.title: must be 1 to 256 characters`,
		`bosun.yaml:10: rules[0].automergeStrategy: unknown value "fast-forward"`,
		`bosun.yaml:11: rules[0].automergeType: unknown value "bot"`,
		`rules[0].schedule[0]: schedule "before 6am on monday"`,
		`rules[0].reviewers[0]: invalid reviewer "-nope"`,
		`rules[0].assignees[0]: invalid assignee "org/team"`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "schedule[1]") {
		t.Errorf("a valid cron expression was rejected:\n%v", err)
	}
}

func TestParse_LifecycleToPolicy(t *testing.T) {
	t.Parallel()
	c, err := Parse("bosun.yaml", []byte(`version: 1
timezone: UTC
defaults:
  separateMinorPatch: true
rules:
  - match: {updateTypes: [patch]}
    automerge: true
    schedule: ["* 1-5 * * *"]
    reviewers: [alice]
`))
	if err != nil {
		t.Fatal(err)
	}
	o := c.PolicyOptions()
	if o.Timezone != time.UTC {
		t.Errorf("timezone = %v", o.Timezone)
	}
	if o.Defaults.SeparateMinorPatch == nil || !*o.Defaults.SeparateMinorPatch {
		t.Error("separateMinorPatch lost")
	}
	l := o.Rules[0].Settings.Lifecycle
	if l.Automerge == nil || !*l.Automerge || len(l.Schedule) != 1 || l.Reviewers[0] != "alice" {
		t.Errorf("rule lifecycle = %+v", l)
	}
	if *c.Dashboard.Enabled != true || c.Dashboard.Title != "bosun dashboard" || c.PullRequests.RebaseWhen != "auto" {
		t.Errorf("defaults: dashboard %+v, rebaseWhen %q", c.Dashboard, c.PullRequests.RebaseWhen)
	}
}
