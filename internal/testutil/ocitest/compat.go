package ocitest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
)

// distributionCompat gives go-containerregistry's registry the two
// behaviours of distribution (the reference registry) that clients rely on
// and it lacks: paged tag lists with a Link to the next page, and manifest
// ETags with 304 answers.
func distributionCompat(reg http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/tags/list"):
			serveTagPage(w, req, reg)
		case (req.Method == http.MethodGet || req.Method == http.MethodHead) && strings.Contains(req.URL.Path, "/manifests/"):
			serveManifest(w, req, reg)
		default:
			reg.ServeHTTP(w, req)
		}
	})
}

// serveTagPage answers a tag list request as distribution does: the tags
// in lexical order after "last", at most "n" of them (none for n=0), and
// when the page is full a Link header to the next page,
// `</v2/<name>/tags/list?last=<tag>&n=<n>>; rel="next"`. Like distribution,
// a page that is exactly full gets a Link even when no tag follows; the
// next page is then empty.
func serveTagPage(w http.ResponseWriter, req *http.Request, reg http.Handler) {
	q := req.URL.Query()
	limit := -1
	if n := q.Get("n"); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			writeRegistryError(w, http.StatusBadRequest, "PAGINATION_NUMBER_INVALID", "invalid number of results requested")
			return
		}
		limit = v
	}
	all := req.Clone(req.Context())
	all.URL.RawQuery = ""
	all.RequestURI = all.URL.RequestURI()
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, all)
	if rec.Code != http.StatusOK {
		copyResponse(w, rec)
		return
	}
	var list struct {
		Name string   `json:"name"`
		Tags []string `json:"tags"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
		writeRegistryError(w, http.StatusInternalServerError, "UNKNOWN", "tag list: "+err.Error())
		return
	}
	page := []string{}
	last := q.Get("last")
	for _, t := range list.Tags {
		if t > last && len(page) != limit {
			page = append(page, t)
		}
	}
	if limit > 0 && len(page) == limit {
		next := url.URL{Path: req.URL.Path, RawQuery: url.Values{"n": {strconv.Itoa(limit)}, "last": {page[len(page)-1]}}.Encode()}
		w.Header().Set("Link", "<"+next.String()+`>; rel="next"`)
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"name": list.Name, "tags": page})
}

// serveManifest adds distribution's validators to a manifest GET or HEAD:
// an ETag of the quoted digest, and a bare 304 when If-None-Match holds the
// digest, quoted or not.
func serveManifest(w http.ResponseWriter, req *http.Request, reg http.Handler) {
	rec := httptest.NewRecorder()
	reg.ServeHTTP(rec, req)
	dgst := rec.Header().Get("Docker-Content-Digest")
	if rec.Code != http.StatusOK || dgst == "" {
		copyResponse(w, rec)
		return
	}
	for _, v := range req.Header.Values("If-None-Match") {
		if v == dgst || v == `"`+dgst+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	rec.Header().Set("Etag", `"`+dgst+`"`)
	copyResponse(w, rec)
}

// writeRegistryError writes an error in the distribution API's JSON shape.
func writeRegistryError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]string{{"code": code, "message": msg}},
	})
}
