package httpx

import (
	"net/url"
	"slices"
	"strings"

	"oras.land/oras-go/v2/registry/remote/errcode"
)

// maxChain bounds the errors ScrubError visits in one chain.
const maxChain = 64

// ScrubError removes the secrets that request URLs carry from err, for
// errors of requests made with net/http or oras-go: http.Client's
// *url.Error strips only the password, and oras-go's
// *errcode.ErrorResponse names the URL of the response, which after a blob
// redirect can be a signed CDN URL (X-Amz-Signature=…). Every such error in
// err's chain has its URL replaced by RedactURL's form, in place (they are
// made afresh for each failed request); when err's text still holds a raw
// URL (a wrapper formatted it before), ScrubError returns an error with
// that text redacted which unwraps to err, so errors.Is and errors.As see
// the same chain. It returns nil for nil, and err itself when nothing
// needed redacting.
func ScrubError(err error) error {
	if err == nil {
		return nil
	}
	var found [][2]string // raw, redacted
	visit(err, 0, func(e error) {
		switch e := e.(type) {
		case *url.Error:
			if r := RedactURL(e.URL); r != e.URL {
				found = append(found, [2]string{e.URL, r})
				e.URL = r
			}
		case *errcode.ErrorResponse:
			if e.URL == nil {
				return
			}
			raw := e.URL.String()
			if r := redactURL(e.URL); r != raw {
				found = append(found, [2]string{raw, r})
				e.URL = parseRedacted(r, e.URL)
			}
		}
	})
	if len(found) == 0 {
		return err
	}
	// Longest first, so that a URL is never cut short by another that
	// begins it.
	slices.SortStableFunc(found, func(a, b [2]string) int { return len(b[0]) - len(a[0]) })
	var pairs []string
	for _, p := range found {
		pairs = append(pairs, p[0], p[1])
	}
	msg := err.Error()
	clean := strings.NewReplacer(pairs...).Replace(msg)
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// visit calls f on err and every error it wraps, depth first.
func visit(err error, depth int, f func(error)) int {
	for err != nil && depth < maxChain {
		f(err)
		depth++
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				depth = visit(e, depth, f)
			}
			return depth
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return depth
		}
	}
	return depth
}

// parseRedacted parses r, the redacted form of u; should it not parse, it
// keeps u's scheme, host and path alone.
func parseRedacted(r string, u *url.URL) *url.URL {
	if p, err := url.Parse(r); err == nil {
		return p
	}
	return &url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
}

// scrubbedError is an error whose text had URLs redacted.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }
