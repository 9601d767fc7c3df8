package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/policy"
)

// Update is one version field to change: a policy decision whose Status
// is update. The version as written is Ref.Version, the release moved to is
// To, the exact string to write is NewValue; for references pinning a
// digest, Ref.Digest moves to NewDigest.
type Update = policy.Decision

// Group is one branch and pull request.
type Group struct {
	// Name is the group's slug ("app-template", "rook-ceph", "app-template-major").
	Name   string
	Branch string
	Title  string
	// Named is true for a group named in the policy (as opposed to one chart).
	Named bool
	// Namespace is set for groups made by groupBy: namespace.
	Namespace string
	Type      chart.UpdateType // the largest update type in the group
	Labels    []string
	Updates   []Update
	Hash      string
}

// Options shape branch names and titles.
type Options struct {
	// BranchPrefix defaults to "bosun/".
	BranchPrefix string
}

// Build groups updates deterministically; the result is sorted by branch.
// An update without a release To move to is ignored.
func Build(updates []Update, opts Options) []Group {
	prefix := opts.BranchPrefix
	if prefix == "" {
		prefix = "bosun/"
	}
	type key struct {
		name, chartKey, namespace string
		suffix                    string
	}
	byKey := map[key]*Group{}
	suffixes := map[*Group]string{}
	for _, u := range updates {
		if u.To == nil {
			continue
		}
		var k key
		named := false
		switch {
		case u.Group != "":
			k.name, named = slug(u.Group), true
		case u.GroupBy == "namespace":
			ns := "unknown-namespace"
			if len(u.Ref.Namespaces) > 0 {
				ns = strings.Join(u.Ref.Namespaces, "-")
			}
			k.name, k.namespace, named = slug("namespace-"+ns), ns, true
		default:
			k.name = slug(u.Ref.Chart)
			k.chartKey = u.Ref.Source.URL + " " + u.Ref.Chart
		}
		k.suffix = BucketSuffix(u)
		g := byKey[k]
		if g == nil {
			g = &Group{Name: k.name, Named: named, Namespace: k.namespace}
			byKey[k] = g
			suffixes[g] = k.suffix
		}
		g.Updates = append(g.Updates, u)
	}
	// Two charts of the same name from different sources: disambiguate by
	// host, before the major suffix ("cilium-quay.io-major").
	sources := map[string]map[string]bool{}
	for k := range byKey {
		if k.chartKey != "" {
			if sources[k.name] == nil {
				sources[k.name] = map[string]bool{}
			}
			sources[k.name][k.chartKey] = true
		}
	}
	groups := make([]*Group, 0, len(byKey))
	raw := map[*Group]string{}
	for k, g := range byKey {
		if k.chartKey != "" && len(sources[k.name]) > 1 {
			g.Name += "-" + slug(sourceID(g.Updates[0].Ref))
		}
		g.Name += suffixes[g]
		raw[g] = k.chartKey
		groups = append(groups, g)
	}
	apart(groups, raw)
	out := make([]Group, 0, len(groups))
	for _, g := range groups {
		sortUpdates(g.Updates)
		g.Branch = prefix + g.Name
		g.Type = largestType(g.Updates)
		g.Labels = labels(g)
		g.Title = title(g)
		g.Hash = Hash(g.Updates)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Branch < out[j].Branch })
	return out
}

// apart gives each group a branch of its own where two would share one:
// two sources that differ only in what their redacted form hides
// (credentials, query values) name the same, and so may a group named
// like a chart. In the order of their unredacted keys, the first keeps the
// name and the others get "-2", "-3"…, so that no secret reaches a branch.
func apart(groups []*Group, raw map[*Group]string) {
	byName := map[string][]*Group{}
	for _, g := range groups {
		byName[g.Name] = append(byName[g.Name], g)
	}
	for _, same := range byName {
		if len(same) < 2 {
			continue
		}
		sort.Slice(same, func(i, j int) bool { return raw[same[i]] < raw[same[j]] })
		for i, g := range same[1:] {
			g.Name += fmt.Sprintf("-%d", i+2)
		}
	}
}

