package migrate

import (
	"encoding/json"
	"fmt"
	"strings"
)

// write renders the configuration as bosun.yaml text. Every string is
// written double-quoted (JSON strings are valid YAML).
func (c *converter) write(b *strings.Builder) {
	b.WriteString("# bosun configuration migrated from Renovate by `bosun migrate renovate`.\n")
	b.WriteString("# Each rule names the Renovate rule it comes from. Check it with `bosun config validate`.\n")
	b.WriteString("version: 1\n")
	if c.ignore != nil {
		b.WriteString("ignore: " + flow(c.ignore) + "\n")
	}
	if !c.defaults.zero() {
		b.WriteString("defaults:\n")
		c.defaults.write(b, "  ")
	}
	if len(c.rules) > 0 {
		b.WriteString("rules:\n")
	}
	for _, r := range c.rules {
		fmt.Fprintf(b, "  # from %s\n", r.from)
		first := true
		line := func(s string) {
			if first {
				b.WriteString("  - " + s + "\n")
				first = false
				return
			}
			b.WriteString("    " + s + "\n")
		}
		if r.description != "" {
			line("description: " + quote(r.description))
		}
		var match []string
		for _, kv := range []struct {
			k string
			v []string
		}{{"charts", r.charts}, {"sources", r.sources}, {"paths", r.paths}, {"updateTypes", r.updateTypes}} {
			if len(kv.v) > 0 {
				match = append(match, kv.k+": "+flow(kv.v))
			}
		}
		line("match: {" + strings.Join(match, ", ") + "}")
		var sb strings.Builder
		r.settings.write(&sb, "")
		for _, l := range strings.Split(strings.TrimSuffix(sb.String(), "\n"), "\n") {
			line(l)
		}
	}
	if c.prLabels != nil || c.maxOpen != nil || c.maxNew != nil || c.base != "" || c.rebaseWhen != "" {
		b.WriteString("pullRequests:\n")
		if c.maxOpen != nil {
			fmt.Fprintf(b, "  maxOpen: %d\n", *c.maxOpen)
		}
		if c.maxNew != nil {
			fmt.Fprintf(b, "  maxNewPerRun: %d\n", *c.maxNew)
		}
		if c.base != "" {
			b.WriteString("  baseBranch: " + quote(c.base) + "\n")
		}
		if c.prLabels != nil {
			b.WriteString("  labels: " + flow(c.prLabels) + "\n")
		}
		if c.rebaseWhen != "" {
			b.WriteString("  rebaseWhen: " + quote(c.rebaseWhen) + "\n")
		}
	}
	if c.timezone != "" {
		b.WriteString("timezone: " + quote(c.timezone) + "\n")
	}
	if c.dashEnabled != nil || c.dashTitle != "" {
		b.WriteString("dashboard:\n")
		if c.dashEnabled != nil {
			fmt.Fprintf(b, "  enabled: %t\n", *c.dashEnabled)
		}
		if c.dashTitle != "" {
			b.WriteString("  title: " + quote(c.dashTitle) + "\n")
		}
	}
}

func (s settings) write(b *strings.Builder, indent string) {
	if s.ignore != nil {
		fmt.Fprintf(b, "%signore: %t\n", indent, *s.ignore)
	}
	if s.allowedVersions != "" {
		b.WriteString(indent + "allowedVersions: " + quote(s.allowedVersions) + "\n")
	}
	if s.minAge != "" {
		b.WriteString(indent + "minimumReleaseAge: " + quote(s.minAge) + "\n")
	}
	if s.group != "" {
		b.WriteString(indent + "group: " + quote(s.group) + "\n")
	}
	if s.separateMajor != nil {
		fmt.Fprintf(b, "%sseparateMajor: %t\n", indent, *s.separateMajor)
	}
	if s.labels != nil {
		b.WriteString(indent + "labels: " + flow(s.labels) + "\n")
	}
	s.lifecycleSettings.write(b, indent)
}

func (l lifecycleSettings) write(b *strings.Builder, indent string) {
	for _, kv := range []struct {
		k string
		v *bool
	}{{"separateMinorPatch", l.separateMinorPatch}, {"separateMultipleMajor", l.separateMultipleMajor}, {"automerge", l.automerge}} {
		if kv.v != nil {
			fmt.Fprintf(b, "%s%s: %t\n", indent, kv.k, *kv.v)
		}
	}
	if l.automergeStrategy != "" {
		b.WriteString(indent + "automergeStrategy: " + quote(l.automergeStrategy) + "\n")
	}
	if l.automergeType != "" {
		b.WriteString(indent + "automergeType: " + quote(l.automergeType) + "\n")
	}
	if l.schedule != nil {
		b.WriteString(indent + "schedule: " + flow(l.schedule) + "\n")
	}
	if l.dashboardApproval != nil {
		fmt.Fprintf(b, "%sdashboardApproval: %t\n", indent, *l.dashboardApproval)
	}
	if l.reviewers != nil {
		b.WriteString(indent + "reviewers: " + flow(l.reviewers) + "\n")
	}
	if l.assignees != nil {
		b.WriteString(indent + "assignees: " + flow(l.assignees) + "\n")
	}
}

// quote writes s as a JSON string, which YAML reads as a double-quoted scalar.
func quote(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func flow(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = quote(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
