package evidence

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/Masterminds/semver/v3"
	"gopkg.in/yaml.v3"
	helmchart "helm.sh/helm/v3/pkg/chart"

	"github.com/bosunhq/bosun/internal/chart"
)

// ChangesAnnotation is the chart annotation Artifact Hub reads a version's
// changelog from.
const ChangesAnnotation = "artifacthub.io/changes"

// maxChangesBytes caps one version's changes annotation.
const maxChangesBytes = 64 << 10

// KindOther groups changelog entries written as plain strings (no kind).
const KindOther = "other"

// kindOrder is the order Artifact Hub documents the kinds in; unknown kinds
// follow, then KindOther.
var kindOrder = []string{"added", "changed", "deprecated", "removed", "fixed", "security"}

// ChangeGroup is the changelog entries of one kind, newest version first.
type ChangeGroup struct {
	Kind    string
	Entries []ChangeEntry
}

// ChangeEntry is one line of a version's changelog.
type ChangeEntry struct {
	Version     string
	Description string
	Links       []Link
}

// Link is a labelled URL. Only http(s) URLs are kept.
type Link struct {
	Name string
	URL  string
}

// changelog gathers the changes of every release after From up to To,
// grouped by kind. The bool reports that versions were left out (cap).
func changelog(ctx context.Context, u Update, to *helmchart.Chart, opts Options) ([]ChangeGroup, bool) {
	max := opts.MaxChangelogVersions
	if max <= 0 {
		max = 50
	}
	rels, capped := between(u, max)
	var entries []kindEntry
	for _, r := range rels {
		changes := r.Changes
		if changes == "" && !r.Described && opts.Describer != nil {
			if d, err := opts.Describer.Describe(ctx, u.Source, u.Chart, r); err == nil {
				changes = d.Changes
			}
		}
		if changes == "" && r.Version == u.To.Version && to != nil && to.Metadata != nil {
			changes = to.Metadata.Annotations[ChangesAnnotation]
		}
		entries = append(entries, parseChanges(r.Version, changes)...)
	}
	return groupChanges(entries), capped
}

type versioned struct {
	r chart.Release
	v *semver.Version
}

// between returns the releases in (From, To], newest first, at most max
// (the newest ones). To is always included.
func between(u Update, max int) ([]chart.Release, bool) {
	lo, errLo := semver.NewVersion(u.From.Version)
	hi, errHi := semver.NewVersion(u.To.Version)
	var vs []versioned
	seen := map[string]bool{}
	add := func(r chart.Release, v *semver.Version) {
		if !seen[r.Version] {
			seen[r.Version] = true
			vs = append(vs, versioned{r, v})
		}
	}
	add(u.To, hi)
	if errLo == nil && errHi == nil {
		for _, r := range u.Releases {
			v, err := semver.NewVersion(r.Version)
			if err != nil || !v.GreaterThan(lo) || v.GreaterThan(hi) {
				continue
			}
			add(r, v)
		}
	}
	slices.SortStableFunc(vs, func(a, b versioned) int {
		if a.v == nil || b.v == nil {
			return 0
		}
		return b.v.Compare(a.v)
	})
	capped := len(vs) > max
	if capped {
		vs = vs[:max]
	}
	out := make([]chart.Release, len(vs))
	for i, x := range vs {
		out[i] = x.r
	}
	return out, capped
}

// kindEntry is a parsed changelog line and its kind.
type kindEntry struct {
	kind string
	e    ChangeEntry
}

// parseChanges reads an artifacthub.io/changes value: a YAML list of
// strings, or of {kind, description, links: [{name, url}]}. Anything else,
// or an oversized value, gives nothing.
func parseChanges(version, raw string) []kindEntry {
	if strings.TrimSpace(raw) == "" || len(raw) > maxChangesBytes {
		return nil
	}
	var items []any
	if err := yaml.Unmarshal([]byte(raw), &items); err != nil {
		return nil
	}
	var out []kindEntry
	for _, it := range items {
		switch v := it.(type) {
		case string:
			if s := strings.TrimSpace(v); s != "" {
				out = append(out, kindEntry{KindOther, ChangeEntry{Version: version, Description: s}})
			}
		case map[string]any:
			desc, _ := v["description"].(string)
			kind, _ := v["kind"].(string)
			kind = strings.ToLower(strings.TrimSpace(kind))
			if kind == "" {
				kind = KindOther
			}
			e := ChangeEntry{Version: version, Description: strings.TrimSpace(desc)}
			if links, ok := v["links"].([]any); ok {
				for _, l := range links {
					m, _ := l.(map[string]any)
					name, _ := m["name"].(string)
					u, _ := m["url"].(string)
					if link, ok := newLink(name, u); ok {
						e.Links = append(e.Links, link)
					}
				}
			}
			if e.Description != "" || len(e.Links) > 0 {
				out = append(out, kindEntry{kind, e})
			}
		}
	}
	return out
}

func groupChanges(entries []kindEntry) []ChangeGroup {
	byKind := map[string][]ChangeEntry{}
	for _, ke := range entries {
		byKind[ke.kind] = append(byKind[ke.kind], ke.e)
	}
	rank := func(k string) int {
		if i := slices.Index(kindOrder, k); i >= 0 {
			return i
		}
		if k == KindOther {
			return len(kindOrder) + 1
		}
		return len(kindOrder)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.SortFunc(kinds, func(a, b string) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	out := make([]ChangeGroup, 0, len(kinds))
	for _, k := range kinds {
		out = append(out, ChangeGroup{Kind: k, Entries: byKind[k]})
	}
	return out
}
