package rewrite

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	yaml2 "go.yaml.in/yaml/v2"
	"gopkg.in/yaml.v3"
)

// style is how a scalar token is written.
type style int

const (
	stylePlain style = iota
	styleSingle
	styleDouble
)

func (s style) String() string {
	switch s {
	case styleSingle:
		return "single-quoted"
	case styleDouble:
		return "double-quoted"
	}
	return "plain"
}

// checkValue rejects values that cannot be written on one line in every
// style: invalid UTF-8, control characters and line breaks. No chart version
// or digest contains them.
func checkValue(v string) error {
	if !utf8.ValidString(v) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range v {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r == 0x2028, r == 0x2029, r == 0xfeff, r == 0xfffe, r == 0xffff:
			return fmt.Errorf("contains control or line-break character %U", r)
		}
	}
	return nil
}

// encode writes v as a token of style s. A plain token is used only when
// yaml.v3 reads it back, in block and flow context, as the string v;
// otherwise the value is double-quoted.
func encode(v string, s style) string {
	switch s {
	case styleSingle:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case styleDouble:
		return doubleQuote(v)
	}
	if plainSafe(v) {
		return v
	}
	return doubleQuote(v)
}

func doubleQuote(v string) string {
	var b strings.Builder
	b.Grow(len(v) + 2)
	b.WriteByte('"')
	for i := 0; i < len(v); i++ {
		if c := v[i]; c == '"' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(v[i])
	}
	b.WriteByte('"')
	return b.String()
}

// plainSafe reports whether v, written plain, reads back as the string v
// wherever a version scalar can sit: a whole document, a block mapping value,
// a flow sequence item and a flow mapping value. yaml.v3 decides, and so does
// the YAML 1.1 resolver Kubernetes and Flux decode manifests with
// (go.yaml.in/yaml/v2 behind sigs.k8s.io/yaml), which reads yes, on, y, 0123
// and 1_000 as booleans and numbers.
func plainSafe(v string) bool {
	if v == "" || v != strings.TrimSpace(v) || strings.ContainsAny(v, ",[]{}#\t") {
		return false
	}
	probes := []struct {
		doc  string
		pick func(*yaml.Node) *yaml.Node
	}{
		{v, func(d *yaml.Node) *yaml.Node { return d }},
		{"k: " + v + "\n", func(d *yaml.Node) *yaml.Node { return mapValue(d) }},
		{"[" + v + "]", func(d *yaml.Node) *yaml.Node { return seqItem(d) }},
		{"{k: " + v + "}", func(d *yaml.Node) *yaml.Node { return mapValue(d) }},
	}
	for _, p := range probes {
		n, ok := parseOne(p.doc)
		if !ok {
			return false
		}
		s := p.pick(n)
		if s == nil || s.Kind != yaml.ScalarNode || s.Style != 0 || s.Tag != "!!str" || s.Value != v {
			return false
		}
	}
	return yaml11String(v)
}

// yaml11String reports whether the YAML 1.1 resolver reads plain v as the string v.
func yaml11String(v string) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	var m map[string]any
	if err := yaml2.Unmarshal([]byte("k: "+v+"\n"), &m); err != nil || len(m) != 1 {
		return false
	}
	s, isString := m["k"].(string)
	return isString && s == v
}

// parseOne parses a single-document text and returns the document's content.
func parseOne(doc string) (n *yaml.Node, ok bool) {
	defer func() {
		if recover() != nil {
			n, ok = nil, false
		}
	}()
	var d yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &d); err != nil || d.Kind != yaml.DocumentNode || len(d.Content) != 1 {
		return nil, false
	}
	return d.Content[0], true
}

func mapValue(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return nil
	}
	return n.Content[1]
}

func seqItem(n *yaml.Node) *yaml.Node {
	if n.Kind != yaml.SequenceNode || len(n.Content) != 1 {
		return nil
	}
	return n.Content[0]
}

// decode returns the value of a one-line scalar token written in style s.
func decode(tok string, s style) (string, error) {
	switch s {
	case styleSingle:
		if len(tok) < 2 || tok[0] != '\'' || tok[len(tok)-1] != '\'' {
			return "", errors.New("not a single-quoted token")
		}
		inner := tok[1 : len(tok)-1]
		if strings.Count(inner, "'")%2 != 0 || strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return "", errors.New("not a single-quoted token")
		}
		return strings.ReplaceAll(inner, "''", "'"), nil
	case styleDouble:
		if len(tok) < 2 || tok[0] != '"' || tok[len(tok)-1] != '"' {
			return "", errors.New("not a double-quoted token")
		}
		n, ok := parseOne(tok)
		if !ok || n.Kind != yaml.ScalarNode || n.Style != yaml.DoubleQuotedStyle {
			return "", errors.New("not a double-quoted token")
		}
		return n.Value, nil
	}
	if tok == "" || tok != strings.TrimSpace(tok) {
		return "", errors.New("not a plain token")
	}
	return tok, nil
}

// nodeStyle maps a yaml.v3 scalar style to the styles rewrite can edit.
func nodeStyle(n *yaml.Node) (style, error) {
	switch n.Style &^ yaml.TaggedStyle {
	case 0:
		return stylePlain, nil
	case yaml.SingleQuotedStyle:
		return styleSingle, nil
	case yaml.DoubleQuotedStyle:
		return styleDouble, nil
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return 0, errors.New("block scalar (| or >) is not editable")
	}
	return 0, fmt.Errorf("unsupported scalar style %d", n.Style)
}
