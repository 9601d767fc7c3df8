package manifest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Inside reports whether path lies within root (root itself included) once
// the symbolic links of both are resolved. It is the one rule for "a
// symbolic link does not lead out of the repository".
func Inside(root, path string) (bool, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return false, err
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false, err
	}
	return insideReal(realRoot, real), nil
}

// insideReal is Inside for paths whose symbolic links are resolved already.
func insideReal(realRoot, real string) bool {
	rel, err := filepath.Rel(realRoot, real)
	return err == nil && (rel == "." || filepath.IsLocal(rel))
}

// Errors of ReadInRoot, for errors.Is; missing files wrap fs.ErrNotExist.
var (
	// ErrOutside marks a path that leads outside the root: by "..", or by
	// a symbolic link in any of its elements.
	ErrOutside = errors.New("outside the repository")
	// ErrNotRegular marks a directory, FIFO, device or socket.
	ErrNotRegular = errors.New("not a regular file")
	// ErrTooLarge marks a file over the size cap.
	ErrTooLarge = errors.New("file too large")
)

// ReadInRoot reads the regular file at slash path p relative to root, of
// at most max bytes, for the files a repository names by path (kustomize
// generator files, values files). Symbolic links are followed, in every
// element of p (a symlinked directory too), as far as they stay within
// root (Inside's rule); one that leads out is refused before anything
// past it is looked at, so that the error never tells what lies outside.
// It never blocks on a FIFO and never opens what is not a regular file.
// Its errors start with p and name no other path, so that they may be
// shown wherever p may.
func ReadInRoot(root, p string, max int64) ([]byte, error) {
	local := filepath.FromSlash(p)
	if !filepath.IsLocal(local) {
		return nil, fmt.Errorf("%s is %w", p, ErrOutside)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("%s: repository root: %w", p, pathErr(err))
	}
	real, err := resolveInRoot(realRoot, local)
	switch {
	case errors.Is(err, ErrOutside):
		return nil, fmt.Errorf("%s: a symbolic link leads %w", p, ErrOutside)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: %w", p, fs.ErrNotExist)
	case err != nil:
		return nil, fmt.Errorf("%s: cannot resolve: %w", p, pathErr(err))
	}
	return readRegular(p, real, max)
}

// errNotDir is a file named as a directory ("file.txt/x", "file.txt/").
var errNotDir = errors.New("not a directory")

// maxLinks caps the symbolic links resolveInRoot follows, as Linux does.
const maxLinks = 40

// resolveInRoot returns the real path of the relative path local below
// realRoot (a path without symbolic links), following symbolic links one
// element at a time. A step out of realRoot is ErrOutside at once, and so
// is a link to an absolute path that does not resolve inside it, or to a
// rooted or drive-relative path (Windows) that has no place in it.
func resolveInRoot(realRoot, local string) (string, error) {
	cur := realRoot
	todo := strings.Split(local, string(filepath.Separator))
	links := 0
	for len(todo) > 0 {
		name := todo[0]
		todo = todo[1:]
		switch name {
		case "", ".":
			continue
		case "..":
			if cur = filepath.Dir(cur); !insideReal(realRoot, cur) {
				return "", ErrOutside
			}
			continue
		}
		next := filepath.Join(cur, name)
		fi, err := os.Lstat(next)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !fi.IsDir() && len(todo) > 0 {
				return "", errNotDir
			}
			cur = next
			continue
		}
		if links++; links > maxLinks {
			return "", errors.New("too many symbolic links")
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", err
		}
		switch {
		case filepath.IsAbs(target):
			real, err := filepath.EvalSymlinks(target)
			if err != nil || !insideReal(realRoot, real) {
				return "", ErrOutside
			}
			cur = real
		case filepath.VolumeName(target) != "" || strings.HasPrefix(target, string(filepath.Separator)) || strings.HasPrefix(target, "/"):
			return "", ErrOutside
		default:
			todo = append(strings.Split(filepath.FromSlash(target), string(filepath.Separator)), todo...)
		}
	}
	if !insideReal(realRoot, cur) {
		return "", ErrOutside
	}
	return cur, nil
}

// readRegular reads the file at real, a path without symbolic links, for
// ReadInRoot: only a regular file (checked before the open, so that no
// device is opened, and again on the open file, which O_NOFOLLOW keeps
// from being a symlink swapped in since; O_NONBLOCK keeps the open of a
// FIFO swapped in from waiting for a writer), and only up to max bytes.
func readRegular(p, real string, max int64) ([]byte, error) {
	fi, err := os.Lstat(real)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, pathErr(err))
	}
	if err := checkRegular(p, fi, max); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(real, os.O_RDONLY|openSafe, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open: %w", p, pathErr(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", p, pathErr(err))
	}
	if err := checkRegular(p, fi, max); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read: %w", p, pathErr(err))
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: %w: over %d bytes", p, ErrTooLarge, max)
	}
	return data, nil
}

// checkRegular refuses what is not a regular file of at most max bytes.
func checkRegular(p string, fi fs.FileInfo, max int64) error {
	if !fi.Mode().IsRegular() {
		return fmt.Errorf("%s: %w", p, ErrNotRegular)
	}
	if fi.Size() > max {
		return fmt.Errorf("%s: %w: %d bytes, limit %d", p, ErrTooLarge, fi.Size(), max)
	}
	return nil
}

// pathErr is the error of a *fs.PathError without its path, which is an
// absolute one here; any other error is returned as it is.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
