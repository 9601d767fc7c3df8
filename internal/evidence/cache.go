package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
)

// diskCache keeps immutable content (chart archives, OCI manifests) by
// sha256 digest: dir/sha256/<hex>. An entry is checked against its digest on
// every read and deleted on mismatch, so a corrupt or tampered file is never
// served. Nothing secret is ever stored: content is what the registry serves
// to anyone allowed to pull it.
type diskCache struct {
	dir string // "" disables the cache
	log *slog.Logger
}

func cacheRoot(base string) string {
	if base == "" {
		return ""
	}
	return filepath.Join(base, "charts")
}

func (c diskCache) path(digest string) (string, bool) {
	if c.dir == "" {
		return "", false
	}
	hexPart, ok := cutSHA256(digest)
	if !ok {
		return "", false
	}
	return filepath.Join(c.dir, "sha256", hexPart), true
}

// get returns the content of digest when it is on disk, intact and at most
// max bytes.
func (c diskCache) get(digest string, max int64) ([]byte, bool) {
	path, ok := c.path(digest)
	if !ok {
		return nil, false
	}
	b, err := readFileMax(path, max)
	if err != nil {
		return nil, false
	}
	if sha256Digest(b) != digest {
		c.log.Debug("discarding corrupt cached chart content", "digest", digest)
		_ = os.Remove(path)
		return nil, false
	}
	return b, true
}

// put stores b under digest, which the caller has verified.
func (c diskCache) put(digest string, b []byte) {
	path, ok := c.path(digest)
	if !ok {
		return
	}
	if err := writeFileAtomic(filepath.Dir(path), filepath.Base(path), b); err != nil {
		c.log.Debug("chart cache write failed", "digest", digest, "err", err)
	}
}

func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func cutSHA256(digest string) (string, bool) {
	if len(digest) != len("sha256:")+64 || digest[:7] != "sha256:" {
		return "", false
	}
	h := digest[7:]
	if _, err := hex.DecodeString(h); err != nil {
		return "", false
	}
	return h, true
}

// writeFileAtomic writes data to dir/name through a 0600 temp file renamed
// into place, creating dir with mode 0700: readers see the old file or the
// new one, never a part.
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
