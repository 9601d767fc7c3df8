package migrate

import (
	"fmt"
	"io"
	"strings"
)

// WriteReport writes what was not migrated, the notes and the Renovate
// snippet as text; with prefix "# " it is a block of YAML comments.
func (r *Result) WriteReport(w io.Writer, prefix string) error {
	var b strings.Builder
	line := func(s string) { b.WriteString(strings.TrimRight(prefix+s, " ") + "\n") }
	section := func(title string, list []Item) {
		if len(list) == 0 {
			return
		}
		line(title)
		for _, it := range list {
			line("  " + it.String())
		}
		line("")
	}
	section("Not migrated (no bosun equivalent):", r.Unmapped)
	section("Notes:", r.Notes)
	section("Left with Renovate (not about Helm charts):", r.Kept)
	line("Append to packageRules in the Renovate config, so that bosun updates Helm")
	line("charts and Renovate keeps images (values included), GitHub Actions and Flux:")
	for _, l := range strings.Split(strings.TrimSuffix(string(r.Snippet), "\n"), "\n") {
		line(l)
	}
	_, err := fmt.Fprint(w, b.String())
	return err
}