// BucketSuffix is what an update's bucket adds to its group's name, so
// that each bucket has a branch of its own that stays stable: "-major",
// "-v<N>" (one per major), "-patch" (patches apart from minors), nothing
// for the non-major or minor bucket, and "-major" for a major update of a
// range when majors are separated.
func BucketSuffix(u Update) string {
	switch {
	case u.Bucket == policy.BucketMajor:
		return "-major"
	case u.Bucket == policy.BucketPatch:
		return "-patch"
	case strings.HasPrefix(u.Bucket, "v"):
		return "-" + u.Bucket
	case u.Bucket == "" && u.Type == chart.UpdateMajor && u.SeparateMajor:
		return "-major"
	}
	return ""
}

func sortUpdates(us []Update) {
	sort.SliceStable(us, func(i, j int) bool {
		a, b := us[i].Ref.Loc, us[j].Ref.Loc
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Start < b.Start
	})
}

var typeRank = map[chart.UpdateType]int{chart.UpdateDigest: 1, chart.UpdatePatch: 2, chart.UpdateMinor: 3, chart.UpdateMajor: 4}

func largestType(us []Update) chart.UpdateType {
	var t chart.UpdateType
	for _, u := range us {
		if typeRank[u.Type] > typeRank[t] {
			t = u.Type
		}
	}
	return t
}

func labels(g *Group) []string {
	set := map[string]bool{"type/" + string(g.Type): true}
	for _, u := range g.Updates {
		for _, l := range u.Labels {
			set[l] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// title follows the conventional-commit style home-ops users already use.
func title(g *Group) string {
	prefix := "feat(helm)"
	switch g.Type {
	case chart.UpdatePatch:
		prefix = "fix(helm)"
	case chart.UpdateDigest:
		prefix = "chore(helm)"
	case chart.UpdateMajor:
		prefix = "feat(helm)!"
	}
	if g.Named {
		if g.Type != chart.UpdateMajor {
			prefix = "chore(helm)"
		}
		if g.Namespace != "" {
			return fmt.Sprintf("%s: update charts in namespace %s", prefix, g.Namespace)
		}
		return fmt.Sprintf("%s: update %s group", prefix, strings.TrimSuffix(g.Name, BucketSuffix(g.Updates[0])))
	}
	u := g.Updates[0]
	from := lowestFrom(g.Updates)
	if g.Type == chart.UpdateDigest {
		return fmt.Sprintf("%s: update chart %s digest ( %s → %s )", prefix, u.Ref.Chart, shortDigest(u.Ref.Digest), shortDigest(u.NewDigest))
	}
	// The newest target, as written in the files (a tag keeps its "_", a
	// range stays a range), like the from side.
	to := slices.MaxFunc(g.Updates, func(a, b Update) int { return compareVersions(a.To.Version, b.To.Version) }).NewValue
	return fmt.Sprintf("%s: update chart %s ( %s → %s )", prefix, u.Ref.Chart, from, to)
}

func lowestFrom(us []Update) string {
	return slices.MinFunc(us, func(a, b Update) int { return compareVersions(a.Ref.Version, b.Ref.Version) }).Ref.Version
}

// compareVersions orders versions by semver, falling back to the strings.
func compareVersions(a, b string) int {
	va, ea := semver.NewVersion(a)
	vb, eb := semver.NewVersion(b)
	if ea != nil || eb != nil {
		return strings.Compare(a, b)
	}
	return va.Compare(vb)
}

func shortDigest(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) >= i+1+7 {
		return d[i+1 : i+1+7]
	}
	return d
}

// Hash is a stable hash of what a group changes: the same edits give the
// same hash in any order and on any machine.
func Hash(us []Update) string {
	lines := make([]string, 0, len(us))
	for _, u := range us {
		lines = append(lines, strings.Join([]string{
			u.Ref.Loc.File, fmt.Sprint(u.Ref.Loc.Start), string(u.Ref.Field),
			u.Ref.Version, u.NewValue, u.Ref.Digest, u.NewDigest,
		}, "\x00"))
	}
	sort.Strings(lines)
	h := sha256.New()
	for _, l := range lines {
		h.Write([]byte(l))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

var nonSlug = regexp.MustCompile(`[^a-z0-9._-]+`)

func slug(s string) string {
	s = nonSlug.ReplaceAllString(strings.ToLower(s), "-")
	s = strings.Trim(s, "-.")
	if s == "" {
		return "chart"
	}
	return s
}

// sourceID names a chart's source without scheme and chart name
// ("quay.io/cilium/charts", "helm.cilium.io").
func sourceID(r chart.Ref) string {
	u := r.Source.String()
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	return strings.TrimSuffix(strings.TrimSuffix(u, "/"+r.Chart), "/")
}
