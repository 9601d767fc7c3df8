package helmrepo

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"
)

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
		idx.Entries[name] = appendEntries(make([]Entry, 0, len(es)), es)
	}
	return idx
}

// appendEntries appends es to out, dropping null entries and entries
// without a version.
func appendEntries(out []Entry, es []*rawEntry) []Entry {
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
	return out
}
