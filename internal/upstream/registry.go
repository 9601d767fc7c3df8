package upstream

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/bosunhq/bosun/internal/chartbuild"
)

// registry is a read-only, in-memory OCI distribution registry: the pull
// side of the distribution spec (API base, tag listing with paging,
// manifests by tag or digest, blobs), with content added in process by put.
// Every other method answers 405 UNSUPPORTED.
type registry struct {
	mu    sync.RWMutex
	repos map[string]*ociRepository // repository name → content
}

// ociRepository is one repository's content.
type ociRepository struct {
	tags      map[string]digest.Digest   // tag → manifest digest
	manifests map[digest.Digest]manifest // digest → manifest
	blobs     map[digest.Digest][]byte   // digest → blob
}

type manifest struct {
	mediaType string
	body      []byte
}

func newRegistry() *registry {
	return &registry{repos: map[string]*ociRepository{}}
}

// put stores artifact a in repository name under tag (replacing what the
// tag pointed to) and returns the manifest's digest.
func (g *registry) put(name, tag string, a chartbuild.Artifact) (digest.Digest, error) {
	mb, err := a.Manifest()
	if err != nil {
		return "", err
	}
	md := digest.FromBytes(mb)
	g.mu.Lock()
	defer g.mu.Unlock()
	r := g.repos[name]
	if r == nil {
		r = &ociRepository{tags: map[string]digest.Digest{}, manifests: map[digest.Digest]manifest{}, blobs: map[digest.Digest][]byte{}}
		g.repos[name] = r
	}
	r.blobs[digest.FromBytes(a.Config)] = a.Config
	r.blobs[digest.FromBytes(a.Layer)] = a.Layer
	r.manifests[md] = manifest{mediaType: ocispec.MediaTypeImageManifest, body: mb}
	r.tags[tag] = md
	return md, nil
}

// regError is an error response in the distribution spec's JSON shape.
type regError struct {
	status        int
	code, message string
}

var (
	errNameUnknown     = regError{http.StatusNotFound, "NAME_UNKNOWN", "repository name not known to registry"}
	errManifestUnknown = regError{http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown"}
	errBlobUnknown     = regError{http.StatusNotFound, "BLOB_UNKNOWN", "blob unknown to registry"}
	errDigestInvalid   = regError{http.StatusBadRequest, "DIGEST_INVALID", "provided digest did not match uploaded content"}
	errUnsupported     = regError{http.StatusMethodNotAllowed, "UNSUPPORTED", "the operation is unsupported: this registry is read-only"}
	errNoEndpoint      = regError{http.StatusNotFound, "UNSUPPORTED", "no such endpoint"}
	errPageSize        = regError{http.StatusBadRequest, "PAGINATION_NUMBER_INVALID", "invalid number of results requested"}
)

func (e regError) write(w http.ResponseWriter, method string) {
	body, _ := json.Marshal(map[string][]map[string]string{"errors": {{"code": e.code, "message": e.message}}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if e.status == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "GET, HEAD")
	}
	w.WriteHeader(e.status)
	if method != http.MethodHead {
		w.Write(body) //nolint:errcheck // client went away
	}
}

// ServeHTTP routes /v2/, /v2/<name>/tags/list, /v2/<name>/manifests/<ref>
// and /v2/<name>/blobs/<digest>.
func (g *registry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		errUnsupported.write(w, r.Method)
		return
	}
	p := r.URL.Path
	if p == "/v2" || p == "/v2/" {
		g.send(w, r, "application/json", []byte("{}"), "")
		return
	}
	rest, ok := strings.CutPrefix(p, "/v2/")
	if !ok {
		errNoEndpoint.write(w, r.Method)
		return
	}
	if name, ok := strings.CutSuffix(rest, "/tags/list"); ok {
		g.tagList(w, r, name)
		return
	}
	if i := strings.LastIndex(rest, "/manifests/"); i > 0 {
		g.manifest(w, r, rest[:i], rest[i+len("/manifests/"):])
		return
	}
	if i := strings.LastIndex(rest, "/blobs/"); i > 0 {
		g.blob(w, r, rest[:i], rest[i+len("/blobs/"):])
		return
	}
	errNoEndpoint.write(w, r.Method)
}

