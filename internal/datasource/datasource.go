package datasource

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/httpx"
)

// Sentinel errors; implementations wrap them so callers can use errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrRateLimited  = errors.New("rate limited")
	ErrTooLarge     = errors.New("response too large")
	ErrInvalid      = errors.New("invalid response")
	ErrUnsupported  = errors.New("unsupported source")
	ErrNotChart     = errors.New("not a helm chart")
	ErrTimeout      = errors.New("lookup timeout")
	ErrPagingLoop   = errors.New("paging loop")
)

// StatusSentinel returns the sentinel an HTTP response status maps to:
// ErrUnauthorized for 401 and 403, ErrNotFound for 404 and 410,
// ErrRateLimited for 429, and nil for any other status. It is the one
// home of that mapping for every datasource and fetcher.
func StatusSentinel(status int) error {
	switch status {
	case http.StatusUnauthorized, http.StatusForbidden:
		return ErrUnauthorized
	case http.StatusNotFound, http.StatusGone:
		return ErrNotFound
	case http.StatusTooManyRequests:
		return ErrRateLimited
	}
	return nil
}

// Error is a lookup failure of one source, classified as transient (worth
// retrying on the next run: timeouts, 5xx, 429) or permanent (404, 401,
// malformed data).
type Error struct {
	Source    chart.Source
	Chart     string
	Transient bool
	Err       error
}

func (e *Error) Error() string {
	kind := "permanent"
	if e.Transient {
		kind = "transient"
	}
	if e.Chart != "" {
		return fmt.Sprintf("lookup %s %s (%s): %v", httpx.RedactURL(e.Source.URL), e.Chart, kind, e.Err)
	}
	return fmt.Sprintf("lookup %s (%s): %v", httpx.RedactURL(e.Source.URL), kind, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
