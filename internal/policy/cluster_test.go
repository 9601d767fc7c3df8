package policy

import (
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

// A clusters rule applies to a namespace only through the clusters that
// put the ref in that namespace, and never to a ref no root renders.
func TestRules_ForClusters(t *testing.T) {
	t.Parallel()
	r := mustCompile(t, Options{
		Defaults: Settings{UpdateTypes: AllUpdateTypes},
		Rules: []Rule{{
			Match:    Match{Clusters: []string{"clusters/prod*"}, Namespaces: []string{"media"}},
			Settings: Settings{UpdateTypes: []chart.UpdateType{chart.UpdatePatch}},
		}},
	})
	ref := func(ps ...chart.Placement) chart.Ref {
		r := chart.Ref{Kind: "HelmRelease", Chart: "x", Clusters: ps}
		for _, p := range ps {
			r.Namespaces = append(r.Namespaces, p.Namespace)
		}
		return r
	}
	tests := []struct {
		name string
		ref  chart.Ref
		want int // len(UpdateTypes)
	}{
		{"production media", ref(chart.Placement{Cluster: "clusters/production", Namespace: "media"}), 1},
		{"staging media", ref(chart.Placement{Cluster: "clusters/staging", Namespace: "media"}), len(AllUpdateTypes)},
		{"media in staging, tools in production", ref(
			chart.Placement{Cluster: "clusters/staging", Namespace: "media"},
			chart.Placement{Cluster: "clusters/production", Namespace: "tools"}), len(AllUpdateTypes)},
		{"not rendered", chart.Ref{Kind: "HelmRelease", Chart: "x", Namespaces: []string{"media"}}, len(AllUpdateTypes)},
	}
	for _, tt := range tests {
		if got := r.For(tt.ref).UpdateTypes; len(got) != tt.want {
			t.Errorf("%s: updateTypes %v, want %d of them", tt.name, got, tt.want)
		}
	}
	if _, err := Compile(Options{Rules: []Rule{{Match: Match{Clusters: []string{"["}}}}}); err == nil {
		t.Error("a bad clusters glob compiles")
	}
}
