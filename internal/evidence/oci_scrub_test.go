package evidence

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// A chart layer whose download is redirected to a signed URL that refuses
// it fails with an error naming that URL without its query values.
func TestOCIRemote_blob_signedRedirectRedacted(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case strings.Contains(req.URL.Path, "/blobs/"):
				http.Redirect(w, req, "/cdn/layer?X-Amz-Signature=secret", http.StatusTemporaryRedirect)
			case req.URL.Path == "/cdn/layer":
				w.WriteHeader(http.StatusForbidden)
			default:
				next.ServeHTTP(w, req)
			}
		})
	}))
	r.PushChart(t, "charts/app", "app", "1.0.0", time.Unix(0, 0), "")
	tgt, err := ocirepo.Resolve(nil, chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Ref("charts/app")})
	if err != nil {
		t.Fatal(err)
	}
	o := newOCIRemote(r.Client(), nil)
	d := ocispec.Descriptor{MediaType: "application/octet-stream", Digest: digest.FromString("layer"), Size: 5}
	_, err = o.blob(t.Context(), tgt, d)
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "/cdn/layer?") {
		t.Errorf("blob error = %v: want the signed URL without its query values", err)
	}
	if !errors.Is(err, datasource.ErrUnauthorized) {
		t.Errorf("blob error = %v: want datasource.ErrUnauthorized", err)
	}
}
