package helmrepo

import (
	"bytes"
	"encoding/json"
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
