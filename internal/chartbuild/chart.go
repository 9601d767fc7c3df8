package chartbuild

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"maps"
	"slices"
	"time"

	"sigs.k8s.io/yaml"
)

// Chart is one chart version to build.
type Chart struct {
	Name, Version, AppVersion string
	// Created defaults to DefaultCreated.
	Created    time.Time
	Deprecated bool

	KubeVersion string
	Description string
	// Changes becomes the artifacthub.io/changes annotation.
	Changes     string
	Annotations map[string]string
	Home        string
	Sources     []string
	Keywords    []string
	// URL overrides the download URL written in the index.
	URL string
	// Files, when set, are the archive's files besides Chart.yaml (paths
	// inside the chart directory, such as "values.yaml" or
	// "crds/widget.yaml"); otherwise it holds a values.yaml and one template.
	Files map[string]string
}

// DefaultCreated is the Created time of a Chart that sets none.
var DefaultCreated = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Metadata is Chart.yaml: the fields of helm's chart.Metadata that charts
// built here set, with the same JSON names, so that it marshals to the same
// bytes.
type Metadata struct {
	Name        string            `json:"name,omitempty"`
	Home        string            `json:"home,omitempty"`
	Sources     []string          `json:"sources,omitempty"`
	Version     string            `json:"version,omitempty"`
	Description string            `json:"description,omitempty"`
	Keywords    []string          `json:"keywords,omitempty"`
	APIVersion  string            `json:"apiVersion,omitempty"`
	AppVersion  string            `json:"appVersion,omitempty"`
	Deprecated  bool              `json:"deprecated,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	KubeVersion string            `json:"kubeVersion,omitempty"`
	Type        string            `json:"type,omitempty"`
}

// ArchiveName is the chart's file name in a repository: "<name>-<version>.tgz".
func (c Chart) ArchiveName() string { return c.Name + "-" + c.Version + ".tgz" }

// CreatedOrDefault is Created, or DefaultCreated when it is zero.
func (c Chart) CreatedOrDefault() time.Time {
	if c.Created.IsZero() {
		return DefaultCreated
	}
	return c.Created
}

// Metadata is the chart's Chart.yaml content (apiVersion v2, type
// application); Changes is merged into the annotations.
func (c Chart) Metadata() *Metadata {
	md := &Metadata{
		APIVersion:  "v2",
		Name:        c.Name,
		Version:     c.Version,
		AppVersion:  c.AppVersion,
		Deprecated:  c.Deprecated,
		KubeVersion: c.KubeVersion,
		Description: c.Description,
		Home:        c.Home,
		Sources:     c.Sources,
		Keywords:    c.Keywords,
		Type:        "application",
	}
	if c.Changes != "" || len(c.Annotations) > 0 {
		md.Annotations = maps.Clone(c.Annotations)
		if md.Annotations == nil {
			md.Annotations = map[string]string{}
		}
		if c.Changes != "" {
			md.Annotations["artifacthub.io/changes"] = c.Changes
		}
	}
	return md
}

// Archive builds the chart's .tgz: Chart.yaml, then its Files in name
// order, or by default values.yaml and one template, under a directory
// named after the chart, with every mtime set to the chart's created time.
func Archive(c Chart) ([]byte, error) {
	chartYAML, err := yaml.Marshal(c.Metadata())
	if err != nil {
		return nil, fmt.Errorf("marshal Chart.yaml %s: %w", c.Name, err)
	}
	files := []File{
		{c.Name + "/Chart.yaml", chartYAML},
		{c.Name + "/values.yaml", []byte("replicaCount: 1\n")},
		{c.Name + "/templates/configmap.yaml", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  replicas: {{ .Values.replicaCount | quote }}\n")},
	}
	if c.Files != nil {
		files = files[:1]
		for _, f := range SortedFiles(c.Files) {
			files = append(files, File{c.Name + "/" + f.Name, f.Body})
		}
	}
	b, err := TarGz(files, c.CreatedOrDefault())
	if err != nil {
		return nil, fmt.Errorf("archive %s: %w", c.Name, err)
	}
	return b, nil
}

// File is one regular file of an archive.
type File struct {
	Name string
	Body []byte
}

// TarGz writes files, in the order given, to a gzipped tar with mode 0644
// and mtime modTime for each and no gzip timestamp.
func TarGz(files []File, modTime time.Time) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		hdr := &tar.Header{Name: f.Name, Mode: 0o644, Size: int64(len(f.Body)), ModTime: modTime, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.Name, err)
		}
		if _, err := tw.Write(f.Body); err != nil {
			return nil, fmt.Errorf("tar %s: %w", f.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("tar: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// SortedFiles turns a name → body map into Files sorted by name.
func SortedFiles(m map[string]string) []File {
	out := make([]File, 0, len(m))
	for _, n := range slices.Sorted(maps.Keys(m)) {
		out = append(out, File{n, []byte(m[n])})
	}
	return out
}
