package kustomize

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// Selector picks resources. Empty fields match anything. In a replacement
// target (and a patch target) group, version, kind, name and namespace are
// regular expressions anchored at both ends; in a replacement source they
// must match exactly. Label and annotation selectors use Kubernetes'
// selector syntax ("a=b,c!=d,e in (x,y),!f").
type Selector struct {
	Group              string `yaml:"group"`
	Version            string `yaml:"version"`
	Kind               string `yaml:"kind"`
	Name               string `yaml:"name"`
	Namespace          string `yaml:"namespace"`
	LabelSelector      string `yaml:"labelSelector"`
	AnnotationSelector string `yaml:"annotationSelector"`
}

// id is what a selector looks at: one of a resource's identities.
type id struct{ group, version, kind, name, namespace string }

// ids returns the resource's current identity and, when different, the one
// it had before transformers renamed or moved it.
func (r *Resource) ids() []id {
	g, v := r.GroupVersion()
	cur := id{g, v, r.Kind(), r.Name(), r.Namespace()}
	orig := cur
	orig.name, orig.namespace = r.OrigName, r.OrigNamespace
	if orig == cur {
		return []id{cur}
	}
	return []id{cur, orig}
}

// matchRegex reports whether r is selected by s, its fields read as
// anchored regular expressions against any of r's identities.
func (s Selector) matchRegex(r *Resource) (bool, error) {
	ok, err := s.matchMeta(r)
	if err != nil || !ok {
		return false, err
	}
	for _, x := range r.ids() {
		all := true
		for _, p := range [][2]string{{s.Group, x.group}, {s.Version, x.version}, {s.Kind, x.kind}, {s.Name, x.name}, {s.Namespace, x.namespace}} {
			m, err := anchored(p[0], p[1])
			if err != nil {
				return false, err
			}
			all = all && m
		}
		if all {
			return true, nil
		}
	}
	return false, nil
}

// matchExact reports whether r is selected by s with exact comparison; an
// empty namespace counts as "default" on both sides.
func (s Selector) matchExact(r *Resource) (bool, error) {
	ok, err := s.matchMeta(r)
	if err != nil || !ok {
		return false, err
	}
	for _, x := range r.ids() {
		if eq(s.Group, x.group) && eq(s.Version, x.version) && eq(s.Kind, x.kind) && eq(s.Name, x.name) &&
			(s.Namespace == "" || defaultNS(s.Namespace) == defaultNS(x.namespace)) {
			return true, nil
		}
	}
	return false, nil
}

func eq(want, got string) bool { return want == "" || want == got }

func defaultNS(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

func anchored(pattern, s string) (bool, error) {
	if pattern == "" {
		return true, nil
	}
	if !strings.ContainsAny(pattern, `\.+*?()|[]{}^$`) {
		return pattern == s, nil // a literal: no regexp to compile
	}
	re, err := compileAnchored(pattern)
	if err != nil {
		return false, fmt.Errorf("selector %q: %w", pattern, err)
	}
	return re.MatchString(s), nil
}

// anchoredCache holds compiled selector patterns; it stops growing at
// maxCachedPatterns, so hostile input costs time, not memory.
var anchoredCache sync.Map

const maxCachedPatterns = 4096

var cachedPatterns atomic.Int64

func compileAnchored(pattern string) (*regexp.Regexp, error) {
	if re, ok := anchoredCache.Load(pattern); ok {
		return re.(*regexp.Regexp), nil
	}
	re, err := regexp.Compile("^(?:" + pattern + ")$")
	if err != nil {
		return nil, err
	}
	if cachedPatterns.Add(1) <= maxCachedPatterns {
		anchoredCache.Store(pattern, re)
	}
	return re, nil
}

func (s Selector) matchMeta(r *Resource) (bool, error) {
	if s.LabelSelector != "" {
		ok, err := matchLabels(s.LabelSelector, r.Labels())
		if err != nil || !ok {
			return false, err
		}
	}
	if s.AnnotationSelector != "" {
		ok, err := matchLabels(s.AnnotationSelector, r.Annotations())
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// String describes the selector for messages.
func (s Selector) String() string {
	var parts []string
	for _, p := range [][2]string{{"group", s.Group}, {"version", s.Version}, {"kind", s.Kind}, {"name", s.Name}, {"namespace", s.Namespace}, {"labelSelector", s.LabelSelector}, {"annotationSelector", s.AnnotationSelector}} {
		if p[1] != "" {
			parts = append(parts, p[0]+"="+p[1])
		}
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// matchLabels evaluates a Kubernetes label selector against labels.
func matchLabels(sel string, labels map[string]string) (bool, error) {
	for _, req := range splitRequirements(sel) {
		req = strings.TrimSpace(req)
		if req == "" {
			continue
		}
		ok, err := matchRequirement(req, labels)
		if err != nil {
			return false, fmt.Errorf("selector %q: %w", sel, err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

// splitRequirements splits on commas outside parentheses.
func splitRequirements(sel string) []string {
	return splitOutside(sel, '(', ')', ',')
}

var setReq = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\S+)\s+(in|notin)\s*\(([^)]*)\)$`) })

func matchRequirement(req string, labels map[string]string) (bool, error) {
	if m := setReq().FindStringSubmatch(req); m != nil {
		var vals []string
		for _, v := range strings.Split(m[3], ",") {
			vals = append(vals, strings.TrimSpace(v))
		}
		v, has := labels[m[1]]
		if m[2] == "in" {
			return has && slices.Contains(vals, v), nil
		}
		return !has || !slices.Contains(vals, v), nil
	}
	for _, op := range []string{"!=", "==", "="} {
		if k, v, ok := strings.Cut(req, op); ok {
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if k == "" {
				return false, fmt.Errorf("requirement %q has no key", req)
			}
			got, has := labels[k]
			if op == "!=" {
				return !has || got != v, nil
			}
			return has && got == v, nil
		}
	}
	if k, ok := strings.CutPrefix(req, "!"); ok {
		_, has := labels[strings.TrimSpace(k)]
		return !has, nil
	}
	if strings.ContainsAny(req, " ()") {
		return false, fmt.Errorf("cannot read requirement %q", req)
	}
	_, has := labels[req]
	return has, nil
}
