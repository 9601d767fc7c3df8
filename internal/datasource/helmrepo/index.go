package helmrepo

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// Index is the part of a Helm index.yaml bosun reads.
type Index struct {
	APIVersion string
	// Entries maps chart name to its entries in file order.
	Entries map[string][]Entry
}

// Entry is one chart version of an index.
type Entry struct {
	Name, Version, AppVersion, KubeVersion string
	// Created is the raw RFC 3339 timestamp as written.
	Created    string
	Deprecated bool
	Digest     string
	// URLs are as written (possibly relative); nil when none.
	URLs []string
	// Changes is the raw artifacthub.io/changes annotation.
	Changes string
}

const changesKey = "artifacthub.io/changes"

// errFallback makes ParseIndex hand the document to yaml.v3.
var errFallback = errors.New("not helm's block layout")

// ParseIndex parses an index.yaml (or index.json) body. JSON is used when the
// body is valid JSON (as Helm and Flux do); otherwise a line-oriented reader
// of the exact block layout helm writes runs, and any construct it does not
// recognise hands the whole document to yaml.v3, which decodes into the same
// minimal struct. Both paths yield identical results. Strings may share
// memory with body, which must not be modified afterwards.
//
// A missing apiVersion or malformed document is an error; entries that are
// null or lack a version are dropped.
func ParseIndex(body []byte) (*Index, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty index")
	}
	var idx *Index
	var err error
	switch {
	case looksJSON(body) && json.Valid(body):
		idx, err = parseJSON(body)
	default:
		idx, err = parseFast(body)
		if errors.Is(err, errFallback) {
			idx, err = parseYAML(body)
		}
	}
	if err != nil {
		return nil, err
	}
	if idx.APIVersion == "" {
		return nil, errors.New("no apiVersion in index")
	}
	return idx, nil
}

func looksJSON(b []byte) bool {
	for _, c := range b {
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '{':
			return true
		default:
			return false
		}
	}
	return false
}

// minimal decode targets for yaml.v3 and encoding/json.
type rawIndex struct {
	APIVersion string                 `yaml:"apiVersion" json:"apiVersion"`
	Entries    map[string][]*rawEntry `yaml:"entries" json:"entries"`
}

type rawEntry struct {
	Name        string         `yaml:"name" json:"name"`
	Version     string         `yaml:"version" json:"version"`
	AppVersion  string         `yaml:"appVersion" json:"appVersion"`
	KubeVersion string         `yaml:"kubeVersion" json:"kubeVersion"`
	Created     string         `yaml:"created" json:"created"`
	Deprecated  bool           `yaml:"deprecated" json:"deprecated"`
	Digest      string         `yaml:"digest" json:"digest"`
	URLs        []string       `yaml:"urls" json:"urls"`
	Annotations rawAnnotations `yaml:"annotations" json:"annotations"`
}

type rawAnnotations struct {
	Changes string `yaml:"artifacthub.io/changes" json:"artifacthub.io/changes"`
}

func parseYAML(body []byte) (*Index, error) {
	var raw rawIndex
	if err := yaml.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("parse index yaml: %w", err)
	}
	return fromRaw(&raw), nil
}

func parseJSON(body []byte) (*Index, error) {
	var raw rawIndex
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("parse index json: %w", err)
	}
	return fromRaw(&raw), nil
}

func fromRaw(raw *rawIndex) *Index {
	idx := &Index{APIVersion: raw.APIVersion, Entries: make(map[string][]Entry, len(raw.Entries))}
	for name, es := range raw.Entries {
		out := make([]Entry, 0, len(es))
		for _, e := range es {
			if e == nil || e.Version == "" {
				continue
			}
			urls := e.URLs
			if len(urls) == 0 {
				urls = nil
			}
			out = append(out, Entry{
				Name: e.Name, Version: e.Version, AppVersion: e.AppVersion, KubeVersion: e.KubeVersion,
				Created: e.Created, Deprecated: e.Deprecated, Digest: e.Digest, URLs: urls,
				Changes: e.Annotations.Changes,
			})
		}
		idx.Entries[name] = out
	}
	return idx
}

// ---- fast path -------------------------------------------------------------

