package config

import (
	"strings"
	"testing"
)

// TestCheckTimezone: an IANA name or UTC; never the local zone of the
// machine running bosun, nor an empty or unknown name.
func TestCheckTimezone(t *testing.T) {
	t.Parallel()
	for name, ok := range map[string]bool{
		"UTC": true, "Europe/Berlin": true, "America/New_York": true,
		"": false, "Local": false, "local": false, "LOCAL": false, "Mars/Olympus": false, "../etc/passwd": false,
	} {
		if err := CheckTimezone(name); (err == nil) != ok {
			t.Errorf("CheckTimezone(%q) = %v, want ok %v", name, err, ok)
		}
	}
}

// TestParse_TimezoneLocal: timezone: Local would make schedules follow the
// machine running bosun, so validation refuses it.
func TestParse_TimezoneLocal(t *testing.T) {
	t.Parallel()
	_, err := Parse("bosun.yaml", []byte("version: 1\ntimezone: Local\n"))
	if err == nil || !strings.Contains(err.Error(), `bosun.yaml:2: timezone: time zone "Local" is the zone of whatever machine runs bosun`) {
		t.Errorf("Parse(timezone: Local) = %v, want the timezone refused", err)
	}
	if _, err := Parse("bosun.yaml", []byte("version: 1\ntimezone: UTC\n")); err != nil {
		t.Errorf("Parse(timezone: UTC) = %v", err)
	}
}
