package kustomize

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Replacement copies one value (a source object's field, or a literal
// sourceValue) into fields of the target objects.
type Replacement struct {
	Source      *Source  `yaml:"source"`
	SourceValue *string  `yaml:"sourceValue"`
	Targets     []Target `yaml:"targets"`
}

// Source selects exactly one object and a field of it (default
// metadata.name).
type Source struct {
	Selector  `yaml:",inline"`
	FieldPath string   `yaml:"fieldPath"`
	Options   *Options `yaml:"options"`
}

// Target selects objects (select, minus every reject) and the fields to
// set in them (default metadata.name).
type Target struct {
	Select     *Selector  `yaml:"select"`
	Reject     []Selector `yaml:"reject"`
	FieldPaths []string   `yaml:"fieldPaths"`
	Options    *Options   `yaml:"options"`
}

// Options refine a value: with a delimiter, the index-th part of it (in a
// source), or the index-th part replaced, a negative index prefixing and
// one past the end appending (in a target). Create adds missing target
// fields.
type Options struct {
	Delimiter string `yaml:"delimiter"`
	Index     int    `yaml:"index"`
	Create    bool   `yaml:"create"`
}

const defaultFieldPath = "metadata.name"

// Loader reads a file a kustomization names, relative to it.
type Loader func(path string) ([]byte, error)

// LoadReplacements reads the replacements list of a kustomization: each
// entry is an inline replacement or {path: file}, the file holding one
// replacement or a list of them.
func LoadReplacements(list *yaml.Node, load Loader) ([]Replacement, error) {
	list = deref(list)
	if list == nil {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("replacements: want a list, line %d", list.Line)
	}
	var out []Replacement
	for _, e := range list.Content {
		e = deref(e)
		path := scalarAt(e, "path")
		if path == "" {
			var r Replacement
			if err := e.Decode(&r); err != nil {
				return nil, fmt.Errorf("replacements: line %d: %w", e.Line, err)
			}
			out = append(out, r)
			continue
		}
		if mapValue(e, "source") != nil || mapValue(e, "targets") != nil || mapValue(e, "sourceValue") != nil {
			return nil, fmt.Errorf("replacements: line %d: cannot specify both path and inline replacement", e.Line)
		}
		rs, err := loadReplacementFile(path, load)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

func loadReplacementFile(path string, load Loader) ([]Replacement, error) {
	if load == nil {
		return nil, fmt.Errorf("replacements: %s: no loader", path)
	}
	data, err := load(path)
	if err != nil {
		return nil, fmt.Errorf("replacements: %w", err)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("replacements: %s: %w", path, err)
	}
	n := deref(&doc)
	var out []Replacement
	if n != nil && n.Kind == yaml.SequenceNode {
		err = n.Decode(&out)
	} else {
		var r Replacement
		err = n.Decode(&r)
		out = []Replacement{r}
	}
	if err != nil {
		return nil, fmt.Errorf("replacements: %s: %w", path, err)
	}
	return out, nil
}

// ApplyReplacements runs replacements in order over res, as kustomize's
// replacement transformer does. The values copied keep their source's file
// in origins (which may be nil).
func ApplyReplacements(res []*Resource, reps []Replacement, origins Origins) error {
	var skel SkeletonError
	for i, r := range reps {
		if err := r.apply(res, origins); err != nil && !skel.merge(err) {
			return skel.or(fmt.Errorf("replacement %d: %w", i+1, err))
		}
	}
	return skel.or(nil)
}

func (r Replacement) apply(res []*Resource, origins Origins) error {
	switch {
	case r.Source != nil && r.SourceValue != nil:
		return errors.New("value and resource selectors are mutually exclusive")
	case r.Source == nil && r.SourceValue == nil:
		return errors.New("replacements must specify a source and at least one target")
	case len(r.Targets) == 0:
		return errors.New("replacements must specify a source and at least one target")
	}
	value, err := r.value(res, origins)
	if err != nil {
		return err
	}
	var skel SkeletonError
	for _, t := range r.Targets {
		if err := t.apply(res, value, origins); err != nil && !skel.merge(err) {
			return skel.or(err)
		}
	}
	return skel.or(nil)
}

// value returns the node to copy.
func (r Replacement) value(res []*Resource, origins Origins) (*yaml.Node, error) {
	if r.SourceValue != nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: *r.SourceValue}, nil
	}
	var match *Resource
	var skel SkeletonError
	for _, x := range res {
		ok, err := r.Source.Selector.matchExact(x)
		if err != nil {
			return nil, skel.or(err)
		}
		if !ok {
			continue
		}
		if !x.intact(fieldPathKeys(cmpOr(r.Source.FieldPath, defaultFieldPath))) {
			skel.add(x)
			continue
		}
		if skel.or(nil) != nil {
			continue // only more skeletons matter now
		}
		if match != nil {
			return nil, fmt.Errorf("multiple matches for selector %s", r.Source.Selector)
		}
		match = x
	}
	if err := skel.or(nil); err != nil {
		return nil, err
	}
	if match == nil {
		return nil, fmt.Errorf("nothing selected by %s", r.Source.Selector)
	}
	fp := r.Source.FieldPath
	if fp == "" {
		fp = defaultFieldPath
	}
	slots, err := lookup(match.Node, fp, false, yaml.ScalarNode)
	if err != nil {
		return nil, err
	}
	if len(slots) == 0 {
		return nil, fmt.Errorf("fieldPath `%s` is missing for replacement source %s", fp, r.Source.Selector)
	}
	src := deref(slots[0].get())
	v := Clone(src)
	origins.copyFrom(v, src, match)
	if o := r.Source.Options; o != nil && o.Delimiter != "" {
		if v.Kind != yaml.ScalarNode {
			return nil, errors.New("delimiter option can only be used with scalar nodes")
		}
		parts := strings.Split(v.Value, o.Delimiter)
		if o.Index < 0 || o.Index >= len(parts) {
			return nil, fmt.Errorf("options.index %d is out of bounds for value %s", o.Index, v.Value)
		}
		v.Value = parts[o.Index]
	}
	return v, nil
}

func (t Target) apply(res []*Resource, value *yaml.Node, origins Origins) error {
	if t.Select == nil {
		return errors.New("target must specify resources to select")
	}
	paths := t.FieldPaths
	if len(paths) == 0 {
		paths = []string{defaultFieldPath}
	}
	var skel SkeletonError
	for _, x := range res {
		ok, err := t.selects(x)
		if err != nil {
			return skel.or(err)
		}
		if !ok {
			continue
		}
		if slices.ContainsFunc(paths, func(fp string) bool { return !x.intact(fieldPathKeys(fp)) }) {
			skel.add(x)
			continue
		}
		if skel.or(nil) != nil {
			continue // only more skeletons matter now
		}
		for _, fp := range paths {
			if err := t.set(x, fp, value, origins); err != nil {
				return err
			}
		}
	}
	return skel.or(nil)
}

func (t Target) selects(x *Resource) (bool, error) {
	ok, err := t.Select.matchRegex(x)
	if err != nil || !ok {
		return false, err
	}
	for _, rj := range t.Reject {
		no, err := rj.matchRegex(x)
		if err != nil {
			return false, err
		}
		if no {
			return false, nil
		}
	}
	return true, nil
}

func (t Target) set(x *Resource, fp string, value *yaml.Node, origins Origins) error {
	create := t.Options != nil && t.Options.Create
	slots, err := lookup(x.Node, fp, create, value.Kind)
	if err != nil {
		return err
	}
	if len(slots) == 0 {
		return fmt.Errorf("unable to find field %q in replacement target %s/%s", fp, x.Kind(), x.Name())
	}
	for _, s := range slots {
		v := Clone(value)
		if origins != nil {
			origins.copyFrom(v, value, &Resource{})
		}
		if o := t.Options; o != nil && o.Delimiter != "" {
			cur := deref(s.get())
			if cur.Kind != yaml.ScalarNode || value.Kind != yaml.ScalarNode {
				return errors.New("delimiter option can only be used with scalar nodes")
			}
			parts := strings.Split(cur.Value, o.Delimiter)
			switch {
			case o.Index < 0:
				parts = append([]string{value.Value}, parts...)
			case o.Index >= len(parts):
				parts = append(parts, value.Value)
			default:
				parts[o.Index] = value.Value
			}
			v.Value = strings.Join(parts, o.Delimiter)
		}
		s.set(v)
	}
	return nil
}
