package render

import (
	"context"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/kustomize"
)

// The namespace a replacement copies into targetNamespace keeps the file
// and line it was written at; the steps say which transformation set it;
// nodes from the root's inline patch are located in the root's file; a
// patch file is recorded as one.
func TestRender_Trace(t *testing.T) {
	t.Parallel()
	files := threeClusters()
	files["apps/overlays/lab/proxy/kustomization.yaml"] = "resources: [../../../base/media/proxy/app]\npatches:\n  - path: version.yaml\n"
	files["apps/overlays/lab/proxy/version.yaml"] = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: proxy}\nspec: {chart: {spec: {version: 9.9.9}}}\n"
	res := Render(context.Background(), tree(t, files))
	hr := find(res, "HelmRelease", "jellyfin", "clusters/lab")
	ns := kustomize.Get(hr.Node, "metadata", "namespace")
	if f := res.FileOf(ns, hr); f != "apps/base/media/kustomization.yaml" || ns.Line != 3 {
		t.Errorf("namespace from %s:%d, want apps/base/media/kustomization.yaml:3", f, ns.Line)
	}
	var steps []string
	for _, s := range hr.Steps {
		steps = append(steps, s.String())
	}
	if want := "spec.targetNamespace of Kustomization media/jellyfin sets namespace media (apps/base/media/kustomization.yaml:3)"; !strings.Contains(strings.Join(steps, "\n"), want) {
		t.Errorf("steps:\n%s\nwant %s", strings.Join(steps, "\n"), want)
	}
	ks := find(res, "Kustomization", "jellyfin", "clusters/lab")
	var ksSteps []string
	for _, s := range ks.Steps {
		ksSteps = append(ksSteps, s.String())
	}
	if want := "replacement in apps/base/media/kustomization.yaml sets spec.targetNamespace media"; !strings.Contains(strings.Join(ksSteps, "\n"), want) {
		t.Errorf("Kustomization steps:\n%s\nwant %s", strings.Join(ksSteps, "\n"), want)
	}
	from := kustomize.Get(ks.Node, "spec", "postBuild", "substituteFrom")
	cm := from.Content[0]
	if f := res.FileOf(cm, ks); f != "clusters/lab/apps.yaml" || cm.Line != 20 || cm.Column != 17 {
		t.Errorf("substituteFrom entry from %s:%d:%d, want clusters/lab/apps.yaml:20:17 (inside the inline patch)", f, cm.Line, cm.Column)
	}
	proxy := find(res, "HelmRelease", "proxy", "clusters/lab")
	v := kustomize.Get(proxy.Node, "spec", "chart", "spec", "version")
	if f := res.FileOf(v, proxy); f != "apps/overlays/lab/proxy/version.yaml" || v.Value != "9.9.9" {
		t.Errorf("patched version %q from %s", v.Value, f)
	}
	if !res.PatchFiles["apps/overlays/lab/proxy/version.yaml"] {
		t.Errorf("patch files: %v", res.PatchFiles)
	}
}
