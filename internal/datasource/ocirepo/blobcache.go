package ocirepo

import (
	"log/slog"
	"os"
	"path/filepath"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// blobCache keeps small content-addressed blobs (chart config blobs) on disk
// by digest: dir/sha256/<hex>. A blob never changes under its digest, so an
// entry needs no revalidation; it is checked against the descriptor's size
// and sha256 on every read and deleted on mismatch. Only sha256 digests are
// kept.
type blobCache struct {
	dir string // "" disables the cache
	log *slog.Logger
}

func (c blobCache) path(d ocispec.Descriptor) (string, bool) {
	if c.dir == "" || d.Digest.Algorithm() != digest.SHA256 || d.Digest.Validate() != nil || d.Size < 0 {
		return "", false
	}
	return filepath.Join(c.dir, string(digest.SHA256), d.Digest.Encoded()), true
}

// get returns the blob d when it is on disk and intact.
func (c blobCache) get(d ocispec.Descriptor) ([]byte, bool) {
	path, ok := c.path(d)
	if !ok {
		return nil, false
	}
	b, err := readFileMax(path, d.Size)
	if err != nil {
		return nil, false
	}
	if int64(len(b)) != d.Size || digest.SHA256.FromBytes(b) != d.Digest {
		c.log.Debug("discarding corrupt cached blob", "digest", d.Digest.String())
		_ = os.Remove(path)
		return nil, false
	}
	return b, true
}

// put stores b, already verified against d by the caller.
func (c blobCache) put(d ocispec.Descriptor, b []byte) {
	path, ok := c.path(d)
	if !ok {
		return
	}
	if err := writeFileAtomic(filepath.Dir(path), filepath.Base(path), b); err != nil {
		c.log.Debug("blob cache write failed", "digest", d.Digest.String(), "err", err)
	}
}
