package datasource

import (
	"net/http"
	"testing"
)

func TestStatusSentinel(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]error{
		http.StatusUnauthorized:        ErrUnauthorized,
		http.StatusForbidden:           ErrUnauthorized,
		http.StatusNotFound:            ErrNotFound,
		http.StatusGone:                ErrNotFound,
		http.StatusTooManyRequests:     ErrRateLimited,
		http.StatusOK:                  nil,
		http.StatusBadRequest:          nil,
		http.StatusRequestTimeout:      nil,
		http.StatusInternalServerError: nil,
		http.StatusServiceUnavailable:  nil,
	} {
		if got := StatusSentinel(status); got != want {
			t.Errorf("StatusSentinel(%d) = %v, want %v", status, got, want)
		}
	}
}
