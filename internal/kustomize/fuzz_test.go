package kustomize

import (
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzTransform feeds hostile objects, replacements and patches through the
// transformers: they may fail, never panic.
func FuzzTransform(f *testing.F) {
	f.Add(baseRelease, "- sourceValue: x\n  targets: [{select: {kind: HelmRelease}, fieldPaths: [spec.chart.spec.version], options: {create: true, delimiter: '.', index: -1}}]\n", "- target: {kind: HelmRelease}\n  patch: '- {op: add, path: /spec/values/a, value: 1}'\n")
	f.Add("kind: Namespace\nmetadata: {name: _}\n", "- source: {kind: Namespace}\n  targets: [{select: {kind: '.*'}, fieldPaths: ['spec.a.[b=c].*.0'], options: {create: true}}]\n", "- patch: 'kind: Namespace\nmetadata: {name: _}\nspec: ~'\n")
	f.Fuzz(func(t *testing.T, objs, reps, patches string) {
		var res []*Resource
		docs, err := decodeAll([]byte(objs))
		if err != nil {
			return
		}
		for _, d := range docs {
			if d.Kind == yaml.MappingNode {
				res = append(res, NewResource(d))
			}
		}
		SetNamespace(res, Scalar("ns"), nil)
		load := func(string) ([]byte, error) { return []byte(objs), nil }
		var rn, pn yaml.Node
		if yaml.Unmarshal([]byte(reps), &rn) == nil && len(rn.Content) == 1 {
			if rs, err := LoadReplacements(rn.Content[0], load); err == nil {
				_ = ApplyReplacements(res, rs, nil)
			}
		}
		if yaml.Unmarshal([]byte(patches), &pn) == nil && len(pn.Content) == 1 {
			if ps, err := LoadPatches(pn.Content[0], load); err == nil {
				_ = ApplyPatches(res, ps, Origins{})
			}
		}
	})
}
