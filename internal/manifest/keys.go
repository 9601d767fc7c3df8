package manifest

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// DuplicateKeyError is a mapping that defines a key twice. yaml.v3 rejects
// it when decoding into Go values but not when decoding into a yaml.Node;
// the YAML spec requires keys to be unique, and an editor would otherwise
// change one of two values of which a consumer reads the other.
type DuplicateKeyError struct {
	Key       string
	Line      int // the second definition
	FirstLine int
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg())
}

// Msg is the message without the line, in yaml.v3's words.
func (e *DuplicateKeyError) Msg() string {
	return fmt.Sprintf("mapping key %q already defined at line %d", e.Key, e.FirstLine)
}

// smallMapping is the key count up to which pairs are compared directly.
const smallMapping = 16

// CheckKeys returns the first duplicate key of any mapping in the tree of n,
// nil when there is none. Keys compare as yaml.v3's decoder compares them:
// by kind and value, so "a" and a are the same key. Complex (mapping or
// sequence) keys are not compared. Aliases are not followed: the anchored
// node is checked where it is defined.
func CheckKeys(n *yaml.Node) *DuplicateKeyError {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.MappingNode {
		if e := mappingKeys(n); e != nil {
			return e
		}
	}
	for _, c := range n.Content {
		if e := CheckKeys(c); e != nil {
			return e
		}
	}
	return nil
}

func mappingKeys(m *yaml.Node) *DuplicateKeyError {
	type key struct {
		kind  yaml.Kind
		value string
	}
	comparable := func(k *yaml.Node) bool { return k.Kind == yaml.ScalarNode || k.Kind == yaml.AliasNode }
	if len(m.Content) <= 2*smallMapping {
		for i := 0; i < len(m.Content); i += 2 {
			ki := m.Content[i]
			if !comparable(ki) {
				continue
			}
			for j := 0; j < i; j += 2 {
				kj := m.Content[j]
				if kj.Kind == ki.Kind && kj.Value == ki.Value {
					return &DuplicateKeyError{Key: ki.Value, Line: ki.Line, FirstLine: kj.Line}
				}
			}
		}
		return nil
	}
	seen := make(map[key]int, len(m.Content)/2)
	for i := 0; i < len(m.Content); i += 2 {
		k := m.Content[i]
		if !comparable(k) {
			continue
		}
		if first, ok := seen[key{k.Kind, k.Value}]; ok {
			return &DuplicateKeyError{Key: k.Value, Line: k.Line, FirstLine: first}
		}
		seen[key{k.Kind, k.Value}] = k.Line
	}
	return nil
}
