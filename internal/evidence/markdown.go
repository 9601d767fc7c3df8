package evidence

import (
	"fmt"
	"strings"
)

// GitHubBodyLimit is the most characters GitHub accepts in a pull request
// body ("body is too long (maximum is 65536 characters)").
const GitHubBodyLimit = 65536

// TrimmedNote ends a rendering that left evidence out to fit its budget.
const TrimmedNote = "_Some evidence was left out to keep this description under GitHub's size limit._\n"

// detail levels of a rendered section, from everything to nothing.
const (
	levelFull      = iota
	levelNoDiff    // values diff left out
	levelNoChanges // changelog left out too
	levelSummary   // heading and risk line only
	levelOmitted   // nothing
)

// Markdown renders one section per update, in order, in at most budget
// bytes (a byte count never undercounts GitHub's character count; 0 means
// GitHubBodyLimit). When everything does not fit, the largest sections lose
// their values diff first, then their changelog, then all but their risk
// line, then disappear, and TrimmedNote says so.
func Markdown(evs []Evidence, budget int) string {
	if budget <= 0 {
		budget = GitHubBodyLimit
	}
	levels := make([]int, len(evs))
	parts := make([]string, len(evs))
	total := 0
	for i, e := range evs {
		parts[i] = e.section(levelFull)
		total += len(parts[i])
	}
	if total <= budget {
		return strings.Join(parts, "")
	}
	room := budget - len(TrimmedNote)
	for total > room {
		big := -1
		for i := range evs {
			if levels[i] < levelOmitted && (big < 0 || len(parts[i]) > len(parts[big])) {
				big = i
			}
		}
		if big < 0 {
			break
		}
		levels[big]++
		total -= len(parts[big])
		parts[big] = evs[big].section(levels[big])
		total += len(parts[big])
	}
	out := strings.Join(parts, "")
	if len(out)+len(TrimmedNote) > budget {
		return clip(TrimmedNote, budget)
	}
	return out + TrimmedNote
}

// Markdown renders the evidence of one update in full.
func (e Evidence) Markdown() string { return e.section(levelFull) }

func (e Evidence) section(level int) string {
	if level >= levelOmitted {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s %s → %s\n\n", code(e.Chart), code(e.From), code(e.To))
	fmt.Fprintf(&b, "**Risk:** %s\n\n", EscapeText(orNone(e.RiskLine())))
	if level >= levelSummary {
		b.WriteString("_Details left out for size._\n\n")
		return b.String()
	}
	e.writeFacts(&b)
	e.writeValues(&b)
	if level < levelNoChanges {
		e.writeChangelog(&b)
	}
	e.writeLinks(&b)
	if level < levelNoDiff {
		e.writeDiff(&b)
	} else if e.ValuesDiff != "" {
		b.WriteString("_Default values diff left out for size._\n\n")
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func (e Evidence) writeFacts(b *strings.Builder) {
	var items []string
	if e.AppFrom != "" || e.AppTo != "" {
		items = append(items, fmt.Sprintf("**appVersion:** %s → %s", code(orDash(e.AppFrom)), code(orDash(e.AppTo))))
	}
	if e.Deprecated {
		items = append(items, "⚠️ **Deprecated:** the chart marks this version deprecated")
	}
	if e.KubeFrom != e.KubeTo {
		items = append(items, fmt.Sprintf("**kubeVersion:** %s → %s", code(orDash(e.KubeFrom)), code(orDash(e.KubeTo))))
	}
	for _, k := range e.Kube {
		name := "the cluster"
		if k.Cluster != "" {
			name = "cluster " + EscapeText(k.Cluster)
		}
		switch {
		case k.Err != "":
			items = append(items, fmt.Sprintf("⚠️ **Kubernetes:** %s", EscapeText(k.Err)))
		case !k.OK:
			items = append(items, fmt.Sprintf("⚠️ **Kubernetes:** kubeVersion %s does not match %s (%s)", code(k.Constraint), name, code(k.Version)))
		}
	}
	if e.CRDs.Changed() {
		items = append(items, "**CRDs:** "+crdSummary(e.CRDs))
		if e.CRDs.Warning != "" {
			items = append(items, "⚠️ **CRD policy:** "+EscapeText(e.CRDs.Warning))
		}
	}
	for _, n := range e.Notes {
		items = append(items, "**Note:** "+EscapeText(n))
	}
	for _, it := range items {
		b.WriteString("- " + it + "\n")
	}
	if len(items) > 0 {
		b.WriteString("\n")
	}
}

func crdSummary(c CRDChange) string {
	var parts []string
	add := func(what string, names []string) {
		if len(names) == 0 {
			return
		}
		cs := make([]string, len(names))
		for i, n := range names {
			cs[i] = code(n)
		}
		parts = append(parts, what+" "+strings.Join(cs, ", "))
	}
	add("added", c.Added)
	add("changed", c.Modified)
	add("removed", c.Removed)
	add("templates changed", c.Templates)
	return strings.Join(parts, "; ")
}

func (e Evidence) writeValues(b *strings.Builder) {
	if len(e.Violations) > 0 {
		fmt.Fprintf(b, "**Values check:** the release's values fail the new values.schema.json (%s):\n\n",
			plural(len(e.Violations), "violation", "violations"))
		for _, v := range e.Violations {
			path := v.Path
			if path == "" {
				path = "/"
			}
			fmt.Fprintf(b, "- %s: %s\n", code(path), EscapeText(v.Message))
		}
		b.WriteString("\n")
	}
	if len(e.RemovedKeys) > 0 {
		cs := make([]string, len(e.RemovedKeys))
		for i, k := range e.RemovedKeys {
			cs[i] = code(k)
		}
		fmt.Fprintf(b, "**Values no longer in the chart:** the release sets %s, which the new default values no longer have (removed or renamed).\n\n",
			strings.Join(cs, ", "))
	}
}

func (e Evidence) writeChangelog(b *strings.Builder) {
	if len(e.Changelog) == 0 {
		return
	}
	b.WriteString("**Changelog**\n\n")
	for _, g := range e.Changelog {
		fmt.Fprintf(b, "- _%s_\n", EscapeText(kindTitle(g.Kind)))
		for _, c := range g.Entries {
			line := EscapeText(c.Description) + " (" + code(c.Version) + ")"
			for _, l := range c.Links {
				line += " " + link(l)
			}
			b.WriteString("  - " + line + "\n")
		}
	}
	if e.ChangelogCapped {
		b.WriteString("- _Older versions left out._\n")
	}
	b.WriteString("\n")
}

func kindTitle(k string) string {
	if k == KindOther {
		return "Other"
	}
	if k == "" {
		return k
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

func (e Evidence) writeLinks(b *strings.Builder) {
	ls := append(append([]Link{}, e.Links...), e.GitHub...)
	if len(ls) == 0 {
		return
	}
	rendered := make([]string, len(ls))
	for i, l := range ls {
		rendered[i] = link(l)
	}
	b.WriteString("**Links:** " + strings.Join(rendered, " · ") + "\n\n")
}

func (e Evidence) writeDiff(b *strings.Builder) {
	if e.ValuesDiff == "" {
		return
	}
	b.WriteString("<details><summary>Default values diff (values.yaml)</summary>\n\n")
	b.WriteString(fenced("diff", e.ValuesDiff))
	if e.DiffTrimmed > 0 {
		fmt.Fprintf(b, "\n_%s of the diff left out._\n", plural(e.DiffTrimmed, "line", "lines"))
	}
	b.WriteString("\n</details>\n\n")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
