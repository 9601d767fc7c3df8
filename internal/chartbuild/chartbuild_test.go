package chartbuild_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"sigs.k8s.io/yaml"

	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/versioning"
)

var full = chartbuild.Chart{
	Name: "podinfo", Version: "6.5.0+up1", AppVersion: "6.5.0", Created: time.Date(2024, 2, 1, 10, 0, 0, 0, time.UTC),
	Deprecated: true, KubeVersion: ">=1.23.0-0", Description: "Podinfo", Changes: "- fixed a bug\n",
	Annotations: map[string]string{"a": "b"}, Home: "https://example.com", Sources: []string{"https://src"}, Keywords: []string{"k"},
}

// Metadata must marshal exactly as helm's chart.Metadata with the same
// values: Chart.yaml and index entries are built from it.
func TestMetadata_matchesHelm(t *testing.T) {
	t.Parallel()
	md := full.Metadata()
	helm := &helmchart.Metadata{
		APIVersion: md.APIVersion, Name: md.Name, Version: md.Version, AppVersion: md.AppVersion, Deprecated: md.Deprecated,
		KubeVersion: md.KubeVersion, Description: md.Description, Home: md.Home, Sources: slices.Clone(md.Sources), Keywords: slices.Clone(md.Keywords),
		Type: md.Type, Annotations: maps.Clone(md.Annotations), // Validate sanitizes in place: never the shared fixture's
	}
	for name, marshal := range map[string]func(any) ([]byte, error){"json": json.Marshal, "yaml": yaml.Marshal} {
		got, err := marshal(md)
		if err != nil {
			t.Fatal(err)
		}
		want, err := marshal(helm)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), string(got)); diff != "" {
			t.Errorf("%s mismatch (-helm +chartbuild):\n%s", name, diff)
		}
	}
	if err := helm.Validate(); err != nil {
		t.Errorf("helm rejects the metadata: %v", err)
	}
}

// memTarget keeps what Push stores.
type memTarget struct {
	blobs map[string][]byte
	tags  map[string]ocispec.Descriptor
}

func (m *memTarget) Push(_ context.Context, d ocispec.Descriptor, r io.Reader) error {
	b, err := io.ReadAll(r)
	m.blobs[d.Digest.String()] = b
	return err
}

func (m *memTarget) PushReference(ctx context.Context, d ocispec.Descriptor, r io.Reader, ref string) error {
	m.tags[ref] = d
	return m.Push(ctx, d, r)
}

// pushFull pushes the artifact of full under tag 6.5.0_up1 to a fresh
// memTarget.
func pushFull(t *testing.T) (chartbuild.Artifact, *memTarget, ocispec.Descriptor) {
	t.Helper()
	art, err := chartbuild.HelmArtifact(full)
	if err != nil {
		t.Fatal(err)
	}
	target := &memTarget{blobs: map[string][]byte{}, tags: map[string]ocispec.Descriptor{}}
	md, err := chartbuild.Push(context.Background(), target, "6.5.0_up1", art)
	if err != nil {
		t.Fatal(err)
	}
	return art, target, md
}

func TestHelmArtifact_Push(t *testing.T) {
	t.Parallel()
	art, target, md := pushFull(t)
	if target.tags["6.5.0_up1"].Digest != md.Digest {
		t.Fatalf("tag points at %v, want %v", target.tags["6.5.0_up1"], md)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(target.blobs[md.Digest.String()], &m); err != nil {
		t.Fatal(err)
	}
	if m.Config.MediaType != versioning.HelmConfigMediaType || len(m.Layers) != 1 || m.Layers[0].MediaType != versioning.HelmChartMediaType {
		t.Fatalf("manifest layout = %+v", m)
	}
	wantAnn := map[string]string{
		ocispec.AnnotationCreated: "2024-02-01T10:00:00Z", ocispec.AnnotationTitle: "podinfo", ocispec.AnnotationVersion: "6.5.0+up1",
	}
	if diff := cmp.Diff(wantAnn, m.Annotations); diff != "" {
		t.Errorf("annotations mismatch (-want +got):\n%s", diff)
	}
	var cfg helmchart.Metadata
	if err := json.Unmarshal(target.blobs[m.Config.Digest.String()], &cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Version != full.Version || cfg.AppVersion != full.AppVersion || !cfg.Deprecated || cfg.Annotations["artifacthub.io/changes"] != full.Changes {
		t.Errorf("config = %+v", cfg)
	}
	ch, err := loader.LoadArchive(bytes.NewReader(target.blobs[m.Layers[0].Digest.String()]))
	if err != nil {
		t.Fatalf("layer is not a chart: %v", err)
	}
	if ch.Metadata.Name != "podinfo" || ch.Metadata.Version != full.Version {
		t.Errorf("loaded %+v", ch.Metadata)
	}
	again, _ := chartbuild.HelmArtifact(full)
	if !bytes.Equal(again.Layer, art.Layer) || !bytes.Equal(again.Config, art.Config) {
		t.Error("HelmArtifact is not deterministic")
	}
}

// Manifest is exactly what Push stores under the tag: a registry serving
// Manifest's bytes reports the digest Push returned.
func TestArtifact_ManifestIsPushed(t *testing.T) {
	t.Parallel()
	a, target, md := pushFull(t)
	want, err := a.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	got := target.blobs[target.tags["6.5.0_up1"].Digest.String()]
	if !bytes.Equal(got, want) || md.Digest != chartbuild.Descriptor(md.MediaType, want).Digest {
		t.Errorf("pushed manifest %s (%s), Manifest() %s", got, md.Digest, want)
	}
}

// A chart with Files holds Chart.yaml and exactly those files, which helm's
// loader reads back.
func TestArchive_Files(t *testing.T) {
	t.Parallel()
	c := chartbuild.Chart{Name: "app", Version: "1.0.0", Files: map[string]string{
		"values.yaml":      "image:\n  tag: \"1.0\"\n",
		"crds/widget.yaml": "kind: CustomResourceDefinition\n",
	}}
	b, err := chartbuild.Archive(c)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := loader.LoadArchive(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range ch.Raw {
		got[f.Name] = string(f.Data)
	}
	delete(got, "Chart.yaml")
	if diff := cmp.Diff(c.Files, got); diff != "" {
		t.Errorf("archive files (-want +got):\n%s", diff)
	}
	if ch.Metadata.Name != "app" || len(ch.Templates) != 0 {
		t.Errorf("loaded chart %s with %d templates", ch.Metadata.Name, len(ch.Templates))
	}
}
