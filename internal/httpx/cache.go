package httpx

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// cacheTransport is an on-disk conditional-request cache.
//
// A GET answered 200 with an ETag or Last-Modified is stored (body plus
// validators) in dir under sha256(URL without userinfo, Accept header,
// credential hash). The next identical request carries If-None-Match /
// If-Modified-Since; a 304 is answered from disk as a 200 carrying
// "X-Bosun-Cache: revalidated".
//
// Credentials: anonymous requests and HTTP Basic requests are cached. A
// Basic request's key includes sha256 of its Authorization header, so a
// private index is only ever served back to the same credentials, and the
// credential itself is never written to disk (entries are 0600 in a 0700
// dir). Requests with any other Authorization scheme (Bearer tokens rotate
// every run, so their entries would never be hit) are not cached.
//
// Entries are written atomically (temp file + rename) only when the whole
// body was read; a truncated body is never stored. Entry layout: body, meta
// JSON, 8-byte big-endian meta length. An entry that fails to parse or whose
// size or sha256 does not match is ignored (and replaced on the next 200).
type cacheTransport struct {
	next http.RoundTripper
	dir  string
	log  *slog.Logger
}

const maxCacheBody = 128 << 20

type cacheMeta struct {
	Version      int    `json:"v"`
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	ContentType  string `json:"contentType,omitempty"`
	Size         int64  `json:"size"`
	SHA256       string `json:"sha256"`
}

func (t *cacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key, ok := cacheKey(req)
	if !ok {
		return t.next.RoundTrip(req)
	}
	path := filepath.Join(t.dir, key[:2], key)
	meta, body, ok := readEntry(path)
	out := req
	if ok {
		out = req.Clone(req.Context())
		if meta.ETag != "" {
			out.Header.Set("If-None-Match", meta.ETag)
		}
		if meta.LastModified != "" {
			out.Header.Set("If-Modified-Since", meta.LastModified)
		}
	}
	resp, err := t.next.RoundTrip(out)
	if err != nil {
		return nil, err
	}
	if ok && resp.StatusCode == http.StatusNotModified {
		drain(resp.Body)
		h := resp.Header.Clone()
		if meta.ContentType != "" {
			h.Set("Content-Type", meta.ContentType)
		}
		if h.Get("ETag") == "" && meta.ETag != "" {
			h.Set("ETag", meta.ETag)
		}
		if h.Get("Last-Modified") == "" && meta.LastModified != "" {
			h.Set("Last-Modified", meta.LastModified)
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Set(CacheHeader, CacheRevalidated)
		return &http.Response{
			Status:        "200 OK",
			StatusCode:    http.StatusOK,
			Proto:         resp.Proto,
			ProtoMajor:    resp.ProtoMajor,
			ProtoMinor:    resp.ProtoMinor,
			Header:        h,
			Body:          io.NopCloser(bytes.NewReader(body)),
			ContentLength: int64(len(body)),
			Request:       req,
			TLS:           resp.TLS,
		}, nil
	}
	if resp.StatusCode == http.StatusOK && storable(resp) {
		if w := t.newWriter(path, resp); w != nil {
			resp.Body = w
		}
	}
	return resp, nil
}

// cacheKey returns the entry key, or false when req must bypass the cache.
func cacheKey(req *http.Request) (string, bool) {
	if req.Method != http.MethodGet && req.Method != "" {
		return "", false
	}
	h := req.Header
	if h.Get("Range") != "" || h.Get("If-None-Match") != "" || h.Get("If-Modified-Since") != "" ||
		strings.Contains(strings.ToLower(h.Get("Cache-Control")), "no-store") {
		return "", false
	}
	cred := ""
	if a := h.Get("Authorization"); a != "" {
		if len(a) < 6 || !strings.EqualFold(a[:6], "basic ") {
			return "", false
		}
		s := sha256.Sum256([]byte(a))
		cred = hex.EncodeToString(s[:])
	}
	u := *req.URL
	u.User = nil
	u.Fragment = ""
	sum := sha256.Sum256([]byte(u.String() + "\n" + h.Get("Accept") + "\n" + cred))
	return hex.EncodeToString(sum[:]), true
}

func storable(resp *http.Response) bool {
	if resp.Header.Get("ETag") == "" && resp.Header.Get("Last-Modified") == "" {
		return false
	}
	if strings.Contains(strings.ToLower(resp.Header.Get("Cache-Control")), "no-store") {
		return false
	}
	return resp.ContentLength <= maxCacheBody
}

func readEntry(path string) (cacheMeta, []byte, bool) {
	var m cacheMeta
	b, err := os.ReadFile(path)
	if err != nil || len(b) < 8 {
		return m, nil, false
	}
	n := binary.BigEndian.Uint64(b[len(b)-8:])
	if n > uint64(len(b)-8) {
		return m, nil, false
	}
	metaStart := len(b) - 8 - int(n)
	if err := json.Unmarshal(b[metaStart:len(b)-8], &m); err != nil || m.Version != 1 {
		return m, nil, false
	}
	body := b[:metaStart]
	sum := sha256.Sum256(body)
	if int64(len(body)) != m.Size || hex.EncodeToString(sum[:]) != m.SHA256 || (m.ETag == "" && m.LastModified == "") {
		return m, nil, false
	}
	return m, body, true
}

// cacheWriter tees a response body into a temp file and commits it when the
// body has been read to EOF with the expected length.
type cacheWriter struct {
	io.ReadCloser
	path   string
	f      *os.File
	h      hash.Hash
	n      int64
	want   int64
	meta   cacheMeta
	log    *slog.Logger
	closed bool
}

func (t *cacheTransport) newWriter(path string, resp *http.Response) io.ReadCloser {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.log.Debug("http cache disabled", slog.String("err", err.Error()))
		return nil
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		t.log.Debug("http cache disabled", slog.String("err", err.Error()))
		return nil
	}
	return &cacheWriter{
		ReadCloser: resp.Body, path: path, f: f, h: sha256.New(), want: resp.ContentLength, log: t.log,
		meta: cacheMeta{
			Version:      1,
			ETag:         resp.Header.Get("ETag"),
			LastModified: resp.Header.Get("Last-Modified"),
			ContentType:  resp.Header.Get("Content-Type"),
		},
	}
}