// tagList serves the repository's tags in lexical order. With n, it serves
// at most n tags after last and, when more follow, a Link header to the
// next page.
func (g *registry) tagList(w http.ResponseWriter, r *http.Request, name string) {
	q := r.URL.Query()
	n := -1
	if s := q.Get("n"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 {
			errPageSize.write(w, r.Method)
			return
		}
		n = v
	}
	g.mu.RLock()
	repo := g.repos[name]
	var tags []string
	if repo != nil {
		for t := range repo.tags {
			tags = append(tags, t)
		}
	}
	g.mu.RUnlock()
	if repo == nil {
		errNameUnknown.write(w, r.Method)
		return
	}
	slices.Sort(tags)
	if last := q.Get("last"); last != "" {
		i, _ := slices.BinarySearch(tags, last)
		for i < len(tags) && tags[i] <= last {
			i++
		}
		tags = tags[i:]
	}
	if n >= 0 && n < len(tags) {
		tags = tags[:n]
		if n > 0 {
			next := url.Values{"n": {strconv.Itoa(n)}, "last": {tags[n-1]}}
			w.Header().Set("Link", fmt.Sprintf("</v2/%s/tags/list?%s>; rel=\"next\"", name, next.Encode()))
		}
	}
	if tags == nil {
		tags = []string{}
	}
	body, err := json.Marshal(struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}{name, tags})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	g.send(w, r, "application/json", body, "")
}

// manifest serves a manifest by tag or by digest.
func (g *registry) manifest(w http.ResponseWriter, r *http.Request, name, ref string) {
	g.mu.RLock()
	repo := g.repos[name]
	var m manifest
	var d digest.Digest
	found := false
	if repo != nil {
		if strings.Contains(ref, ":") {
			d = digest.Digest(ref)
		} else {
			d = repo.tags[ref]
		}
		m, found = repo.manifests[d]
	}
	g.mu.RUnlock()
	switch {
	case repo == nil:
		errNameUnknown.write(w, r.Method)
	case !found:
		errManifestUnknown.write(w, r.Method)
	default:
		g.send(w, r, m.mediaType, m.body, d)
	}
}

// blob serves a blob by digest.
func (g *registry) blob(w http.ResponseWriter, r *http.Request, name, ref string) {
	d := digest.Digest(ref)
	if d.Validate() != nil {
		errDigestInvalid.write(w, r.Method)
		return
	}
	g.mu.RLock()
	repo := g.repos[name]
	var b []byte
	if repo != nil {
		b = repo.blobs[d]
	}
	g.mu.RUnlock()
	switch {
	case repo == nil:
		errNameUnknown.write(w, r.Method)
	case b == nil:
		errBlobUnknown.write(w, r.Method)
	default:
		g.send(w, r, "application/octet-stream", b, d)
	}
}

// send writes body with its validators: Docker-Content-Digest when the
// content is addressed by digest d, and a strong ETag (the digest, or the
// body's sha256) that If-None-Match turns into a bare 304.
func (g *registry) send(w http.ResponseWriter, r *http.Request, contentType string, body []byte, d digest.Digest) {
	h := w.Header()
	etag := `"` + string(d) + `"`
	if d != "" {
		h.Set("Docker-Content-Digest", string(d))
	} else {
		sum := sha256.Sum256(body)
		etag = `"sha256:` + hex.EncodeToString(sum[:]) + `"`
	}
	h.Set("ETag", etag)
	if etagMatches(r.Header.Values("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body) //nolint:errcheck // client went away
	}
}

// etagMatches is If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(values []string, etag string) bool {
	for _, v := range values {
		for _, one := range strings.Split(v, ",") {
			one = strings.TrimPrefix(strings.TrimSpace(one), "W/")
			if one == "*" || one == etag {
				return true
			}
		}
	}
	return false
}
