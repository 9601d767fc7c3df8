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
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
)

// cacheTransport is an on-disk conditional-request cache.
//
// A GET answered 200 with an ETag or Last-Modified is stored (body, the
// validators and the end-to-end response headers) in dir/http, one file
// named sha256(URL without userinfo, Accept header, credential key). The
// directory is flat: a run that fills an empty cache makes one directory,
// not one per entry (a mkdir cost 0.25 ms on the benchmarks' VM, 93 of them
// a cold run of the xunholy world, before this layout). The next
// identical request carries If-None-Match / If-Modified-Since; a 304 is
// answered from disk as a 200 carrying "X-Bosun-Cache: revalidated", with the
// stored headers updated by the 304's (RFC 9111 §4.3.4), so a header the
// server does not repeat on a 304 (a tag list's Link to the next page, a
// manifest's Docker-Content-Digest) is still there.
//
// The cache ALWAYS revalidates: a stored body is only ever returned in place
// of a 304 that the server sent in answer to this very request. Any other
// status (200, 401, 404, 5xx) is passed through untouched, so nothing is ever
// served that the server did not just confirm, with the credentials the
// request carries now, to be current.
//
// Credential keys:
//   - anonymous requests: no credential part;
//   - HTTP Basic: sha256 of the Authorization header, so a private index is
//     only ever revalidated with the same credentials (a server that answered
//     304 before checking authorization would otherwise hand one user's body
//     to another) and the credential itself is never written to disk;
//   - Bearer: the scheme only, never the token. Registry tokens rotate every
//     few minutes, so a key holding the token would never be hit again.
//     Leaving it out is safe because of the rule above: an entry is served
//     only after the registry answered 304 to a request carrying the current
//     token, that is after it authorized this caller for this URL and
//     confirmed the stored representation (the ETag) is the one it would
//     send. What the entry holds (manifests, tag lists, blobs) is what any
//     holder of a token for the URL may read, and the cache directory is
//     private to the user (0700 directories, 0600 files) whose runs wrote it.
//   - any other scheme: not cached.
//
// Entries are written atomically (temp file + rename) only when the whole
// body was read; a truncated body is never stored. Entry layout: body, meta
// JSON, 8-byte big-endian meta length. An entry that fails to parse, has
// another version or whose size or sha256 does not match is ignored (and
// replaced on the next 200). Stored headers never include Set-Cookie,
// authentication or hop-by-hop headers.
type cacheTransport struct {
	next http.RoundTripper
	dir  string
	log  *slog.Logger
	// made is set once dir/http exists.
	made atomic.Bool
}

// entryDir is where the entries live, below the cache directory.
const entryDir = "http"

const maxCacheBody = 128 << 20

// cacheVersion is the entry format; entries of other versions are ignored.
// Version 2 added the stored headers.
const cacheVersion = 2

type cacheMeta struct {
	Version      int         `json:"v"`
	ETag         string      `json:"etag,omitempty"`
	LastModified string      `json:"lastModified,omitempty"`
	Header       http.Header `json:"header,omitempty"`
	Size         int64       `json:"size"`
	SHA256       string      `json:"sha256"`
}

// unstoredHeaders are never written to disk nor copied from a 304 onto the
// stored response: hop-by-hop headers, framing, secrets, per-response
// metadata.
var unstoredHeaders = map[string]bool{
	"Connection": true, "Keep-Alive": true, "Proxy-Connection": true, "Te": true, "Trailer": true,
	"Transfer-Encoding": true, "Upgrade": true, "Proxy-Authenticate": true, "Proxy-Authorization": true,
	"Proxy-Authentication-Info": true, "Www-Authenticate": true, "Authentication-Info": true,
	"Authorization": true, "Set-Cookie": true, "Set-Cookie2": true, "Content-Length": true,
	"Date": true, "Age": true, http.CanonicalHeaderKey(CacheHeader): true,
}

// storedHeader returns h without unstoredHeaders.
func storedHeader(h http.Header) http.Header {
	out := http.Header{}
	for k, v := range h {
		if !unstoredHeaders[http.CanonicalHeaderKey(k)] {
			out[http.CanonicalHeaderKey(k)] = slices.Clone(v)
		}
	}
	return out
}

func (t *cacheTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	key, ok := cacheKey(req)
	if !ok {
		return t.next.RoundTrip(req)
	}
	path := filepath.Join(t.dir, entryDir, key)
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
		h := meta.Header.Clone()
		if h == nil {
			h = http.Header{}
		}
		// RFC 9111 §4.3.4: the 304's headers update the stored ones, except
		// those describing the body, which the 304 does not carry.
		for k, v := range resp.Header {
			k = http.CanonicalHeaderKey(k)
			if !unstoredHeaders[k] && k != "Content-Type" && k != "Content-Encoding" {
				h[k] = slices.Clone(v)
			}
		}
		if h.Get("ETag") == "" && meta.ETag != "" {
			h.Set("ETag", meta.ETag)
		}
		if h.Get("Last-Modified") == "" && meta.LastModified != "" {
			h.Set("Last-Modified", meta.LastModified)
		}
		for _, k := range []string{"Date", "Set-Cookie"} { // per response: the 304's own
			if v := resp.Header.Values(k); len(v) > 0 {
				h[k] = slices.Clone(v)
			}
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
		scheme, _, _ := strings.Cut(a, " ")
		switch {
		case strings.EqualFold(scheme, "basic"):
			s := sha256.Sum256([]byte(a))
			cred = "basic:" + hex.EncodeToString(s[:])
		case strings.EqualFold(scheme, "bearer"):
			cred = "bearer" // the scheme, never the token: see cacheTransport
		default:
			return "", false
		}
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
	if err := json.Unmarshal(b[metaStart:len(b)-8], &m); err != nil || m.Version != cacheVersion {
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
	path string
	f    *os.File
	h    hash.Hash
	n    int64
	want int64
	meta cacheMeta
	log  *slog.Logger
}

func (t *cacheTransport) newWriter(path string, resp *http.Response) io.ReadCloser {
	if !t.made.Load() {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.log.Debug("http cache disabled", slog.String("err", err.Error()))
			return nil
		}
		t.made.Store(true)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		t.made.Store(false) // removed during the run: the next entry makes it again
		t.log.Debug("http cache disabled", slog.String("err", err.Error()))
		return nil
	}
	return &cacheWriter{
		ReadCloser: resp.Body, path: path, f: f, h: sha256.New(), want: resp.ContentLength, log: t.log,
		meta: cacheMeta{
			Version:      cacheVersion,
			ETag:         resp.Header.Get("ETag"),
			LastModified: resp.Header.Get("Last-Modified"),
			Header:       storedHeader(resp.Header),
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
