package helmrepo

import (
	"errors"
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

// errFallback makes a reader hand its text to yaml.v3 (or encoding/json).
var errFallback = errors.New("not a layout the fast readers know")

// ParseIndex parses an index.yaml (or index.json) body. JSON is used when the
// body is valid JSON (as Helm and Flux do). The document is split into
// charts by a scan of its text (block style at any indentation, flow style,
// JSON); each chart's entries are read by a line-oriented reader of the exact
// block layout helm writes, or else decoded by yaml.v3 (encoding/json) a few
// entries at a time. Any construct the scan does not recognise hands the
// whole document to yaml.v3, which decodes into the same minimal struct. All
// paths yield identical results.
//
// A missing apiVersion or malformed document is an error; entries that are
// null or lack a version are dropped.
func ParseIndex(body []byte) (*Index, error) {
	c, err := openCatalog(body)
	if err != nil {
		return nil, err
	}
	return c.index()
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
