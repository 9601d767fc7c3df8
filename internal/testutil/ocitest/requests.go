package ocitest

import (
	"net/http"
	"strings"

	"github.com/bosunhq/bosun/internal/testutil/statuswriter"
)

// Kind classifies a request to the registry or its token server.
type Kind string

const (
	KindToken        Kind = "token"         // GET on the token endpoint
	KindTags         Kind = "tags"          // GET /v2/<name>/tags/list (one per page)
	KindManifestGet  Kind = "manifest-get"  // GET /v2/<name>/manifests/<ref>
	KindManifestHead Kind = "manifest-head" // HEAD /v2/<name>/manifests/<ref>
	KindBlobGet      Kind = "blob-get"      // GET /v2/<name>/blobs/<digest>
	KindOther        Kind = "other"         // anything else (/v2/ ping, blob HEAD, uploads, pushes)
)

// Request is one request a client made, as counted by the registry. The
// Registry's own pushes are not recorded.
type Request struct {
	Kind Kind
	// Repo is the repository named in the path, or for a token request the
	// repository of its scope ("" for none). A token request naming several
	// repositories is recorded once per repository.
	Repo   string
	Method string
	// Path is the URL path and query.
	Path   string
	Status int
	// Bytes is the size of the response body written (0 for a 304 or a HEAD).
	Bytes int64
	// Authorized is true when the request carried an Authorization header.
	Authorized bool
}

// Counts tallies requests by kind.
type Counts struct {
	Token, Tags, ManifestGet, ManifestHead, BlobGet, Other int
	// Unauthorized counts the responses above that had status 401 (the
	// challenge before a token exchange, or a refused token request).
	Unauthorized int
	// NotModified counts the responses above that had status 304.
	NotModified int
}

func (c *Counts) add(r Request) {
	switch r.Kind {
	case KindToken:
		c.Token++
	case KindTags:
		c.Tags++
	case KindManifestGet:
		c.ManifestGet++
	case KindManifestHead:
		c.ManifestHead++
	case KindBlobGet:
		c.BlobGet++
	default:
		c.Other++
	}
	switch r.Status {
	case http.StatusUnauthorized:
		c.Unauthorized++
	case http.StatusNotModified:
		c.NotModified++
	}
}

// Requests returns the recorded requests in arrival order.
func (r *Registry) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Request(nil), r.requests...)
}

// Counts tallies the recorded requests for one repository.
func (r *Registry) Counts(repo string) Counts {
	var c Counts
	for _, q := range r.Requests() {
		if q.Repo == repo {
			c.add(q)
		}
	}
	return c
}

// TotalCounts tallies every recorded request (a token request naming several
// repositories counts once per repository).
func (r *Registry) TotalCounts() Counts {
	var c Counts
	for _, q := range r.Requests() {
		c.add(q)
	}
	return c
}

// BodyCounts tallies, for one repository, only the recorded requests whose
// response had a body (Bytes > 0): what a client downloaded, as opposed to
// 304s and HEADs.
func (r *Registry) BodyCounts(repo string) Counts {
	var c Counts
	for _, q := range r.Requests() {
		if q.Repo == repo && q.Bytes > 0 {
			c.add(q)
		}
	}
	return c
}

// TotalBodyCounts is BodyCounts over every repository.
func (r *Registry) TotalBodyCounts() Counts {
	var c Counts
	for _, q := range r.Requests() {
		if q.Bytes > 0 {
			c.add(q)
		}
	}
	return c
}

// ResetRequests forgets the recorded requests.
func (r *Registry) ResetRequests() {
	r.mu.Lock()
	r.requests = nil
	r.mu.Unlock()
}

// account records each client request after it is served by h; requests
// marked internal go straight to direct, bypassing middleware and accounting.
func (r *Registry) account(direct, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Header.Get(internalHeader) != "" {
			direct.ServeHTTP(w, req)
			return
		}
		if r.revokedToken(req) {
			req = req.Clone(req.Context())
			req.Header.Del("Authorization")
		}
		sw := &statuswriter.Writer{ResponseWriter: w}
		h.ServeHTTP(sw, req)
		kind, repos := classify(req)
		r.mu.Lock()
		defer r.mu.Unlock()
		for _, repo := range repos {
			r.requests = append(r.requests, Request{
				Kind:       kind,
				Repo:       repo,
				Method:     req.Method,
				Path:       req.URL.RequestURI(),
				Status:     sw.Status(),
				Bytes:      sw.Bytes(),
				Authorized: req.Header.Get("Authorization") != "",
			})
		}
	})
}

// classify returns a request's kind and the repositories it concerns (at
// least one entry, "" when none).
func classify(req *http.Request) (Kind, []string) {
	p := req.URL.Path
	if p == TokenPath {
		var repos []string
		for _, s := range req.URL.Query()["scope"] {
			for _, one := range strings.Fields(s) {
				typ, rest, ok := strings.Cut(one, ":")
				if i := strings.LastIndex(rest, ":"); ok && typ == "repository" && i >= 0 {
					repos = append(repos, rest[:i])
				}
			}
		}
		if len(repos) == 0 {
			repos = []string{""}
		}
		return KindToken, repos
	}
	rest, ok := strings.CutPrefix(p, "/v2/")
	if !ok {
		return KindOther, []string{""}
	}
	if name, ok := strings.CutSuffix(rest, "/tags/list"); ok {
		if req.Method == http.MethodGet {
			return KindTags, []string{name}
		}
		return KindOther, []string{name}
	}
	if i := strings.LastIndex(rest, "/manifests/"); i >= 0 {
		switch req.Method {
		case http.MethodGet:
			return KindManifestGet, []string{rest[:i]}
		case http.MethodHead:
			return KindManifestHead, []string{rest[:i]}
		}
		return KindOther, []string{rest[:i]}
	}
	if i := strings.LastIndex(rest, "/blobs/"); i >= 0 {
		name := rest[:i]
		if j := strings.Index(rest, "/blobs/uploads"); j >= 0 {
			return KindOther, []string{rest[:j]}
		}
		if req.Method == http.MethodGet {
			return KindBlobGet, []string{name}
		}
		return KindOther, []string{name}
	}
	return KindOther, []string{""}
}
