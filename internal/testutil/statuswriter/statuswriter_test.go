package statuswriter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/statuswriter"
)

// What a handler writes reaches the client unchanged, and the Writer
// reports the status net/http sent and the body's size.
func TestWriter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		handle func(w http.ResponseWriter)
		status int
		bytes  int64
	}{
		{"nothing written", func(http.ResponseWriter) {}, http.StatusOK, 0},
		{"body only", func(w http.ResponseWriter) { _, _ = w.Write([]byte("hello")) }, http.StatusOK, 5},
		{"first status wins", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusNotModified)
			w.WriteHeader(http.StatusTeapot)
		}, http.StatusNotModified, 0},
		{"status then body", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("abc"))
			_, _ = w.Write([]byte("de"))
		}, http.StatusCreated, 5},
	} {
		rec := httptest.NewRecorder()
		w := &statuswriter.Writer{ResponseWriter: rec}
		tc.handle(w)
		w.Flush()
		if w.Status() != tc.status || w.Bytes() != tc.bytes {
			t.Errorf("%s: Status() = %d, Bytes() = %d; want %d, %d", tc.name, w.Status(), w.Bytes(), tc.status, tc.bytes)
		}
		if rec.Code != tc.status || int64(rec.Body.Len()) != tc.bytes || !rec.Flushed {
			t.Errorf("%s: passed on %d with %d bytes (flushed %v), want %d with %d, flushed", tc.name, rec.Code, rec.Body.Len(), rec.Flushed, tc.status, tc.bytes)
		}
	}
}
