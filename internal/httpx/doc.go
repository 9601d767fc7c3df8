// Package httpx builds bosun's shared *http.Client: User-Agent, dial/TLS/
// response-header timeouts, an overall per-request deadline, retries of
// idempotent requests on 429/5xx/transport errors (exponential backoff with
// jitter, Retry-After honoured), a per-host concurrency limit, debug logging
// with redaction, and an on-disk conditional-request cache (ETag /
// Last-Modified revalidation). It also classifies HTTP failures
// (StatusError, IsTransient), parses Link headers (NextLink) and is the one
// home of URL redaction: RedactURL is what every package (datasource, chart,
// config, the GitHub forge) shows or keys a URL with.
//
// It owns transport behaviour only. It must not know about charts, indexes
// or registries, must not log or return secrets (Authorization headers, URL
// userinfo, query values), and must not use a global logger: callers inject
// one through Options.Logger.
package httpx
