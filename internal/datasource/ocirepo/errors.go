package ocirepo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/errcode"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/httpx"
)

// lookupError classifies err, a failure of op ("list tags 127.0.0.1:5000/a/b"),
// into a *datasource.Error wrapping the matching datasource sentinel, with
// the URLs in err redacted (httpx.ScrubError).
func lookupError(src chart.Source, name, op string, err error) error {
	var de *datasource.Error
	if errors.As(err, &de) {
		return err
	}
	err = httpx.ScrubError(err)
	transient, kind := classify(err)
	if kind != nil {
		err = fmt.Errorf("%s: %w: %w", op, kind, err)
	} else {
		err = fmt.Errorf("%s: %w", op, err)
	}
	return &datasource.Error{Source: src, Chart: name, Transient: transient, Err: err}
}

// classify tells whether err is worth retrying on a later run, and which
// sentinel it maps to (nil when none fits).
func classify(err error) (transient bool, kind error) {
	var resp *errcode.ErrorResponse
	if errors.As(err, &resp) {
		s := resp.StatusCode
		if kind := datasource.StatusSentinel(s); kind != nil {
			return kind == datasource.ErrRateLimited, kind
		}
		if s == http.StatusRequestTimeout || s >= 500 {
			return true, nil
		}
		return false, datasource.ErrInvalid
	}
	switch {
	case errors.Is(err, errdef.ErrNotFound):
		return false, datasource.ErrNotFound
	case errors.Is(err, errdef.ErrSizeExceedsLimit), errors.Is(err, errdef.ErrTooManyPages):
		return false, datasource.ErrTooLarge
	case errors.Is(err, datasource.ErrTooLarge), errors.Is(err, datasource.ErrInvalid), errors.Is(err, datasource.ErrPagingLoop):
		return false, nil
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return true, nil
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true, nil
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return true, nil
	}
	return false, datasource.ErrInvalid
}
