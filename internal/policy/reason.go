package policy

import (
	"fmt"
	"strings"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
)

// The helpers below write the one-line reasons decisions carry.

func passedNote(passed []string) string {
	switch len(passed) {
	case 0:
		return ""
	case 1:
		return "passed over " + passed[0]
	default:
		return fmt.Sprintf("passed over %s (and %d more)", passed[0], len(passed)-1)
	}
}

func join(head, passed string, notes []string) string {
	parts := []string{head}
	if passed != "" {
		parts = append(parts, passed)
	}
	parts = append(parts, notes...)
	return strings.Join(parts, "; ")
}

func short(digest string) string {
	if i := strings.Index(digest, ":"); i >= 0 && len(digest) > i+13 {
		return digest[:i+13]
	}
	return digest
}

func typesString(t []chart.UpdateType) string {
	if t == nil {
		t = AllUpdateTypes
	}
	if len(t) == 0 {
		return "none"
	}
	s := make([]string, len(t))
	for i, x := range t {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// FormatAge prints a duration in the largest whole unit that fits: "3d",
// "12h", "30m", "1w", "36h" (not whole days), "45s".
func FormatAge(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d >= 7*day && d%(7*day) == 0:
		return fmt.Sprintf("%dw", d/(7*day))
	case d >= day && d%day == 0:
		return fmt.Sprintf("%dd", d/day)
	case d >= day:
		return fmt.Sprintf("%dd%dh", d/day, (d%day)/time.Hour)
	case d >= time.Hour:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d >= time.Minute:
		return fmt.Sprintf("%dm", d/time.Minute)
	default:
		return fmt.Sprintf("%ds", d/time.Second)
	}
}
