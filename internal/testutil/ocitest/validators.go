package ocitest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
)

// tagValidators wraps h so that successful GETs of tags/list carry a strong
// ETag (quoted sha256 of the body) and a matching If-None-Match gets a bare
// 304.
func tagValidators(h http.Handler) http.Handler {
	isTagList := func(req *http.Request) bool {
		return req.Method == http.MethodGet && strings.HasSuffix(req.URL.Path, "/tags/list")
	}
	return OnSuccess(h, isTagList, func(w http.ResponseWriter, req *http.Request, rec *httptest.ResponseRecorder) {
		sum := sha256.Sum256(rec.Body.Bytes())
		etag := `"sha256:` + hex.EncodeToString(sum[:]) + `"`
		if etagMatches(req.Header.Values("If-None-Match"), etag) {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		rec.Header().Set("ETag", etag)
		rec.Header().Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		copyResponse(w, rec)
	})
}

// OnSuccess wraps h for middleware that rewrites successful answers: a
// request that match accepts is served into a recorder, and a 200 answer is
// handed to then, which writes the response; any other answer, and any
// request match refuses, passes through unchanged.
func OnSuccess(h http.Handler, match func(*http.Request) bool, then func(w http.ResponseWriter, req *http.Request, rec *httptest.ResponseRecorder)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if !match(req) {
			h.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			copyResponse(w, rec)
			return
		}
		then(w, req, rec)
	})
}

// etagMatches implements If-None-Match's weak comparison (RFC 9110 §13.1.2).
func etagMatches(values []string, etag string) bool {
	for _, v := range values {
		for _, one := range strings.Split(v, ",") {
			one = strings.TrimPrefix(strings.TrimSpace(one), "W/")
			if one == "*" || one == strings.TrimPrefix(etag, "W/") {
				return true
			}
		}
	}
	return false
}

func copyResponse(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}
