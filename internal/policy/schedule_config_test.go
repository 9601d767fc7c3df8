package policy_test

import (
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/config"
)

// TestConfigRejectsScheduleDescriptors: bosun.yaml with a descriptor schedule
// does not load; the error names the entry and its line.
func TestConfigRejectsScheduleDescriptors(t *testing.T) {
	t.Parallel()
	src := `version: 1
defaults:
  schedule: ["@daily"]
rules:
  - match: {updateTypes: [patch]}
    schedule:
      - "* 22-23 * * *"
      - "@every 1h"
`
	_, err := config.Parse("bosun.yaml", []byte(src))
	if err == nil {
		t.Fatal("Parse accepted descriptor schedules")
	}
	for _, want := range []string{
		`bosun.yaml:3: defaults.schedule[0]: schedule "@daily": descriptors`,
		`bosun.yaml:8: rules[0].schedule[1]: schedule "@every 1h": descriptors`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "schedule[0]: schedule \"* 22-23") {
		t.Errorf("a valid cron expression was rejected:\n%v", err)
	}
}
