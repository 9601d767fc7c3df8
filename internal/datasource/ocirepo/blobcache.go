package ocirepo

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
)

// BlobCache keeps immutable content (chart config blobs, chart archives,
// manifests) on disk by sha256 digest: Dir/sha256/<hex>. Content never
// changes under its digest, so an entry needs no revalidation; it is checked
// against its digest on every read and deleted on mismatch, so a corrupt or
// tampered file is never served. Only sha256 digests in canonical form
// ("sha256:" and 64 lowercase hex digits) are kept. Nothing secret belongs
// here: content is what a registry serves to anyone allowed to pull it. The
// zero value keeps nothing.
type BlobCache struct {
	Dir string       // "" disables the cache
	Log *slog.Logger // nil discards
}

func (c BlobCache) path(dgst string) (string, bool) {
	if c.Dir == "" {
		return "", false
	}
	d, err := digest.Parse(dgst)
	if err != nil || d.Algorithm() != digest.SHA256 {
		return "", false
	}
	return filepath.Join(c.Dir, string(digest.SHA256), d.Encoded()), true
}

func (c BlobCache) log() *slog.Logger {
	if c.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return c.Log
}

// Get returns the content of dgst when it is on disk, intact and at most max
// bytes.
func (c BlobCache) Get(dgst string, max int64) ([]byte, bool) {
	path, ok := c.path(dgst)
	if !ok {
		return nil, false
	}
	b, err := readFileMax(path, max)
	if err != nil {
		return nil, false
	}
	if digest.SHA256.FromBytes(b).String() != dgst {
		c.log().Debug("discarding corrupt cached blob", "digest", dgst)
		_ = os.Remove(path)
		return nil, false
	}
	return b, true
}

// Put stores b under dgst, which the caller has verified.
func (c BlobCache) Put(dgst string, b []byte) {
	path, ok := c.path(dgst)
	if !ok {
		return
	}
	if err := writeFileAtomic(filepath.Dir(path), filepath.Base(path), b); err != nil {
		c.log().Debug("blob cache write failed", "digest", dgst, "err", err)
	}
}

// writeFileAtomic writes data to dir/name, creating dir (and its parents)
// with mode 0700: a 0600 temp file in dir renamed over name, so readers see
// the old file or the new one, never a part.
func writeFileAtomic(dir, name string, data []byte) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	err = errors.Join(err, f.Close())
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		_ = os.Remove(tmp)
	}
	return err
}

// readFileMax reads path when it is a regular file of at most max bytes.
func readFileMax(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > max {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes", filepath.Base(path), max)
	}
	return io.ReadAll(io.LimitReader(f, max+1))
}
