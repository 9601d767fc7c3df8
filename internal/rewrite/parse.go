package rewrite

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/manifest"
)

// parsed is a YAML file read with yaml.v3, all documents, plus what is needed
// to turn node positions into byte offsets.
type parsed struct {
	src   []byte
	docs  []*yaml.Node
	lines *manifest.Lines
}

// parse decodes every document of src. A duplicate mapping key is an error,
// as when yaml.v3 decodes into Go values. yaml.v3 panics on a few malformed
// inputs; those become errors.
func parse(src []byte) (p *parsed, err error) {
	if bytes.HasPrefix(src, []byte{0xfe, 0xff}) || bytes.HasPrefix(src, []byte{0xff, 0xfe}) {
		return nil, errors.New("parse yaml: UTF-16 input is not supported")
	}
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, fmt.Errorf("parse yaml: %v", r)
		}
	}()
	p = &parsed{src: src, lines: manifest.NewLines(src)}
	dec := yaml.NewDecoder(bytes.NewReader(src))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			return nil, fmt.Errorf("parse yaml: %w", err)
		}
		if dup := manifest.CheckKeys(&n); dup != nil {
			return nil, fmt.Errorf("parse yaml: document %d: %w", len(p.docs)+1, dup)
		}
		p.docs = append(p.docs, &n)
	}
	return p, nil
}

// tokenStart returns the byte offset where the token of node n begins: its
// position, past any anchor and tag properties, spaces, line breaks and
// comments between them and the content. It returns -1 when the position is
// unknown.
func (p *parsed) tokenStart(n *yaml.Node) int {
	o, ok := p.lines.Offset(n.Line, n.Column)
	if !ok {
		return -1
	}
	if n.Kind != yaml.ScalarNode {
		return o
	}
	return manifest.SkipProperties(p.src, o)
}

// offset returns the byte offset of a yaml.v3 position, or -1.
func (p *parsed) offset(line, column int) int {
	if o, ok := p.lines.Offset(line, column); ok {
		return o
	}
	return -1
}

func hasBreak(b []byte) bool {
	for i := range b {
		if manifest.BreakLen(b, i) > 0 {
			return true
		}
	}
	return false
}
