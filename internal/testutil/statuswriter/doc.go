// Package statuswriter lets a test server see what its handler answered:
// Writer wraps an http.ResponseWriter and records the status sent and the
// number of body bytes written.
//
// It must not change what the handler sends (headers, status, body and
// flushes pass through unchanged), and holds no locks: each request gets
// its own Writer. It is test support only: production code must never
// import it.
package statuswriter
