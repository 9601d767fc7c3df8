package render

import (
	"context"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// A kept object holds the written nodes the rendering left as written, in
// every cluster, and copies of the rest; the written documents stay as
// they were, and every node's file and substitution are unchanged.
func TestRenderKept_SharesWhatIsLeftAsWritten(t *testing.T) {
	t.Parallel()
	tr := tree(t, threeClusters())
	const p = "apps/base/media/proxy/app/helmrelease.yaml"
	f, _ := tr.File(p)
	written := f.Docs[0].Root
	before, _ := yaml.Marshal(written)
	res := RenderKept(context.Background(), tr, nil)
	for _, cluster := range res.Roots {
		hr := find(res, "HelmRelease", "proxy", cluster)
		if hr == nil {
			t.Fatalf("%s: proxy not rendered", cluster)
		}
		chart := kustomize.Get(hr.Node, "spec", "chart", "spec", "chart")
		if chart != kustomize.Get(written, "spec", "chart", "spec", "chart") {
			t.Errorf("%s: spec.chart.spec.chart is a copy, not the written node", cluster)
		}
		if f := res.FileOf(chart, hr); f != p {
			t.Errorf("%s: chart from %q", cluster, f)
		}
		// Substituted, and namespaced by the kustomization: copies.
		v := kustomize.Get(hr.Node, "spec", "chart", "spec", "version")
		if v == kustomize.Get(written, "spec", "chart", "spec", "version") || res.Subst[v] == nil {
			t.Errorf("%s: version %q shared or without its substitution", cluster, v.Value)
		}
		if hr.Node == written || kustomize.Get(hr.Node, "metadata") == kustomize.Get(written, "metadata") {
			t.Errorf("%s: the namespaced metadata is shared", cluster)
		}
		if hr.Namespace() != "media" {
			t.Errorf("%s: namespace %q", cluster, hr.Namespace())
		}
	}
	if after, _ := yaml.Marshal(written); string(after) != string(before) {
		t.Errorf("the written document changed:\n%s\nwas\n%s", after, before)
	}
}

// Rendering reads the written documents and never changes them, though
// the roots and the kept objects hold their nodes.
func TestRenderKept_LeavesWrittenDocuments(t *testing.T) {
	t.Parallel()
	tr := tree(t, threeClusters())
	before := dumpWritten(t, tr)
	res := RenderKept(context.Background(), tr, nil)
	if len(res.Objects) == 0 {
		t.Fatal("nothing rendered")
	}
	if after := dumpWritten(t, tr); after != before {
		t.Errorf("the written documents changed:\n%s\nwere\n%s", after, before)
	}
}

// dumpWritten is every written document of tr, in path order, as YAML: a
// test compares it before and after rendering.
func dumpWritten(t *testing.T, tr *Tree) string {
	t.Helper()
	var b []byte
	for _, p := range tr.paths {
		f, _ := tr.File(p)
		for _, d := range f.Docs {
			out, err := yaml.Marshal(d.Root)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, p+"\n"...)
			b = append(b, out...)
		}
	}
	return string(b)
}
