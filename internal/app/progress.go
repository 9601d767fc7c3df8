package app

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/pipeline"
)

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// showProgress reports whether long steps may draw a progress line on
// stderr: only for a person at a terminal, never in CI, with -q, with JSON
// logs or on a dumb terminal.
func (d *Deps) showProgress() bool {
	if d.global.Quiet || d.global.LogFormat.String() == "json" || d.IsTerminal == nil || !d.IsTerminal(d.IO.Err) {
		return false
	}
	for _, k := range []string{"CI", "GITHUB_ACTIONS"} {
		if v := strings.ToLower(d.Getenv(k)); v != "" && v != "false" && v != "0" {
			return false
		}
	}
	return d.Getenv("TERM") != "dumb"
}

// statusLine is one line at the bottom of stderr that is redrawn as work
// progresses. Everything else written to stderr goes through Write, which
// clears the line first and redraws it after, so logs never land in the
// middle of it.
type statusLine struct {
	mu    sync.Mutex
	w     io.Writer
	text  string
	shown bool
}

func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	n, err := s.w.Write(p)
	s.drawLocked()
	return n, err
}

// set replaces the status text and draws it.
func (s *statusLine) set(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.text = text
	s.clearLocked()
	s.drawLocked()
}

// done removes the line for good.
func (s *statusLine) done() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	s.text = ""
}

func (s *statusLine) clearLocked() {
	if s.shown {
		io.WriteString(s.w, "\r\x1b[K")
		s.shown = false
	}
}

func (s *statusLine) drawLocked() {
	if s.text != "" {
		io.WriteString(s.w, "\r"+s.text)
		s.shown = true
	}
}

// lookupProgress counts finished chart source lookups on the status line.
// The total is what the pipeline says it will look up (Expect), which
// lookupProgress passes on to the lookup it wraps: that is how the lookups
// of a run share one registry token.
type lookupProgress struct {
	pipeline.Lookup
	line  *statusLine
	mu    sync.Mutex
	done  int
	total int
}

// Expect sets the total, draws it, and tells the wrapped lookup.
func (l *lookupProgress) Expect(srcs []chart.Source) {
	if e, ok := l.Lookup.(interface{ Expect([]chart.Source) }); ok {
		e.Expect(srcs)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total = max(l.total, len(srcs))
	l.line.set(fmt.Sprintf("looking up chart sources: %d/%d", l.done, l.total))
}

func (l *lookupProgress) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	rels, err := l.Lookup.Releases(ctx, src, name)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.done++
	l.total = max(l.total, l.done)
	// Drawn under the lock, so counts never go backwards on screen.
	l.line.set(fmt.Sprintf("looking up chart sources: %d/%d", l.done, l.total))
	return rels, err
}
