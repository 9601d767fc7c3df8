package ocirepo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"

	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
)

// Caps on what one registry may make a run hold.
const (
	// MaxTagPageBytes caps the body of one tag-list page. oras-go caps every
	// metadata response (tag pages, manifests) at 4 MiB by default; a page
	// of the most tags a registry pages by (ECR's 1000) of the longest tag
	// the distribution spec allows (128 characters) is about 130 KiB.
	MaxTagPageBytes = 4 << 20
	// DefaultMaxTags caps the distinct tags kept per source. At most 128
	// bytes a tag (the distribution spec's tag grammar), this bounds a
	// listing to about 13 MiB of tags, far more than any chart publishes.
	DefaultMaxTags = 100_000
	// maxErrorBytes caps the error body read from a failed request (a
	// registry error is about 200 bytes; oras-go reads 8 KiB).
	maxErrorBytes = 8 << 10
)

// validTag reports whether tag matches the distribution spec's tag grammar,
// [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}, as oras-go checks it (its compiled
// expression is the one home of that rule). Anything else in a tag list is
// not a tag a chart could be pulled by and is dropped.
func validTag(tag string) bool {
	return registry.Reference{Reference: tag}.ValidateReferenceAsTag() == nil
}

// tagLister pages through a repository's tag list
// (GET /v2/<name>/tags/list, following Link rel="next") with the hostile
// registry in mind: each page's body is capped, a page must come from the
// registry's own origin, the listing stops with ErrPagingLoop on a Link
// URL already fetched or on a page that adds no new tag but links on, and
// with ErrTooLarge past maxPages pages or maxTags distinct tags.
type tagLister struct {
	client interface {
		Do(*http.Request) (*http.Response, error)
	}
	t        target
	pageSize int
	maxPages int
	maxTags  int
}

// list returns every distinct valid tag, in registry order, and the number
// of pages fetched and of invalid tags dropped.
func (l tagLister) list(ctx context.Context) (tags []string, pages, dropped int, err error) {
	ctx = auth.AppendRepositoryScope(ctx, l.t.Ref, auth.ActionPull)
	scheme := "https"
	if l.t.Plain {
		scheme = "http"
	}
	origin := &url.URL{Scheme: scheme, Host: l.t.Ref.Host()}
	next := origin.JoinPath("v2", l.t.Ref.Repository, "tags", "list")
	seenURL := map[string]bool{}
	seen := map[string]bool{}
	for next != nil {
		if pages >= l.maxPages {
			return nil, pages, dropped, fmt.Errorf("%w: more than %d tag pages", datasource.ErrTooLarge, l.maxPages)
		}
		if l.pageSize > 0 {
			q := next.Query()
			q.Set("n", strconv.Itoa(l.pageSize))
			next.RawQuery = q.Encode()
		}
		if seenURL[next.String()] {
			return nil, pages, dropped, fmt.Errorf("%w: page %d links back to %s", datasource.ErrPagingLoop, pages, httpx.RedactURL(next.String()))
		}
		seenURL[next.String()] = true
		page, link, err := l.page(ctx, next)
		pages++
		if err != nil {
			return nil, pages, dropped, err
		}
		added := 0
		for _, tag := range page {
			switch {
			case !validTag(tag):
				dropped++
			case !seen[tag]:
				seen[tag] = true
				tags = append(tags, tag)
				added++
			}
		}
		if len(tags) > l.maxTags {
			return nil, pages, dropped, fmt.Errorf("%w: more than %d tags", datasource.ErrTooLarge, l.maxTags)
		}
		next, err = nextPage(origin, next, link)
		if err != nil {
			return nil, pages, dropped, err
		}
		if next != nil && added == 0 {
			return nil, pages, dropped, fmt.Errorf("%w: page %d adds no new tag but links to another", datasource.ErrPagingLoop, pages)
		}
	}
	return tags, pages, dropped, nil
}

// page fetches one page: its tags and its Link header.
func (l tagLister) page(ctx context.Context, u *url.URL) ([]string, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, "", err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", errorResponse(resp)
	}
	tags, err := decodeTagPage(io.LimitReader(resp.Body, MaxTagPageBytes+1))
	if err != nil {
		return nil, "", fmt.Errorf("tag page %s: %w", httpx.RedactURL(u.String()), err)
	}
	return tags, resp.Header.Get("Link"), nil
}

// decodeTagPage decodes {"name":…,"tags":[…]} of at most MaxTagPageBytes.
func decodeTagPage(r io.Reader) ([]string, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	if len(b) > MaxTagPageBytes {
		return nil, fmt.Errorf("%w: tag page over %d bytes", datasource.ErrTooLarge, MaxTagPageBytes)
	}
	var page struct {
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(b, &page); err != nil {
		return nil, fmt.Errorf("%w: tag page: %v", datasource.ErrInvalid, err)
	}
	return page.Tags, nil
}

// errorResponse turns a non-200 response into the *errcode.ErrorResponse
// oras-go returns, so classify treats both alike, its URL redacted.
func errorResponse(resp *http.Response) error {
	e := &errcode.ErrorResponse{Method: resp.Request.Method, URL: resp.Request.URL, StatusCode: resp.StatusCode}
	var body struct {
		Errors errcode.Errors `json:"errors"`
	}
	if json.NewDecoder(io.LimitReader(resp.Body, maxErrorBytes)).Decode(&body) == nil {
		e.Errors = body.Errors
	}
	return httpx.ScrubError(e)
}

// nextPage resolves the rel="next" target of a Link header against the page
// it came with; nil when there is none. The target must share the
// registry's origin (scheme and host), so a registry cannot turn a listing
// into a request to another host.
func nextPage(origin, page *url.URL, header string) (*url.URL, error) {
	ref, ok, err := httpx.NextLink(header)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", datasource.ErrInvalid, err)
	}
	if !ok {
		return nil, nil
	}
	u, err := page.Parse(ref)
	if err != nil {
		return nil, fmt.Errorf("%w: %w: unparsable next page", datasource.ErrInvalid, httpx.ErrBadLink)
	}
	if u.Scheme != origin.Scheme || !strings.EqualFold(u.Host, origin.Host) || u.User != nil {
		return nil, fmt.Errorf("%w: %w: next page %s is not on %s", datasource.ErrInvalid, httpx.ErrBadLink, httpx.RedactURL(u.String()), origin.Host)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}
