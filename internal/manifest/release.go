package manifest

import (
	"errors"
	"hash/maphash"
	"log/slog"
	"slices"
	"sync"
)

// source is how Load read the files of a repository, to read one again,
// and the released files read again last.
type source struct {
	root, realRoot string
	max            int64
	log            *slog.Logger

	mu     sync.Mutex
	recent []*reread // the last used last
}

// recentFiles is how many released files read again stay read: a scan
// locates the values of one object, in one or two files, at a time.
const recentFiles = 8

// reread is a released file read again.
type reread struct {
	f     *File
	data  []byte
	err   error
	lines *Lines // indexed on first use
}

// seed hashes the bytes of released files.
var seed = maphash.MakeSeed()

// errChanged is Bytes' error for a released file whose bytes are no longer
// those Load read.
var errChanged = errors.New("changed since it was read")

// release drops the bytes of f, to be read again from src on demand.
func (f *File) release(src *source) {
	f.sum = maphash.Bytes(seed, f.Data)
	f.Data, f.src = nil, src
}

// Bytes returns the content of f. Load with Options.Unread keeps the bytes
// of a file it parsed as a hash only: a scan reads the bytes of few files
// (those it locates values in, restores or reads as generator input).
// Bytes then reads the file again and checks that it is the same; Data
// stays nil, and the files read again last stay read.
func (f *File) Bytes() ([]byte, error) {
	if src := f.source(); src != nil {
		r := src.get(f)
		return r.data, r.err
	}
	return f.Data, nil
}

// text returns the content of f and its lines: none when f changed since
// Load read it.
func (f *File) text() ([]byte, *Lines) {
	src := f.source()
	if src == nil {
		return f.Data, f.lines()
	}
	src.mu.Lock()
	defer src.mu.Unlock()
	r := src.getLocked(f)
	if r.lines == nil {
		r.lines = &Lines{}
		if r.err == nil {
			r.lines = NewLines(r.data)
		}
	}
	return r.data, r.lines
}

// source returns where f is read again from: nil unless it is released.
func (f *File) source() *source {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.src
}

// keepBytes is Bytes keeping the bytes in Data, for a file restored in
// full, whose positions a scan reads from then on.
func (f *File) keepBytes() ([]byte, error) {
	data, err := f.Bytes()
	if err == nil {
		f.mu.Lock()
		f.Data, f.src = data, nil
		f.mu.Unlock()
	}
	return data, err
}

func (s *source) get(f *File) *reread {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.getLocked(f)
}

// getLocked returns f read again, from the recent files or from its file;
// s.mu is held.
func (s *source) getLocked(f *File) *reread {
	if i := slices.IndexFunc(s.recent, func(r *reread) bool { return r.f == f }); i >= 0 {
		r := s.recent[i]
		s.recent = append(slices.Delete(s.recent, i, i+1), r)
		return r
	}
	r := &reread{f: f}
	r.data, r.err = f.read(s)
	if len(s.recent) == recentFiles {
		s.recent = slices.Delete(s.recent, 0, 1)
	}
	s.recent = append(s.recent, r)
	return r
}

// read reads released file f again from s and checks it.
func (f *File) read(s *source) ([]byte, error) {
	data, skip, ferr := readFile(s.root, s.realRoot, f.Path, s.max, s.log, nil)
	switch {
	case ferr != nil:
		return nil, errors.New(ferr.Msg)
	case skip != "" || data == nil:
		return nil, errors.New("no longer readable")
	case maphash.Bytes(seed, data) != f.sum:
		return nil, errChanged
	}
	return data, nil
}
