package flux

import (
	"strings"

	"gopkg.in/yaml.v3"
)

// deref follows an alias to its anchored node.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

// field returns the value node (not dereferenced) of key in mapping m, or nil.
// Alias keys ("*app :") are resolved.
func field(m *yaml.Node, key string) *yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := deref(m.Content[i])
		if k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// at walks nested mappings; each step dereferences aliases.
func at(m *yaml.Node, keys ...string) *yaml.Node {
	n := m
	for _, k := range keys {
		n = field(n, k)
		if n == nil {
			return nil
		}
	}
	return n
}

// str returns the scalar value of n after alias resolution, "" otherwise.
func str(n *yaml.Node) string {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

// splitAPIVersion returns the group and version of "group/version".
func splitAPIVersion(av string) (group, version string) {
	if i := strings.LastIndexByte(av, '/'); i >= 0 {
		return av[:i], av[i+1:]
	}
	return "", av
}
