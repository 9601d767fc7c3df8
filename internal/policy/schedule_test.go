package policy

import (
	"strings"
	"testing"
	"time"
)

// TestCheckSchedule: a schedule is five cron fields with * minutes;
// descriptors are refused, since @daily is a single minute and @every never
// matches a minute, so a pull request under them would wait forever.
func TestCheckSchedule(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"* 22-23,0-5 * * *", "* * * * 1-5", " * 1 * * * "} {
		if err := CheckSchedule(ok); err != nil {
			t.Errorf("CheckSchedule(%q) = %v, want nil", ok, err)
		}
	}
	for _, bad := range []string{"@daily", "@hourly", "@every 1h", " @weekly", "@midnight"} {
		err := CheckSchedule(bad)
		if err == nil {
			t.Errorf("CheckSchedule(%q) accepted a descriptor", bad)
			continue
		}
		if msg := err.Error(); !strings.Contains(msg, "five cron fields") || !strings.Contains(msg, `"* 22-23,0-5 * * *"`) {
			t.Errorf("CheckSchedule(%q) = %q, want it to name the five-field form", bad, msg)
		}
	}
	for _, bad := range []string{"0 22 * * *", "* * * *", "TZ=UTC * * * * *"} {
		if CheckSchedule(bad) == nil {
			t.Errorf("CheckSchedule(%q) accepted it", bad)
		}
	}
}

// TestInSchedule_NoDescriptors: a descriptor that reached inSchedule
// admits no minute rather than the one it names.
func TestInSchedule_NoDescriptors(t *testing.T) {
	t.Parallel()
	midnight := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	if inSchedule([]string{"@daily"}, midnight, time.UTC) {
		t.Errorf("@daily admitted midnight")
	}
	if !inSchedule([]string{"* 0 * * *"}, midnight, time.UTC) {
		t.Errorf("* 0 * * * did not admit midnight")
	}
}