func (w *cacheWriter) Read(p []byte) (int, error) {
	n, err := w.ReadCloser.Read(p)
	if n > 0 && w.f != nil {
		w.n += int64(n)
		w.h.Write(p[:n])
		if _, werr := w.f.Write(p[:n]); werr != nil || w.n > maxCacheBody {
			w.abort()
		}
	}
	if err == io.EOF {
		w.commit()
	} else if err != nil {
		w.abort()
	}
	return n, err
}

func (w *cacheWriter) Close() error {
	w.abort() // no-op after commit
	return w.ReadCloser.Close()
}

func (w *cacheWriter) abort() {
	if w.f == nil {
		return
	}
	name := w.f.Name()
	_ = w.f.Close()
	_ = os.Remove(name)
	w.f = nil
}

func (w *cacheWriter) commit() {
	if w.f == nil {
		return
	}
	if w.want >= 0 && w.n != w.want {
		w.abort()
		return
	}
	w.meta.Size = w.n
	w.meta.SHA256 = hex.EncodeToString(w.h.Sum(nil))
	mb, err := json.Marshal(w.meta)
	if err == nil {
		var l [8]byte
		binary.BigEndian.PutUint64(l[:], uint64(len(mb)))
		_, err = w.f.Write(append(mb, l[:]...))
	}
	name := w.f.Name()
	err = errors.Join(err, w.f.Close())
	w.f = nil
	if err == nil {
		err = os.Rename(name, w.path)
	}
	if err != nil {
		_ = os.Remove(name)
		w.log.Debug("http cache write failed", slog.String("err", err.Error()))
	}
}
