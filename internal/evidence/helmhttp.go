package evidence

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
)

// helmRemote downloads archives named by a Helm index entry's urls.
type helmRemote struct {
	client *http.Client
	hosts  datasource.Hosts
	creds  func(repoURL string) (user, pass string, ok bool)
}

// download GETs rawURL (absolute, as helmrepo resolved it against the
// index URL), through a mirror when one matches. Basic credentials for the
// repository go only to the host the repository is fetched from.
func (h *helmRemote) download(ctx context.Context, src chart.Source, rawURL string, max int64) ([]byte, error) {
	target := h.hosts.Resolve(rawURL).URL
	redacted := httpx.RedactURL(target)
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: archive url %s", datasource.ErrUnsupported, redacted)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: archive url %s", datasource.ErrInvalid, redacted)
	}
	req.Header.Set("Accept", "application/gzip, application/x-gzip, application/octet-stream, */*;q=0.8")
	repoHost := hostOf(h.hosts.Resolve(src.URL).URL)
	if h.creds != nil && strings.EqualFold(u.Host, repoHost) {
		if user, pass, ok := h.creds(src.URL); ok {
			req.SetBasicAuth(user, pass)
		}
	}
	resp, err := h.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", redacted, httpx.ScrubError(err))
	}
	defer resp.Body.Close()
	if err := httpx.CheckResponse(resp); err != nil {
		if sentinel := datasource.StatusSentinel(resp.StatusCode); sentinel != nil {
			err = fmt.Errorf("%w: %w", sentinel, err)
		}
		return nil, fmt.Errorf("get archive: %w", err)
	}
	if resp.ContentLength > max {
		return nil, fmt.Errorf("%w: archive of %d bytes, limit %d (not downloaded)", datasource.ErrTooLarge, resp.ContentLength, max)
	}
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(resp.Body, max+1)); err != nil {
		return nil, fmt.Errorf("read %s: %w", redacted, httpx.ScrubError(err))
	}
	if int64(buf.Len()) > max {
		return nil, fmt.Errorf("%w: archive over the %d-byte limit (download stopped)", datasource.ErrTooLarge, max)
	}
	return buf.Bytes(), nil
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
