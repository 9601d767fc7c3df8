package httpx

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// logTransport writes one Debug record per attempt when the body is done:
// method, redacted URL, status, duration and body bytes. It never logs
// headers.
type logTransport struct {
	next http.RoundTripper
	log  *slog.Logger
}

func (t *logTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	if !t.log.Enabled(ctx, slog.LevelDebug) {
		return t.next.RoundTrip(req)
	}
	start := time.Now()
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		t.log.LogAttrs(ctx, slog.LevelDebug, "http request",
			slog.String("method", req.Method), slog.String("url", redactURL(req.URL)),
			slog.Duration("duration", time.Since(start)), slog.String("err", redactErr(err, req)))
		return nil, err
	}
	resp.Body = &countBody{ReadCloser: resp.Body, done: func(n int64, rerr error) {
		attrs := []slog.Attr{
			slog.String("method", req.Method), slog.String("url", redactURL(req.URL)),
			slog.Int("status", resp.StatusCode), slog.Duration("duration", time.Since(start)),
			slog.Int64("bytes", n),
		}
		if rerr != nil && rerr != io.EOF {
			attrs = append(attrs, slog.String("err", redactErr(rerr, req)))
		}
		t.log.LogAttrs(context.WithoutCancel(ctx), slog.LevelDebug, "http request", attrs...)
	}}
	return resp, nil
}

// redactErr renders err without the request's secrets (net/http errors
// quote the URL, userinfo included).
func redactErr(err error, req *http.Request) string {
	s := err.Error()
	if req.URL != nil && req.URL.User != nil {
		s = strings.ReplaceAll(s, req.URL.String(), redactURL(req.URL))
		s = strings.ReplaceAll(s, req.URL.User.String(), "REDACTED")
	}
	return s
}

// countBody counts bytes read and reports once at EOF, error or Close.
type countBody struct {
	io.ReadCloser
	n        int64
	reported bool
	done     func(n int64, err error)
}

func (b *countBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.n += int64(n)
	if err != nil {
		b.report(err)
	}
	return n, err
}

func (b *countBody) Close() error {
	err := b.ReadCloser.Close()
	b.report(nil)
	return err
}

func (b *countBody) report(err error) {
	if b.reported {
		return
	}
	b.reported = true
	b.done(b.n, err)
}
