package evidence

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"

	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
	"github.com/bosunhq/bosun/internal/versioning"
)

// legacyChartMediaType is the chart layer type older Helm versions pushed.
const legacyChartMediaType = "application/tar+gzip"

// ociRemote fetches chart manifests and layers with oras-go.
type ociRemote struct {
	auth *auth.Client
}

func newOCIRemote(client *http.Client, cred auth.CredentialFunc) *ociRemote {
	return &ociRemote{auth: &auth.Client{Client: client, Credential: cred, Cache: auth.NewCache()}}
}

// manifest fetches the manifest ref (a tag or a digest) and returns its
// bytes and digest, verified.
func (o *ociRemote) manifest(ctx context.Context, t ocirepo.Target, ref string) ([]byte, string, error) {
	op := "manifest " + t.Ref.Registry + "/" + t.Ref.Repository + ":" + ref
	if !strings.HasPrefix(ref, "sha256:") {
		r := t.Ref
		r.Reference = ref
		if err := r.ValidateReferenceAsTag(); err != nil {
			return nil, "", fmt.Errorf("%s: %w: %v", op, datasource.ErrInvalid, err)
		}
	}
	desc, rc, err := t.Repository(o.auth).FetchReference(ctx, ref)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, ociSentinel(err))
	}
	defer rc.Close()
	if desc.Size > ocirepo.MaxManifestBytes {
		return nil, "", fmt.Errorf("%s: %w: %d bytes", op, datasource.ErrTooLarge, desc.Size)
	}
	b, err := content.ReadAll(rc, desc)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, ociSentinel(err))
	}
	return b, desc.Digest.String(), nil
}

// blob fetches a layer, verified against its size and digest.
func (o *ociRemote) blob(ctx context.Context, t ocirepo.Target, d ocispec.Descriptor) ([]byte, error) {
	b, err := content.FetchAll(ctx, t.Repository(o.auth).Blobs(), d)
	if err != nil {
		return nil, fmt.Errorf("chart layer %s: %w", d.Digest, ociSentinel(err))
	}
	return b, nil
}

// chartLayer picks the Helm chart layer out of a manifest.
func chartLayer(manifest []byte) (ocispec.Descriptor, error) {
	var m ocispec.Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return ocispec.Descriptor{}, fmt.Errorf("%w: manifest: %v", datasource.ErrInvalid, err)
	}
	if m.Config.MediaType != versioning.HelmConfigMediaType {
		return ocispec.Descriptor{}, fmt.Errorf("%w: config media type %q", datasource.ErrNotChart, m.Config.MediaType)
	}
	for _, mt := range []string{versioning.HelmChartMediaType, legacyChartMediaType} {
		for _, l := range m.Layers {
			if l.MediaType == mt && l.Size >= 0 && l.Digest.Validate() == nil {
				return l, nil
			}
		}
	}
	return ocispec.Descriptor{}, fmt.Errorf("%w: no chart layer in the manifest", datasource.ErrNotChart)
}

// ociSentinel wraps err, its URLs redacted (httpx.ScrubError), with the
// datasource sentinel it maps to.
func ociSentinel(err error) error {
	err = httpx.ScrubError(err)
	var resp *errcode.ErrorResponse
	if errors.As(err, &resp) {
		if sentinel := datasource.StatusSentinel(resp.StatusCode); sentinel != nil {
			return fmt.Errorf("%w: %w", sentinel, err)
		}
	}
	switch {
	case errors.Is(err, errdef.ErrNotFound):
		return fmt.Errorf("%w: %w", datasource.ErrNotFound, err)
	case errors.Is(err, errdef.ErrSizeExceedsLimit):
		return fmt.Errorf("%w: %w", datasource.ErrTooLarge, err)
	}
	return err
}
