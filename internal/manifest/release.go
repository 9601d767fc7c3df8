package manifest

import (
	"errors"
	"hash/maphash"
	"log/slog"
)

// source is how Load read the files of a repository, to read one again.
type source struct {
	root, realRoot string
	max            int64
	log            *slog.Logger
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
// Bytes then reads the file again and checks that it is the same. Data
// stays nil: the caller holds the bytes as long as it needs them.
func (f *File) Bytes() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bytes()
}

// keepBytes is Bytes keeping the bytes in Data, for the positions of
// values, which a scan reads from then on.
func (f *File) keepBytes() ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data, err := f.bytes()
	if err == nil {
		f.Data, f.src = data, nil
	}
	return data, err
}

// bytes is Bytes; f.mu is held.
func (f *File) bytes() ([]byte, error) {
	if f.src == nil {
		return f.Data, nil
	}
	data, skip, ferr := readFile(f.src.root, f.src.realRoot, f.Path, f.src.max, f.src.log, nil)
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
