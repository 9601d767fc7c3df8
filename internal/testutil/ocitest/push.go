package ocitest

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"gopkg.in/yaml.v3"
	"helm.sh/helm/v3/pkg/chart"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"

	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/versioning"
)

// The Helm OCI media types, under the names tests use.
const (
	HelmConfigMediaType = versioning.HelmConfigMediaType
	HelmChartMediaType  = versioning.HelmChartMediaType
)

// PushChart pushes a Helm chart artifact exactly as `helm push` lays it out:
// a config blob of media type HelmConfigMediaType holding the Chart.yaml
// metadata as JSON, one HelmChartMediaType layer holding a real chart
// archive, and the org.opencontainers.image.{created,title,version} manifest
// annotations. The tag is version with "+" replaced by "_". A zero
// created omits the created annotation. It returns the manifest digest.
func (r *Registry) PushChart(t testing.TB, repo, name, version string, created time.Time, appVersion string) string {
	t.Helper()
	return r.PushChartMeta(t, repo, &chart.Metadata{
		APIVersion:  chart.APIVersionV2,
		Name:        name,
		Version:     version,
		AppVersion:  appVersion,
		Description: "ocitest chart " + name,
		Type:        "application",
	}, created)
}

// PushChartMeta is PushChart with full control of the chart metadata
// (kubeVersion, deprecated, annotations...). Chart annotations are copied to
// the manifest as Helm does, except ones that would override title or version.
func (r *Registry) PushChartMeta(t testing.TB, repo string, meta *chart.Metadata, created time.Time) string {
	t.Helper()
	tgz, err := chartArchive(meta)
	if err != nil {
		t.Fatalf("ocitest: chart archive %s %s: %v", meta.Name, meta.Version, err)
	}
	cfg, err := json.Marshal(meta)
	if err != nil {
		t.Fatalf("ocitest: chart config: %v", err)
	}
	ann := map[string]string{}
	for k, v := range meta.Annotations {
		if k != ocispec.AnnotationTitle && k != ocispec.AnnotationVersion && v != "" {
			ann[k] = v
		}
	}
	ann[ocispec.AnnotationTitle] = meta.Name
	ann[ocispec.AnnotationVersion] = meta.Version
	if meta.Description != "" {
		ann[ocispec.AnnotationDescription] = meta.Description
	}
	if !created.IsZero() {
		ann[ocispec.AnnotationCreated] = created.UTC().Format(time.RFC3339)
	}
	return r.push(t, repo, versioning.ToTag(meta.Version), chartbuild.Artifact{
		ConfigMediaType: HelmConfigMediaType, Config: cfg,
		LayerMediaType: HelmChartMediaType, Layer: tgz,
		Annotations: ann,
	})
}

// PushImage pushes a small container image manifest (config media type
// application/vnd.oci.image.config.v1+json, one tar+gzip layer) under tag,
// for repositories that mix charts and images. It returns the manifest digest.
func (r *Registry) PushImage(t testing.TB, repo, tag string) string {
	t.Helper()
	cfg := []byte(`{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`)
	layer, err := targz(map[string]string{"hello.txt": "hello from " + repo + ":" + tag + "\n"})
	if err != nil {
		t.Fatalf("ocitest: image layer: %v", err)
	}
	// Images carry the manifest media type field, as docker and oras write them.
	return r.push(t, repo, tag, chartbuild.Artifact{
		ConfigMediaType: ocispec.MediaTypeImageConfig, Config: cfg,
		LayerMediaType: ocispec.MediaTypeImageLayerGzip, Layer: layer,
		ManifestMediaType: ocispec.MediaTypeImageManifest,
	})
}

// push pushes artifact a to repo under tag as the registry's admin user,
// bypassing fault injection and request accounting.
func (r *Registry) push(t testing.TB, repo, tag string, a chartbuild.Artifact) string {
	t.Helper()
	rp, err := remote.NewRepository(r.Ref(repo))
	if err != nil {
		t.Fatalf("ocitest: repository %s: %v", repo, err)
	}
	rp.PlainHTTP = true
	rp.Client = &auth.Client{
		Client:     r.srv.Client(),
		Header:     http.Header{internalHeader: {"1"}},
		Credential: auth.StaticCredential(r.Host(), auth.Credential{Username: r.adminUser, Password: r.adminPass}),
		Cache:      auth.NewCache(),
	}
	md, err := chartbuild.Push(context.Background(), rp, tag, a)
	if err != nil {
		t.Fatalf("ocitest: push %s:%s: %v", repo, tag, err)
	}
	return md.Digest.String()
}

// chartArchive builds a minimal valid chart .tgz: Chart.yaml, values.yaml and
// one template, under a directory named after the chart.
func chartArchive(meta *chart.Metadata) ([]byte, error) {
	// Chart.yaml as helm writes it: the metadata through its JSON field names.
	m, err := chartbuild.JSONFields(meta)
	if err != nil {
		return nil, err
	}
	y, err := yaml.Marshal(m)
	if err != nil {
		return nil, err
	}
	return targz(map[string]string{
		meta.Name + "/Chart.yaml":  string(y),
		meta.Name + "/values.yaml": "replicaCount: 1\n",
		meta.Name + "/templates/configmap.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n" +
			"  name: {{ .Release.Name }}\ndata:\n  version: {{ .Chart.Version | quote }}\n",
	})
}

// targz writes files (sorted by name, fixed mode and time) to a gzipped tar.
func targz(files map[string]string) ([]byte, error) {
	return chartbuild.TarGz(chartbuild.SortedFiles(files), time.Unix(0, 0))
}