// fastParser reads helm's block layout: 2-space indentation, indentless
// sequences ("- " at the parent key's indent), one key per line.
type fastParser struct {
	s   string
	pos int // start of the next unread line
	// the current line
	line   string
	indent int
	// scratch backs region's result; valid until the next region call.
	scratch []string
}

// next loads the next line; false at end of input.
func (p *fastParser) next() bool {
	if p.pos >= len(p.s) {
		return false
	}
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

func parseFast(body []byte) (*Index, error) {
	if bytes.IndexByte(body, '\r') >= 0 || bytes.IndexByte(body, '\t') >= 0 || !utf8.Valid(body) {
		return nil, errFallback
	}
	p := &fastParser{s: string(body)}
	idx := &Index{}
	var seen []string
	for p.next() {
		if strings.TrimSpace(p.line) == "" {
			continue
		}
		if p.indent != 0 {
			return nil, errFallback
		}
		key, rest, ok := splitKey(p.line)
		if !ok || dup(seen, key) {
			return nil, errFallback
		}
		seen = append(seen, key)
		switch key {
		case "apiVersion":
			v, err := p.scalar(0, rest)
			if err != nil {
				return nil, err
			}
			idx.APIVersion = v
		case "entries":
			if err := p.entries(idx, rest); err != nil {
				return nil, err
			}
		default:
			p.skip(0, true)
		}
	}
	if idx.Entries == nil {
		idx.Entries = map[string][]Entry{}
	}
	return idx, nil
}

func dup(seen []string, k string) bool {
	for _, s := range seen {
		if s == k {
			return true
		}
	}
	return false
}

func (p *fastParser) entries(idx *Index, rest string) error {
	switch rest {
	case "":
	case "{}", "null", "~":
		return nil
	default:
		return errFallback
	}
	idx.Entries = map[string][]Entry{}
	for {
		in, blank, _, ok := p.peek()
		if !ok || (!blank && in == 0) {
			return nil
		}
		p.next()
		if blank {
			continue
		}
		if p.indent != 2 {
			return errFallback
		}
		name, rest, ok := splitKey(p.line[2:])
		if !ok {
			return errFallback
		}
		if _, exists := idx.Entries[name]; exists {
			return errFallback
		}
		if rest == "[]" || rest == "null" || rest == "~" {
			idx.Entries[name] = []Entry{}
			continue
		}
		if rest != "" {
			return errFallback
		}
		list, err := p.entryList()
		if err != nil {
			return err
		}
		idx.Entries[name] = list
	}
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

// scalar decodes the string value of a key at indent whose inline text is
// rest, consuming any continuation lines.
func (p *fastParser) scalar(indent int, rest string) (string, error) {
	if strings.HasPrefix(rest, "|") {
		return p.literal(indent, rest)
	}
	if in, blank, _, ok := p.peek(); !ok || blank || in <= indent {
		v, ok := inlineScalar(rest)
		if !ok {
			return snippet(indent, rest, nil)
		}
		return v, nil
	}
	lines := p.region(indent, false)
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	if rest != "" && rest[0] == '\'' {
		if v, ok := foldSingle(rest, lines); ok {
			return v, nil
		}
	} else if rest != "" && plainStart(rest) {
		if v, ok := foldPlain(rest, lines); ok {
			return v, nil
		}
	}
	return snippet(indent, rest, lines)
}

func plainStart(s string) bool {
	switch s[0] {
	case '"', '\'', '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', ']', '{', '}', ',', ' ', '-', '?', ':':
		return false
	}
	return true
}

// fold joins the lines of a multi-line flow scalar: one line break becomes
// a space, n+1 breaks (n empty lines) become n newlines, and white space
// around breaks is dropped. first is the text after the opening quote (or
// the whole first line of a plain scalar); last is kept untrimmed on the
// right when keepLastRight (quoted scalars).
func fold(first string, lines []string, keepLastRight bool) string {
	var b strings.Builder
	b.WriteString(strings.TrimRight(first, " "))
	breaks := 0
	for i, l := range lines {
		l = strings.TrimLeft(l, " ")
		if !(keepLastRight && i == len(lines)-1) {
			l = strings.TrimRight(l, " ")
		}
		if l == "" && i < len(lines)-1 {
			breaks++
			continue
		}
		if breaks > 0 {
			b.WriteString(strings.Repeat("\n", breaks))
		} else {
			b.WriteByte(' ')
		}
		breaks = 0
		b.WriteString(l)
	}
	return b.String()
}

func foldSingle(rest string, lines []string) (string, bool) {
	if len(lines) == 0 {
		return "", false
	}
	last := lines[len(lines)-1]
	if !strings.HasSuffix(last, "'") {
		return "", false
	}
	body := rest[1:]
	mid := append(append([]string(nil), lines[:len(lines)-1]...), last[:len(last)-1])
	for _, l := range append([]string{body}, mid...) {
		if strings.Contains(strings.ReplaceAll(l, "''", ""), "'") {
			return "", false
		}
	}
	// A last line holding only the closing quote still ends in a break.
	return strings.ReplaceAll(fold(body, mid, true), "''", "'"), true
}

func foldPlain(rest string, lines []string) (string, bool) {
	if _, ok := inlineScalar(rest); !ok {
		return "", false
	}
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if strings.Contains(t, ": ") || strings.Contains(t, " #") || strings.HasPrefix(t, "#") || strings.HasSuffix(t, ":") {
			return "", false
		}
	}
	return fold(rest, lines, false), true
}

// snippet decodes one awkward scalar with yaml.v3: the key line and its
// continuation lines, dedented, as a one-key document. Failure defers to
// the whole-document yaml.v3 parse (for its error message).
func snippet(indent int, rest string, lines []string) (string, error) {
	var b strings.Builder
	b.WriteString("k: ")
	b.WriteString(rest)
	b.WriteByte('\n')
	for _, l := range lines {
		if len(l) > indent {
			b.WriteString(l[indent:])
		}
		b.WriteByte('\n')
	}
	var m map[string]string
	if err := yaml.Unmarshal([]byte(b.String()), &m); err != nil {
		return "", errFallback
	}
	return m["k"], nil
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

// literal decodes a block literal scalar ("|", "|-", "|+", with an
// optional indentation indicator: content at indent+n).
func (p *fastParser) literal(indent int, header string) (string, error) {
	chomp := byte(0)
	ci := 0
	for _, c := range []byte(header[1:]) {
		switch {
		case (c == '-' || c == '+') && chomp == 0:
			chomp = c
		case c >= '1' && c <= '9' && ci == 0:
			ci = indent + int(c-'0')
		default:
			return snippet(indent, header, p.region(indent, false))
		}
	}
	lines := p.region(indent, false)
	if len(lines) == 0 {
		return "", nil // "|" with no content: yaml.v3 gives ""
	}
	if ci == 0 {
		// Auto-detected indentation; leading blank lines are left to yaml.v3.
		if strings.TrimSpace(lines[0]) == "" {
			return snippet(indent, header, lines)
		}
		for ci < len(lines[0]) && lines[0][ci] == ' ' {
			ci++
		}
	}
	var b strings.Builder
	n := 0
	for _, l := range lines {
		n += len(l) + 1
	}
	b.Grow(n)
	breaks := 0 // blank lines not yet written
	content := false
	for _, l := range lines {
		if len(l) <= ci && strings.TrimLeft(l, " ") == "" {
			breaks++
			continue
		}
		if len(l) < ci || strings.TrimLeft(l[:ci], " ") != "" {
			return snippet(indent, header, lines)
		}
		for ; breaks > 0; breaks-- {
			b.WriteByte('\n')
		}
		b.WriteString(l[ci:])
		b.WriteByte('\n')
		content = true
	}
	if !content {
		return snippet(indent, header, lines)
	}
	s := b.String()
	switch chomp {
	case '-':
		s = strings.TrimRight(s, "\n")
	case '+':
		s += strings.Repeat("\n", breaks)
	}
	return s, nil
}

// splitKey splits "key: rest" or "key:" (plain or quoted key).
func splitKey(l string) (key, rest string, ok bool) {
	if l == "" {
		return "", "", false
	}
	switch l[0] {
	case '"', '\'':
		end := closingQuote(l)
		if end < 0 || end+1 >= len(l) || l[end+1] != ':' {
			return "", "", false
		}
		k, ok := inlineScalar(l[:end+1])
		if !ok {
			return "", "", false
		}
		rest = l[end+2:]
		if rest != "" && rest[0] != ' ' {
			return "", "", false
		}
		return k, strings.TrimLeft(rest, " "), true
	case '-', '?', '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', '{', ']', '}', ',', ' ':
		return "", "", false
	}
	i := strings.Index(l, ": ")
	if i < 0 {
		if l[len(l)-1] != ':' {
			return "", "", false
		}
		i = len(l) - 1
		rest = ""
	} else {
		rest = strings.TrimLeft(l[i+2:], " ")
	}
	key = l[:i]
	if badPlainKey(key) {
		return "", "", false
	}
	return key, rest, true
}

func badPlainKey(k string) bool {
	for i := 0; i < len(k); i++ {
		switch k[i] {
		case '#', '"', '\'':
			return true
		}
	}
	return k[len(k)-1] == ' ' || isNullish(k) || k == "<<"
}

func closingQuote(l string) int {
	q := l[0]
	for i := 1; i < len(l); i++ {
		switch {
		case q == '"' && l[i] == '\\':
			i++
		case l[i] == q:
			if q == '\'' && i+1 < len(l) && l[i+1] == '\'' {
				i++
				continue
			}
			return i
		}
	}
	return -1
}

func isNullish(s string) bool {
	switch s {
	case "", "~", "null", "Null", "NULL":
		return true
	}
	return false
}

// inlineScalar decodes a one-line scalar the way yaml.v3 decodes it into a
// string; false when unsure.
func inlineScalar(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	switch s[0] {
	case '"':
		if len(s) < 2 || closingQuote(s) != len(s)-1 {
			return "", false
		}
		in := s[1 : len(s)-1]
		if strings.IndexByte(in, '\\') < 0 {
			return in, true
		}
		return unescapeDouble(in)
	case '\'':
		if len(s) < 2 || closingQuote(s) != len(s)-1 {
			return "", false
		}
		in := s[1 : len(s)-1]
		if strings.IndexByte(in, '\'') < 0 {
			return in, true
		}
		return strings.ReplaceAll(in, "''", "'"), true
	case '-', '?', ':':
		if len(s) == 1 || s[1] == ' ' {
			return "", false
		}
	case '#', '&', '*', '!', '|', '>', '%', '@', '`', '[', ']', '{', '}', ',', ' ':
		return "", false
	}
	if strings.Contains(s, " #") || strings.Contains(s, ": ") || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return "", false
	}
	if isNullish(s) {
		return "", true
	}
	return s, true
}

func unescapeDouble(in string) (string, bool) {
	var b strings.Builder
	b.Grow(len(in))
	for i := 0; i < len(in); i++ {
		c := in[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(in) {
			return "", false
		}
		var r rune
		n := 0
		switch in[i] {
		case '0':
			r = 0
		case 'a':
			r = '\a'
		case 'b':
			r = '\b'
		case 't', '\t':
			r = '\t'
		case 'n':
			r = '\n'
		case 'v':
			r = '\v'
		case 'f':
			r = '\f'
		case 'r':
			r = '\r'
		case 'e':
			r = 0x1b
		case ' ':
			r = ' '
		case '"':
			r = '"'
		case '/':
			r = '/'
		case '\\':
			r = '\\'
		case 'N':
			r = 0x85
		case '_':
			r = 0xa0
		case 'L':
			r = 0x2028
		case 'P':
			r = 0x2029
		case 'x':
			n = 2
		case 'u':
			n = 4
		case 'U':
			n = 8
		default:
			return "", false
		}
		if n > 0 {
			if i+1+n > len(in) {
				return "", false
			}
			v, err := strconv.ParseUint(in[i+1:i+1+n], 16, 32)
			if err != nil || !utf8.ValidRune(rune(v)) {
				return "", false
			}
			r = rune(v)
			i += n
		}
		b.WriteRune(r)
	}
	return b.String(), true
}
