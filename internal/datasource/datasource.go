package datasource

import (
	"context"
	"errors"
	"fmt"

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
)

// Datasource lists and describes the releases of one chart.
type Datasource interface {
	// Releases lists every published version of chart name in src. It may
	// return releases with Described=false when details cost a request each
	// (OCI); Describe fills them in.
	Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error)
	// Describe returns r with its details filled in (Created, AppVersion,
	// Digest, NotChart...). It is called only for candidate versions.
	Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error)
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
