package helmrepo

import (
	"strings"
)

// fastParser reads helm's block layout: 2-space indentation, indentless
// sequences ("- " at the parent key's indent), one key per line.
type fastParser struct {
	s   string
	pos int // start of the next unread line
	// the current line and its offset in s
	line   string
	start  int
	indent int
	// scratch backs region's result; valid until the next region call.
	scratch []string
}

// next loads the next line; false at end of input.
func (p *fastParser) next() bool {
	if p.pos >= len(p.s) {
		return false
	}
	p.start = p.pos
	end := strings.IndexByte(p.s[p.pos:], '\n')
	if end < 0 {
		p.line = p.s[p.pos:]
		p.pos = len(p.s)
	} else {
		p.line = p.s[p.pos : p.pos+end]
		p.pos += end + 1
	}
	i := 0
	for i < len(p.line) && p.line[i] == ' ' {
		i++
	}
	p.indent = i
	return true
}

// peekIndent returns the indent and emptiness of the next line without
// consuming it; ok false at end of input.
func (p *fastParser) peek() (indent int, blank, dash, ok bool) {
	if p.pos >= len(p.s) {
		return 0, false, false, false
	}
	i := p.pos
	for i < len(p.s) && p.s[i] == ' ' {
		i++
	}
	if i >= len(p.s) || p.s[i] == '\n' {
		return i - p.pos, true, false, true
	}
	dash = p.s[i] == '-' && (i+1 >= len(p.s) || p.s[i+1] == ' ' || p.s[i+1] == '\n')
	return i - p.pos, false, dash, true
}

// skip consumes a value's lines like region, without collecting them.
func (p *fastParser) skip(indent int, seq bool) {
	for {
		in, blank, dash, ok := p.peek()
		if !ok || !(blank || in > indent || (seq && dash && in == indent)) {
			return
		}
		p.next()
	}
}

// region consumes the lines that belong to a value whose key sits at
// indent: deeper lines, blank lines, and (when seq) "- " items at indent.
// It returns them (without the trailing newline of the last).
func (p *fastParser) region(indent int, seq bool) []string {
	lines := p.scratch[:0]
	defer func() { p.scratch = lines[:0] }()
	for {
		in, blank, dash, ok := p.peek()
		if !ok || !(blank || in > indent || (seq && dash && in == indent)) {
			return lines
		}
		p.next()
		lines = append(lines, p.line)
	}
}

func dup(seen []string, k string) bool {
	for _, s := range seen {
		if s == k {
			return true
		}
	}
	return false
}

// entryList reads "  - key: value" items and their "    key: value" fields.
func (p *fastParser) entryList() ([]Entry, error) {
	var list []Entry
	var seen []string
	for {
		in, blank, dash, ok := p.peek()
		if !ok || blank || in < 2 || (in == 2 && !dash) {
			return dropInvalid(list), nil
		}
		p.next()
		var field string
		switch {
		case in == 2: // "  - key: value": a new entry
			if len(p.line) < 5 {
				return nil, errFallback
			}
			list = append(list, Entry{})
			seen = seen[:0]
			field = p.line[4:]
			p.indent = 4
		case in == 4 && !dash && len(list) > 0:
			field = p.line[4:]
		default:
			return nil, errFallback
		}
		key, rest, ok := splitKey(field)
		if !ok || dup(seen, key) {
			return nil, errFallback
		}
		seen = append(seen, key)
		if err := p.field(&list[len(list)-1], key, rest); err != nil {
			return nil, err
		}
	}
}

func dropInvalid(list []Entry) []Entry {
	out := list[:0]
	for _, e := range list {
		if e.Version != "" {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return []Entry{}
	}
	return out
}

func (p *fastParser) field(e *Entry, key, rest string) error {
	var err error
	switch key {
	case "name":
		e.Name, err = p.scalar(4, rest)
	case "version":
		e.Version, err = p.scalar(4, rest)
	case "appVersion":
		e.AppVersion, err = p.scalar(4, rest)
	case "kubeVersion":
		e.KubeVersion, err = p.scalar(4, rest)
	case "created":
		e.Created, err = p.scalar(4, rest)
	case "digest":
		e.Digest, err = p.scalar(4, rest)
	case "deprecated":
		e.Deprecated, err = p.boolean(4, rest)
	case "urls":
		e.URLs, err = p.urls(rest)
	case "annotations":
		e.Changes, err = p.annotations(rest)
	default:
		p.skip(4, true)
	}
	return err
}

func (p *fastParser) urls(rest string) ([]string, error) {
	switch rest {
	case "", "null", "~", "[]":
	default:
		return nil, errFallback
	}
	lines := p.region(4, true)
	if rest != "" && len(lines) > 0 {
		return nil, errFallback
	}
	var out []string
	for _, l := range lines {
		if len(l) < 6 || l[:6] != "    - " {
			return nil, errFallback
		}
		v, ok := inlineScalar(l[6:])
		if !ok {
			return nil, errFallback
		}
		out = append(out, v)
	}
	return out, nil
}

func (p *fastParser) annotations(rest string) (string, error) {
	switch rest {
	case "", "null", "~", "{}":
	default:
		return "", errFallback
	}
	changes := ""
	var seen []string
	for {
		in, blank, _, ok := p.peek()
		if !ok || blank || in <= 4 {
			return changes, nil
		}
		if rest != "" || in != 6 {
			return "", errFallback
		}
		p.next()
		key, val, ok := splitKey(p.line[6:])
		if !ok || dup(seen, key) {
			return "", errFallback
		}
		seen = append(seen, key)
		if key != changesKey {
			p.skip(6, true)
			continue
		}
		v, err := p.scalar(6, val)
		if err != nil {
			return "", err
		}
		changes = v
	}
}

func (p *fastParser) boolean(indent int, rest string) (bool, error) {
	if in, blank, _, ok := p.peek(); ok && !blank && in > indent {
		return false, errFallback
	}
	switch rest {
	case "true":
		return true, nil
	case "false", "", "null", "~":
		return false, nil
	}
	return false, errFallback
}
