package httpx

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"oras.land/oras-go/v2/registry/remote/errcode"
)

func TestScrubError(t *testing.T) {
	t.Parallel()
	signed := "https://cdn.example/blob?X-Amz-Signature=secret&X-Amz-Credential=secret"
	signedURL, err := url.Parse(signed)
	if err != nil {
		t.Fatal(err)
	}
	urlErr := func() error {
		return &url.Error{Op: "Get", URL: "https://bob@h.example/x?token=secret", Err: errors.New("connection refused")}
	}
	respErr := func() error {
		return &errcode.ErrorResponse{Method: http.MethodGet, URL: signedURL, StatusCode: http.StatusForbidden}
	}
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{name: "url.Error", err: urlErr(), want: `Get "https://h.example/x?token=REDACTED": connection refused`},
		{name: "wrapped url.Error", err: fmt.Errorf("fetch: %w", urlErr()), want: `fetch: Get "https://h.example/x?token=REDACTED": connection refused`},
		{name: "error response", err: respErr(),
			want: `GET "https://cdn.example/blob?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED": response status code 403: Forbidden`},
		{name: "joined", err: errors.Join(errors.New("a"), fmt.Errorf("b: %w", respErr())),
			want: "a\n" + `b: GET "https://cdn.example/blob?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED": response status code 403: Forbidden`},
		{name: "nothing to redact", err: &url.Error{Op: "Get", URL: "https://h.example/x", Err: errors.New("eof")}, want: `Get "https://h.example/x": eof`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := ScrubError(tc.err)
			if got.Error() != tc.want {
				t.Errorf("ScrubError = %q, want %q", got, tc.want)
			}
			if strings.Contains(got.Error(), "secret") || strings.Contains(got.Error(), "bob") {
				t.Errorf("ScrubError = %q keeps a secret", got)
			}
			if !errors.Is(got, tc.err) {
				t.Errorf("ScrubError(err) does not wrap err")
			}
			var ue *url.Error
			if errors.As(got, &ue) && strings.Contains(ue.Error(), "secret") {
				t.Errorf("the url.Error in the chain keeps a secret: %q", ue)
			}
		})
	}
	if ScrubError(nil) != nil {
		t.Error("ScrubError(nil) != nil")
	}
	if signedURL.RawQuery == "" {
		t.Error("ScrubError changed the response's URL itself")
	}
}
