package rewrite

import (
	"bytes"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/manifest"
)

// Options configures Files.
type Options struct {
	// DryRun computes and verifies every result but writes nothing.
	DryRun bool
	// WriteFile writes data to name, a temporary file that Files has just
	// created (empty, mode 0600) in the destination directory; Files then sets
	// its mode and renames it over the destination. Nil means an
	// os.WriteFile-like function that also syncs the file. Tests inject
	// failures (a full disk) here.
	WriteFile func(name string, data []byte, perm fs.FileMode) error
	// Logger receives one debug line per file; nil discards.
	Logger *slog.Logger
}

// FileResult is the outcome for one file.
type FileResult struct {
	File  string // slash-separated path relative to the root
	Edits int    // edits applied (or that would be, in a dry run)
	// Err is set when the file was left untouched.
	Err error
	// Before is the content read (nil if unreadable); After the new content
	// (nil on failure), also set in a dry run.
	Before, After []byte
}

// Files applies edits, grouped by file, to the files under root. Each file is
// read, checked, spliced and verified in memory, then replaced atomically: a
// temporary file in the same directory is written, given the original mode,
// and renamed over the original, so a reader sees the old or the new content
// and never a mix. All edits of a file land in one write. A file that fails
// any step is left untouched and its error reported; the other files are
// still written. Results are sorted by file.
//
// Files refuses to replace a file that lacks owner write permission (for
// example mode 0444), a symlink, or anything but a regular file: apply fails
// loudly instead of silently overriding permissions or links (a dry run,
// which writes nothing, does not check permissions). The permission bits are
// kept; owner, group and extended attributes are those of the new file. A
// file that no longer holds what was read when the rename is due is left
// alone and reported with ErrMismatch.
func Files(root string, edits []Edit, opts Options) []FileResult {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	write := opts.WriteFile
	if write == nil {
		write = writeFile
	}
	groups := map[string][]Edit{}
	var bad []FileResult
	for _, e := range edits {
		name, err := cleanRel(e.File)
		if err != nil {
			bad = append(bad, FileResult{File: e.File, Edits: 1, Err: err})
			continue
		}
		groups[name] = append(groups[name], e)
	}
	var res []FileResult
	for _, name := range slices.Sorted(maps.Keys(groups)) {
		r := applyFile(root, name, groups[name], opts.DryRun, write)
		if r.Err != nil {
			log.Warn("rewrite file", "file", name, "err", r.Err)
		} else {
			log.Debug("rewrite file", "file", name, "edits", r.Edits, "dryRun", opts.DryRun)
		}
		res = append(res, r)
	}
	res = append(res, bad...)
	slices.SortStableFunc(res, func(a, b FileResult) int { return strings.Compare(a.File, b.File) })
	return res
}

// cleanRel validates a slash-separated relative path that stays under the root.
func cleanRel(name string) (string, error) {
	c := path.Clean(name)
	if name == "" || strings.Contains(name, `\`) || !filepath.IsLocal(filepath.FromSlash(c)) {
		return "", fmt.Errorf("file %q is not a relative path under the root: %w", name, ErrInvalidEdit)
	}
	return c, nil
}

func applyFile(root, name string, edits []Edit, dryRun bool, write func(string, []byte, fs.FileMode) error) FileResult {
	r := FileResult{File: name, Edits: len(edits)}
	fail := func(err error) FileResult {
		r.After = nil
		r.Err = fmt.Errorf("rewrite %s: %w", name, err)
		return r
	}
	abs := filepath.Join(root, filepath.FromSlash(name))
	if err := within(root, filepath.Dir(abs)); err != nil {
		return fail(err)
	}
	fi, err := os.Lstat(abs)
	if err != nil {
		return fail(err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return fail(fmt.Errorf("is a symlink: %w", ErrNotEditable))
	}
	if !fi.Mode().IsRegular() {
		return fail(fmt.Errorf("not a regular file: %w", ErrNotEditable))
	}
	before, err := os.ReadFile(abs)
	if err != nil {
		return fail(err)
	}
	r.Before = before
	after, err := Apply(before, edits)
	if err != nil {
		return fail(err)
	}
	r.After = after
	if dryRun || bytes.Equal(before, after) {
		return r
	}
	perm := fi.Mode().Perm()
	if perm&0o200 == 0 {
		return fail(fmt.Errorf("mode %04o: %w", perm, ErrReadOnly))
	}
	if err := replace(abs, before, after, perm, write); err != nil {
		return fail(err)
	}
	return r
}

// within checks that dir, symlinks resolved, is inside root.
func within(root, dir string) error {
	ok, err := manifest.Inside(root, dir)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("directory %s leads outside the root through a symlink: %w", dir, ErrNotEditable)
	}
	return nil
}

// replace writes data to a temporary file next to abs and renames it over abs,
// after checking that abs still holds before. The temporary file is removed on
// any failure.
func replace(abs string, before, data []byte, perm fs.FileMode, write func(string, []byte, fs.FileMode) error) (err error) {
	dir, base := filepath.Split(abs)
	f, err := os.CreateTemp(dir, "."+base+".bosun-*")
	if err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if err := f.Close(); err != nil {
		return fmt.Errorf("create temporary file: %w", err)
	}
	if err := write(tmp, data, perm); err != nil {
		return fmt.Errorf("write temporary file: %w", err)
	}
	if err := os.Chmod(tmp, perm); err != nil {
		return fmt.Errorf("set mode: %w", err)
	}
	// A last check narrows the window in which a concurrent change is lost.
	cur, err := os.ReadFile(abs)
	if err != nil {
		return err
	}
	if !bytes.Equal(cur, before) {
		return fmt.Errorf("changed while being rewritten: %w", ErrMismatch)
	}
	if err := os.Rename(tmp, abs); err != nil {
		return fmt.Errorf("replace file: %w", err)
	}
	return nil
}

// writeFile writes data to the existing file name and syncs it.
func writeFile(name string, data []byte, perm fs.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, perm)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
