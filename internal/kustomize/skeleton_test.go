package kustomize

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

// skeletal parses objs as the skeletons of objects written one a file,
// "a.yaml", "b.yaml" and so on.
func skeletal(t *testing.T, objs string) []*Resource {
	t.Helper()
	res := parse(t, objs)
	for i, r := range res {
		r.File, r.Skeleton = fmt.Sprintf("%c.yaml", 'a'+i), true
	}
	return res
}

const threeDeployments = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, labels: {app: api}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, labels: {app: db}}
`

// A transformation selecting skeletons fails with a *SkeletonError naming
// the files of every skeleton it and the transformations after it select,
// and that error is ErrSkeleton.
func TestSkeletonError_NamesEveryFileSelected(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		apply func(res []*Resource) error
		files []string
	}{
		{"patches", func(res []*Resource) error {
			return ApplyPatches(res, loadPatches(t, `
- target: {kind: Deployment, name: db}
  patch: '[{op: replace, path: /spec/replicas, value: 3}]'
- target: {kind: Deployment, name: web}
  patch: '[{op: replace, path: /metadata/labels/app, value: x}]'
- target: {kind: Deployment, labelSelector: app=api}
  patch: '[{op: replace, path: /spec/replicas, value: 2}]'
- target: {kind: Deployment, labelSelector: app=web}
  patch: '[{op: replace, path: /spec/replicas, value: 2}]'
`, nil), nil)
		}, []string{"c.yaml", "b.yaml"}}, // web is relabelled first
		{"replacement source", func(res []*Resource) error {
			return ApplyReplacements(res, reps(t, `
- source: {kind: Deployment, fieldPath: spec.replicas}
  targets: [{select: {kind: Deployment}, fieldPaths: [metadata.annotations.r], options: {create: true}}]
`, nil), nil)
		}, []string{"a.yaml", "b.yaml", "c.yaml"}},
		{"replacement targets", func(res []*Resource) error {
			return ApplyReplacements(res, reps(t, `
- source: {kind: Deployment, name: web, fieldPath: metadata.name}
  targets:
    - select: {kind: Deployment, name: api}
      fieldPaths: [spec.template.metadata.labels.app]
      options: {create: true}
    - select: {kind: Deployment, name: web}
      fieldPaths: [metadata.labels.app]
- source: {kind: Deployment, name: db, fieldPath: spec.replicas}
  targets: [{select: {kind: Deployment, name: web}}]
`, nil), nil)
		}, []string{"b.yaml", "c.yaml"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			err := c.apply(skeletal(t, threeDeployments))
			var s *SkeletonError
			if !errors.Is(err, ErrSkeleton) || !errors.As(err, &s) {
				t.Fatalf("error %v, want a *SkeletonError", err)
			}
			if !slices.Equal(s.Files, c.files) {
				t.Errorf("files %v, want %v (%v)", s.Files, c.files, err)
			}
		})
	}
}
