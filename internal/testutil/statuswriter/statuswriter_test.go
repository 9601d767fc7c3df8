package statuswriter_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/statuswriter"
)

func TestWriter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		handler    func(w http.ResponseWriter)
		wantStatus int
		wantBytes  int64
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			w := &statuswriter.Writer{ResponseWriter: rec}
			tt.handler(w)
			w.Flush()
			if w.Status() != tt.wantStatus || w.Bytes() != tt.wantBytes {
				t.Errorf("Status() = %d, Bytes() = %d; want %d, %d", w.Status(), w.Bytes(), tt.wantStatus, tt.wantBytes)
			}
			if rec.Code != tt.wantStatus || int64(rec.Body.Len()) != tt.wantBytes || !rec.Flushed {
				t.Errorf("passed on %d with %d bytes (flushed %v), want %d with %d, flushed", rec.Code, rec.Body.Len(), rec.Flushed, tt.wantStatus, tt.wantBytes)
			}
		})
	}
}
