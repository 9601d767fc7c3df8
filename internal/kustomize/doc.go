// Package kustomize applies, to parsed YAML objects, the kustomize
// transformations that decide where a Flux-managed object lands and what
// its fields say: the namespace transformer and replacements (inline and
// path forms, source fieldPath and options, target select/reject,
// fieldPaths, create, delimiter and index), with kustomize's selection
// rules (anchored regular expressions on group, version, kind, name and
// namespace, label and annotation selectors, current or original IDs).
//
// It works on yaml.v3 nodes so that every value keeps the line and column
// it came from; it copies nodes it changes into the target rather than
// re-encoding anything. A resource may be a skeleton, lacking fields its
// caller never reads (Resource.Skeleton): a transformation whose outcome
// may depend on them fails with ErrSkeleton instead of guessing. It owns no file walking, no Flux semantics and no
// I/O beyond what its caller hands it (a path-form replacement is read
// through a loader function).
package kustomize
