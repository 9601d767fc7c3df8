package kustomize

import (
	"errors"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Resource is one Kubernetes object being built: its mapping node and the
// name and namespace it had before any transformer ran (kustomize selects
// by either).
type Resource struct {
	Node          *yaml.Node // a MappingNode
	OrigName      string
	OrigNamespace string
	// File is the file the object was written in, relative to the
	// repository root ("" when unknown); nodes Origins does not name come
	// from it.
	File string
	// Skeleton is set when Node lacks fields of the object as written,
	// which its caller never reads: those at the key paths Cut, or, when
	// Cut is nil, all but apiVersion, kind, metadata and sops. A
	// transformation whose outcome may depend on them (a JSON 6902 patch
	// operation, which fails on a missing path, or a replacement, on a
	// path at, above or below one left out) fails with ErrSkeleton. A
	// strategic-merge patch only writes into the object and never fails,
	// so it is applied.
	Skeleton bool
	Cut      [][]string
}

// ErrSkeleton is a JSON 6902 patch or a replacement selecting a Skeleton
// resource; the errors saying so are *SkeletonError.
var ErrSkeleton = errors.New("the object is held as a skeleton")

// intact reports whether the field at the key path keys of r, and what is
// above and below it, are as written.
func (r *Resource) intact(keys []string) bool {
	if !r.Skeleton {
		return true
	}
	if r.Cut == nil {
		return len(keys) > 0 && (keys[0] == "apiVersion" || keys[0] == "kind" || keys[0] == "metadata" || keys[0] == "sops")
	}
	for _, c := range r.Cut {
		if isPrefix(c, keys) || isPrefix(keys, c) {
			return false
		}
	}
	return true
}

func isPrefix(a, b []string) bool {
	return len(a) <= len(b) && slices.Equal(a, b[:len(a)])
}

// fieldPathKeys are the plain keys a kustomize fieldPath starts with, up
// to its first list selector or escaped key.
func fieldPathKeys(fp string) []string {
	var keys []string
	for _, k := range strings.Split(fp, ".") {
		if k == "" || strings.ContainsAny(k, "[]=") {
			break
		}
		keys = append(keys, k)
	}
	return keys
}

// SkeletonError is ErrSkeleton naming the Skeleton resources a
// transformation selected (errors.Is(err, ErrSkeleton) holds), so that
// its caller can restore the files they were written in.
type SkeletonError struct {
	// Objects are the resources' "Kind name", in the order met.
	Objects []string
	// Files are the files they were written in (Resource.File, "" when
	// unknown), in the order met, without repeats.
	Files []string
}

func (e *SkeletonError) Error() string {
	return strings.Join(e.Objects, ", ") + ": " + ErrSkeleton.Error()
}

// Unwrap is ErrSkeleton.
func (e *SkeletonError) Unwrap() error { return ErrSkeleton }

// add names r, unless it is named already.
func (e *SkeletonError) add(r *Resource) {
	o := r.Kind() + " " + r.Name()
	if !slices.Contains(e.Objects, o) {
		e.Objects = append(e.Objects, o)
	}
	if !slices.Contains(e.Files, r.File) {
		e.Files = append(e.Files, r.File)
	}
}

// merge adds what err names to e when err is a *SkeletonError, and
// reports whether it is.
func (e *SkeletonError) merge(err error) bool {
	var s *SkeletonError
	if !errors.As(err, &s) {
		return false
	}
	for _, o := range s.Objects {
		if !slices.Contains(e.Objects, o) {
			e.Objects = append(e.Objects, o)
		}
	}
	for _, f := range s.Files {
		if !slices.Contains(e.Files, f) {
			e.Files = append(e.Files, f)
		}
	}
	return true
}

// or is e, or err when e names nothing: a skeleton selected comes before
// any other error, as the files in full may not have it.
func (e *SkeletonError) or(err error) error {
	if len(e.Objects) == 0 {
		return err
	}
	return e
}

// NewResource wraps a mapping node, remembering its current name and
// namespace as the original ones.
func NewResource(n *yaml.Node) *Resource {
	r := &Resource{Node: n}
	r.OrigName, r.OrigNamespace = r.Name(), r.Namespace()
	return r
}

// Kind returns the object's kind.
func (r *Resource) Kind() string { return scalarAt(r.Node, "kind") }

// APIVersion returns the object's apiVersion.
func (r *Resource) APIVersion() string { return scalarAt(r.Node, "apiVersion") }

// Name returns metadata.name.
func (r *Resource) Name() string { return scalarAt(r.Node, "metadata", "name") }

// Namespace returns metadata.namespace.
func (r *Resource) Namespace() string { return scalarAt(r.Node, "metadata", "namespace") }

// GroupVersion splits apiVersion: "apps/v1" → ("apps", "v1"), "v1" → ("", "v1").
func (r *Resource) GroupVersion() (group, version string) {
	av := r.APIVersion()
	if i := strings.LastIndex(av, "/"); i >= 0 {
		return av[:i], av[i+1:]
	}
	return "", av
}

// Labels returns metadata.labels as a map (string values only).
func (r *Resource) Labels() map[string]string { return stringMap(child(r.Node, "metadata", "labels")) }

// Annotations returns metadata.annotations as a map (string values only).
func (r *Resource) Annotations() map[string]string {
	return stringMap(child(r.Node, "metadata", "annotations"))
}

// child walks mapping keys; nil when a key is missing or a node is not a
// mapping.
func child(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = mapValue(n, k)
		if n == nil {
			return nil
		}
	}
	return n
}

// mapValue returns the value of key in mapping m, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return deref(m.Content[i+1])
		}
	}
	return nil
}

// Deref returns the node an alias names (following aliases in turn), the
// content of a document node, or n itself.
func Deref(n *yaml.Node) *yaml.Node { return deref(n) }

func deref(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return deref(n.Content[0])
	}
	return n
}

func scalarAt(n *yaml.Node, keys ...string) string {
	v := child(n, keys...)
	if v == nil || v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
		return ""
	}
	return v.Value
}

func stringMap(m *yaml.Node) map[string]string {
	out := map[string]string{}
	if m == nil || m.Kind != yaml.MappingNode {
		return out
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if v := deref(m.Content[i+1]); v != nil && v.Kind == yaml.ScalarNode {
			out[m.Content[i].Value] = v.Value
		}
	}
	return out
}

// setMapValue sets key in mapping m to v, adding the key when missing.
func setMapValue(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

// Get walks mapping keys from n (aliases followed); nil when a key is
// missing.
func Get(n *yaml.Node, keys ...string) *yaml.Node { return child(n, keys...) }

// GetString returns the scalar at keys, "" when missing or not a scalar.
func GetString(n *yaml.Node, keys ...string) string { return scalarAt(n, keys...) }

// GetStrings returns the scalars of the sequence at keys.
func GetStrings(n *yaml.Node, keys ...string) []string {
	s := child(n, keys...)
	if s == nil || s.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, e := range s.Content {
		if e = deref(e); e != nil && e.Kind == yaml.ScalarNode {
			out = append(out, e.Value)
		}
	}
	return out
}
