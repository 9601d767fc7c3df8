package helmrepo

import (
	"strings"
)

// splitYAML finds apiVersion and each chart's text in a block-style
// document (keys at any one indentation). A document whose top level is a
// flow mapping goes to splitFlowDoc. Anything it does not understand
// returns errFallback.
func splitYAML(s string) (*catalog, error) {
	if !plainText(s) {
		return nil, errFallback
	}
	tabs := strings.IndexByte(s, '\t') >= 0
	c := &catalog{s: s, charts: map[string]chartText{}, helm: !tabs}
	p := &fastParser{s: s}
	var seen []string
	top := -1
	for p.next() {
		t := p.line[p.indent:]
		switch {
		case t == "":
			continue
		case t[0] == '#' || (top < 0 && len(seen) == 0 && p.line == "---"):
			c.helm = false
			continue
		case top < 0 && t[0] == '{':
			return splitFlowDoc(s, p.start+p.indent, false)
		}
		if top < 0 {
			top = p.indent
		}
		if p.indent != top {
			return nil, errFallback
		}
		key, rest, ok := splitKey(t)
		if !ok || dup(seen, key) {
			return nil, errFallback
		}
		seen = append(seen, key)
		var err error
		switch key {
		case "apiVersion":
			if tabs {
				c.apiVersion, err = p.snippet(top, rest, p.region(top, false))
			} else {
				c.apiVersion, err = p.scalar(top, rest)
			}
		case "entries":
			err = c.splitEntries(p, top, rest)
		default:
			err = skipValue(p, top, rest)
		}
		if err != nil {
			return nil, err
		}
	}
	if top != 0 {
		c.helm = false
	}
	return c, nil
}

// restOffset is the offset in p.s of rest, a suffix of the current line.
func (p *fastParser) restOffset(rest string) int {
	return p.start + len(p.line) - len(rest)
}

// skipValue consumes the value of a key that is not read, checking that a
// flow collection or quoted scalar closes within it.
func skipValue(p *fastParser, indent int, rest string) error {
	off := p.restOffset(rest)
	p.skip(indent, true)
	if rest == "" || strings.IndexByte(`"'[{`, rest[0]) < 0 {
		return nil
	}
	text := p.s[off:p.pos]
	var end int
	if rest[0] == '[' || rest[0] == '{' {
		_, end = flowItems(text)
	} else if e := closingQuote(text); e >= 0 {
		end = e + 1
	} else {
		end = -1
	}
	if end < 0 || !blankRest(text[end:]) {
		return errFallback
	}
	return nil
}

// blankRest reports whether s holds only white space and comments.
func blankRest(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimLeft(l, " ")
		if l != "" && l[0] != '#' {
			return false
		}
	}
	return true
}

// splitEntries reads the value of "entries:", a block mapping of chart
// names below indent or an inline flow mapping.
func (c *catalog) splitEntries(p *fastParser, top int, rest string) error {
	switch {
	case rest == "":
	case rest == "{}" || isNullish(rest):
		return nil
	case rest[0] == '{':
		off := p.restOffset(rest)
		p.skip(top, false)
		c.helm = false
		return c.splitFlowEntries(p.s[off:p.pos], false)
	default:
		return errFallback
	}
	ci := -1
	for {
		in, blank, dash, ok := p.peek()
		switch {
		case !ok:
			return nil
		case blank:
			p.next()
			continue
		case p.s[p.pos+in] == '#':
			p.next()
			c.helm = false
			continue
		case in <= top:
			return nil
		}
		p.next()
		if ci < 0 {
			ci = in
			c.helm = c.helm && ci == 2
		}
		if in != ci || dash {
			return errFallback
		}
		name, rest, ok := splitKey(p.line[ci:])
		if _, dupl := c.charts[name]; !ok || dupl {
			return errFallback
		}
		ct, err := c.chartValue(p, ci, rest)
		if err != nil {
			return err
		}
		c.charts[name] = ct
	}
}

// chartValue reads the value of a chart key at indent ci: a block
// sequence below it, an inline flow sequence, or nothing.
func (c *catalog) chartValue(p *fastParser, ci int, rest string) (chartText, error) {
	off := p.restOffset(rest)
	from := p.pos
	switch {
	case rest == "":
		p.skip(ci, true)
		text := p.s[from:p.pos]
		if strings.TrimSpace(text) == "" {
			return chartText{}, nil
		}
		first := &fastParser{s: text}
		for first.next() {
			if t := first.line[first.indent:]; t != "" && t[0] != '#' {
				if !isDash(t) || first.indent < ci {
					return chartText{}, errFallback
				}
				c.helm = c.helm && first.indent == 2
				return chartText{text: text, seq: first.indent}, nil
			}
		}
		return chartText{}, nil // comments only
	case rest == "[]" || isNullish(rest):
		p.skip(ci, true)
		if !blankRest(p.s[from:p.pos]) {
			return chartText{}, errFallback
		}
		return chartText{}, nil
	case rest[0] == '[':
		p.skip(ci, false)
		c.helm = false
		text := p.s[off:p.pos]
		_, end := flowItems(text)
		if end < 0 || !blankRest(text[end:]) {
			return chartText{}, errFallback
		}
		return chartText{text: text[:end], seq: -1}, nil
	}
	return chartText{}, errFallback
}
