package config

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
)

func coverageRefs() []chart.Ref {
	return []chart.Ref{
		{Kind: "HelmRelease", Namespaces: []string{"flux-system"}, Chart: "cert-manager", Loc: chart.Location{File: "apps/cert-manager/helmrelease.yaml"}},
		{Kind: "HelmRelease", Namespaces: []string{"media"}, Chart: "plex", Loc: chart.Location{File: "apps/media/plex/helmrelease.yaml"}},
	}
}

func TestConfig_Unmatched(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("bosun.yaml", []byte(`version: 1
rules:
  - match: {namespaces: [flux-sytem]}
    pin: true
  - match: {charts: ["cert-manger*"]}
    pin: true
  - match: {paths: ["apps/cert-manger/**"]}
    pin: true
  - match: {namespaces: [media], charts: [cert-manager]}
    pin: true
  - match: {namespaces: [zzz]}
    pin: true
  - match: {namespaces: ["me*"], charts: [plex], paths: ["apps/**"]}
    pin: true
  - match: {charts: [cert-manager, plexx]}
    pin: true
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range cfg.Unmatched(coverageRefs()) {
		got = append(got, w.String())
	}
	want := []string{
		`bosun.yaml:3: warning: rules[0].match.namespaces[0]: "flux-sytem" matches no namespace of any reference (did you mean "flux-system"?)`,
		`bosun.yaml:5: warning: rules[1].match.charts[0]: "cert-manger*" matches no chart of any reference (did you mean "cert-manager*"?)`,
		`bosun.yaml:7: warning: rules[2].match.paths[0]: "apps/cert-manger/**" matches no file of any reference (did you mean "apps/cert-manager/**"?)`,
		`bosun.yaml:9: warning: rules[3].match: each list matches some reference, but no reference matches them all`,
		`bosun.yaml:11: warning: rules[4].match.namespaces[0]: "zzz" matches no namespace of any reference (namespaces in use: flux-system, media)`,
		`bosun.yaml:15: warning: rules[6].match.charts[1]: "plexx" matches no chart of any reference (did you mean "plex"?)`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func TestConfig_UnmatchedNoRefs(t *testing.T) {
	t.Parallel()
	cfg, err := Parse("bosun.yaml", []byte("version: 1\nrules:\n  - match: {namespaces: [a]}\n    pin: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Unmatched(nil)
	if len(w) != 1 || !strings.Contains(w[0].Msg, "no chart references") {
		t.Errorf("want one warning that nothing can match, got %v", w)
	}
	if w := Default().Unmatched(nil); len(w) != 0 {
		t.Errorf("no rules, no warnings: %v", w)
	}
}

// TestConfig_UnmatchedClusters runs where rules can match on clusters.
func TestConfig_UnmatchedClusters(t *testing.T) {
	t.Parallel()
	if _, ok := reflect.TypeFor[Match]().FieldByName("Clusters"); !ok {
		t.Skip("rules do not match on clusters in this build")
	}
	cfg, err := Parse("bosun.yaml", []byte("version: 1\nrules:\n  - match: {clusters: [\"clusters/prodution\"]}\n    pin: true\n"))
	if err != nil {
		t.Fatal(err)
	}
	ref := coverageRefs()[0]
	placements := reflect.ValueOf(&ref).Elem().FieldByName("Clusters")
	p := reflect.New(placements.Type().Elem()).Elem()
	p.FieldByName("Cluster").SetString("clusters/production")
	placements.Set(reflect.Append(placements, p))
	w := cfg.Unmatched([]chart.Ref{ref})
	if len(w) != 1 || !strings.Contains(w[0].Msg, `did you mean "clusters/production"?`) {
		t.Errorf("want a did-you-mean for the cluster, got %v", w)
	}
}

func TestDistanceWithin(t *testing.T) {
	t.Parallel()
	words := []string{"", "a", "ab", "flux-system", "flux-sytem", "kube-system", "cert-manager", "cert-manger", "xyz", "apps/media/"}
	for _, a := range words {
		for _, b := range words {
			for k := 0; k <= 3; k++ {
				want := min(editDistance(a, b), k+1)
				if got := distanceWithin(a, b, k); got != want {
					t.Errorf("distanceWithin(%q, %q, %d) = %d, want %d", a, b, k, got, want)
				}
			}
		}
	}
}

// BenchmarkUnmatched checks rules with typos against a large repository.
func BenchmarkUnmatched(b *testing.B) {
	var refs []chart.Ref
	for i := range 5000 {
		ns := fmt.Sprintf("namespace-%d", i%300)
		refs = append(refs, chart.Ref{Namespaces: []string{ns}, Chart: fmt.Sprintf("chart-%d", i),
			Loc: chart.Location{File: fmt.Sprintf("kubernetes/apps/%s/app-%d/helmrelease.yaml", ns, i)}})
	}
	var yml strings.Builder
	yml.WriteString("version: 1\nrules:\n")
	for i := range 20 {
		fmt.Fprintf(&yml, "  - match: {namespaces: [namespce-%d], charts: [\"chrt-%d*\"], paths: [\"kubernetes/aps/namespace-%d/**\"]}\n    pin: true\n", i, i, i)
	}
	cfg, err := Parse("bosun.yaml", []byte(yml.String()))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if len(cfg.Unmatched(refs)) != 60 {
			b.Fatal("want 60 warnings")
		}
	}
}
