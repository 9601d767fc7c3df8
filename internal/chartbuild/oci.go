package chartbuild

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/opencontainers/go-digest"
	specs "github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/bosunhq/bosun/internal/versioning"
)

// Target is where Push stores an artifact; oras-go's remote.Repository is
// one.
type Target interface {
	Push(ctx context.Context, expected ocispec.Descriptor, content io.Reader) error
	PushReference(ctx context.Context, expected ocispec.Descriptor, content io.Reader, reference string) error
}

// Artifact is an OCI artifact of one config blob and one layer.
type Artifact struct {
	ConfigMediaType string
	Config          []byte
	LayerMediaType  string
	Layer           []byte
	// Annotations are the manifest's annotations (nil: none).
	Annotations map[string]string
	// ManifestMediaType is written in the manifest's mediaType field; ""
	// leaves the field out, as `helm push` does.
	ManifestMediaType string
}

// Descriptor describes b as content of mediaType.
func Descriptor(mediaType string, b []byte) ocispec.Descriptor {
	return ocispec.Descriptor{MediaType: mediaType, Digest: digest.FromBytes(b), Size: int64(len(b))}
}

// Push uploads the artifact's blobs, then its image manifest under tag, and
// returns the manifest's descriptor.
func Push(ctx context.Context, t Target, tag string, a Artifact) (ocispec.Descriptor, error) {
	cfg := Descriptor(a.ConfigMediaType, a.Config)
	layer := Descriptor(a.LayerMediaType, a.Layer)
	for _, b := range []struct {
		d ocispec.Descriptor
		c []byte
	}{{cfg, a.Config}, {layer, a.Layer}} {
		if err := t.Push(ctx, b.d, bytes.NewReader(b.c)); err != nil {
			return ocispec.Descriptor{}, fmt.Errorf("push blob %s: %w", b.d.MediaType, err)
		}
	}
	mb, err := a.Manifest()
	if err != nil {
		return ocispec.Descriptor{}, err
	}
	md := Descriptor(ocispec.MediaTypeImageManifest, mb)
	if err := t.PushReference(ctx, md, bytes.NewReader(mb), tag); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("push manifest %s: %w", tag, err)
	}
	return md, nil
}

// Manifest returns the artifact's image manifest as pushed: the config
// blob and the one layer, with the artifact's annotations. Its sha256 is
// the manifest digest a registry reports for it.
func (a Artifact) Manifest() ([]byte, error) {
	m := ocispec.Manifest{
		Versioned:   specs.Versioned{SchemaVersion: 2},
		MediaType:   a.ManifestMediaType,
		Config:      Descriptor(a.ConfigMediaType, a.Config),
		Layers:      []ocispec.Descriptor{Descriptor(a.LayerMediaType, a.Layer)},
		Annotations: a.Annotations,
	}
	mb, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("marshal manifest: %w", err)
	}
	return mb, nil
}

// HelmArtifact lays chart c out as a Helm OCI artifact: a config blob
// holding the Chart.yaml metadata as JSON (keys sorted), the chart archive
// as the one layer, and the org.opencontainers.image.{created,title,version}
// manifest annotations. Push it under versioning.ToTag(c.Version).
func HelmArtifact(c Chart) (Artifact, error) {
	layer, err := Archive(c)
	if err != nil {
		return Artifact{}, err
	}
	cfg, err := sortedJSON(c.Metadata())
	if err != nil {
		return Artifact{}, fmt.Errorf("chart config %s: %w", c.Name, err)
	}
	return Artifact{
		ConfigMediaType: versioning.HelmConfigMediaType,
		Config:          cfg,
		LayerMediaType:  versioning.HelmChartMediaType,
		Layer:           layer,
		Annotations: map[string]string{
			ocispec.AnnotationCreated: c.CreatedOrDefault().UTC().Format(time.RFC3339),
			ocispec.AnnotationTitle:   c.Name,
			ocispec.AnnotationVersion: c.Version,
		},
		ManifestMediaType: ocispec.MediaTypeImageManifest,
	}, nil
}

// sortedJSON marshals v with its object keys sorted.
func sortedJSON(v any) ([]byte, error) {
	m, err := JSONFields(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// JSONFields returns the object v marshals to as a map keyed by its JSON
// field names, the form helm writes chart metadata in (Chart.yaml, the OCI
// config blob).
func JSONFields(v any) (map[string]any, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(j, &m); err != nil {
		return nil, err
	}
	return m, nil
}
