package helmrepo

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// chunkSize bounds the text handed to one yaml.v3 or encoding/json call
// when a chart's entries are not in helm's own layout: a decoder's node
// tree takes tens of times the text it reads, so entries are decoded a
// few hundred kilobytes at a time and only the minimal Entry values kept.
const chunkSize = 256 << 10

// catalog is an index whose charts are decoded on demand. Opening it reads
// apiVersion and finds where each chart's entries are written; entries
// decodes one chart. Memory is the body plus the entries of the charts
// asked for, whatever the layout: block mappings at any indentation, flow
// mappings and JSON are split by a scan of the text, and only documents
// that scan does not understand (several documents, anchors and aliases,
// tags, CR line ends, a BOM) are decoded whole by yaml.v3.
type catalog struct {
	apiVersion string
	// s is the body; chart texts and decoded strings share its memory.
	s      string
	charts map[string]chartText
	json   bool
	// helm reports that the document is in the layout helm writes (block
	// style, 2-space indentation, no comments or markers).
	helm bool
	// whole is set once the document had to be decoded at once.
	whole *Index
}

// chartText is one chart's value: a block sequence (seq is the indent of
// its "- " items; text is its lines) or a flow sequence (seq < 0; text is
// "[...]"). An empty text means no entries.
type chartText struct {
	text string
	seq  int
}

// openCatalog splits body into charts. JSON is recognised as ParseIndex
// does; a missing apiVersion is an error.
func openCatalog(body []byte) (*catalog, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty index")
	}
	isJSON := looksJSON(body) && json.Valid(body)
	s := string(body)
	var c *catalog
	var err error
	if isJSON {
		c, err = splitFlowDoc(s, strings.IndexByte(s, '{'), true)
	} else {
		c, err = splitYAML(s)
	}
	if errors.Is(err, errFallback) {
		c, err = wholeCatalog(s, isJSON)
	}
	if err != nil {
		return nil, err
	}
	if c.apiVersion == "" {
		return nil, errors.New("no apiVersion in index")
	}
	return c, nil
}

func wholeCatalog(s string, isJSON bool) (*catalog, error) {
	parse := parseYAML
	if isJSON {
		parse = parseJSON
	}
	idx, err := parse([]byte(s))
	if err != nil {
		return nil, err
	}
	return &catalog{apiVersion: idx.APIVersion, s: s, json: isJSON, whole: idx}, nil
}

// size is the number of charts in the index.
func (c *catalog) size() int {
	if c.whole != nil {
		return len(c.whole.Entries)
	}
	return len(c.charts)
}

// entries decodes the entries of chart name; ok is false when the index
// has no such chart. An error means the document is malformed.
func (c *catalog) entries(name string) (es []Entry, ok bool, err error) {
	if c.whole == nil {
		ct, ok := c.charts[name]
		if !ok {
			return nil, false, nil
		}
		es, err := c.decode(ct)
		if !errors.Is(err, errFallback) {
			return es, true, err
		}
		// Not decodable on its own (an alias, a syntax error): yaml.v3 or
		// encoding/json on the whole document decides, as before.
		w, err := wholeCatalog(c.s, c.json)
		if err != nil {
			return nil, false, err
		}
		c.whole = w.whole
	}
	es, ok = c.whole.Entries[name]
	return es, ok, nil
}

// index decodes every chart.
func (c *catalog) index() (*Index, error) {
	idx := &Index{APIVersion: c.apiVersion, Entries: make(map[string][]Entry, len(c.charts))}
	for name := range c.charts {
		es, _, err := c.entries(name)
		if err != nil {
			return nil, err
		}
		if c.whole != nil {
			break
		}
		idx.Entries[name] = es
	}
	if c.whole != nil {
		return c.whole, nil
	}
	return idx, nil
}

func (c *catalog) decode(ct chartText) ([]Entry, error) {
	switch {
	case ct.text == "":
		return []Entry{}, nil
	case ct.seq < 0:
		return c.decodeFlow(ct.text)
	case ct.seq == 2 && strings.IndexByte(ct.text, '\t') < 0:
		p := &fastParser{s: ct.text}
		if list, err := p.entryList(); err == nil && strings.TrimLeft(ct.text[p.pos:], " \n") == "" {
			return list, nil
		}
	}
	return decodeBlock(ct.text, ct.seq)
}

// decodeBlock decodes a block sequence a chunk of whole items at a time.
func decodeBlock(text string, seq int) ([]Entry, error) {
	out := []Entry{}
	chunk := 0
	p := &fastParser{s: text}
	var err error
	for p.next() {
		t := p.line[p.indent:]
		if t == "" || t[0] == '#' {
			continue
		}
		if p.indent < seq {
			return nil, errFallback
		}
		if p.indent == seq && isDash(t) && p.start-chunk >= chunkSize {
			if out, err = decodeChunk(out, text[chunk:p.start], false); err != nil {
				return nil, err
			}
			chunk = p.start
		}
	}
	return decodeChunk(out, text[chunk:], false)
}

// decodeFlow decodes a flow sequence "[...]" a chunk of items at a time.
func (c *catalog) decodeFlow(text string) ([]Entry, error) {
	items, end := flowItems(text)
	if end < 0 {
		return nil, errFallback
	}
	out := []Entry{}
	var err error
	for i := 0; i < len(items); {
		j := i + 1
		for j < len(items) && items[j].end-items[i].start < chunkSize {
			j++
		}
		chunk := "[" + text[items[i].start:items[j-1].end] + "\n]"
		if out, err = decodeChunk(out, chunk, c.json); err != nil {
			return nil, err
		}
		i = j
	}
	return out, nil
}

func decodeChunk(out []Entry, chunk string, isJSON bool) ([]Entry, error) {
	var raw []*rawEntry
	var err error
	if isJSON {
		err = json.Unmarshal([]byte(chunk), &raw)
	} else {
		err = yaml.Unmarshal([]byte(chunk), &raw)
	}
	if err != nil {
		return nil, errFallback
	}
	return appendEntries(out, raw), nil
}

func isDash(t string) bool {
	return t[0] == '-' && (len(t) == 1 || t[1] == ' ')
}

// plainText reports whether s is a document with no CR, BOM or invalid
// UTF-8, which the splitters can read line by line.
func plainText(s string) bool {
	return strings.IndexByte(s, '\r') < 0 && !strings.HasPrefix(s, "\ufeff") && utf8.ValidString(s)
}
