package statuswriter

import "net/http"

// Writer records what a handler writes through it. Wrap the handler's
// writer for one request: &Writer{ResponseWriter: w}.
type Writer struct {
	http.ResponseWriter
	status int
	bytes  int64
}

// WriteHeader records the first status written and passes code on.
func (w *Writer) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write counts the body bytes written; a body without a status is a 200.
func (w *Writer) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Flush lets wrapped handlers stream.
func (w *Writer) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *Writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Status is the status sent: the first one written, else 200, which
// net/http sends for a handler that writes nothing.
func (w *Writer) Status() int {
	if w.status == 0 {
		return http.StatusOK
	}
	return w.status
}

// Bytes is how many body bytes were written.
func (w *Writer) Bytes() int64 { return w.bytes }
