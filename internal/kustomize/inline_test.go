package kustomize

import (
	"testing"
)

// An inline patch's nodes are never taken for nodes of the patched
// object's file: with a Shift they are located in the file holding the
// patch, without one they name no file.
func TestPatches_InlineOrigins(t *testing.T) {
	t.Parallel()
	src := `- patch: |-
    apiVersion: helm.toolkit.fluxcd.io/v2
    kind: HelmRelease
    metadata: {name: podinfo}
    spec:
      chart:
        spec:
          version: 6.6.0
`
	for _, shifted := range []bool{true, false} {
		res := parse(t, baseRelease)
		res[0].File = "base/hr.yaml"
		ps := loadPatches(t, src, nil)
		if ps[0].Inline == nil {
			t.Fatal("inline patch without its node")
		}
		ps[0].File = "overlay/kustomization.yaml"
		if shifted {
			ps[0].Shift = &Shift{Line: 1, Column: 4}
		}
		origins := Origins{}
		if err := ApplyPatches(res, ps, origins); err != nil {
			t.Fatal(err)
		}
		v := child(res[0].Node, "spec", "chart", "spec", "version")
		f := origins.FileOf(v, res[0])
		switch {
		case shifted && (f != "overlay/kustomization.yaml" || v.Line != 8 || v.Column != 20):
			t.Errorf("shifted: version from %s:%d:%d, want overlay/kustomization.yaml:8:20", f, v.Line, v.Column)
		case !shifted && f != InlineOrigin("overlay/kustomization.yaml"):
			t.Errorf("unshifted: version from %q", f)
		}
	}
}
