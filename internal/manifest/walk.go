package manifest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// DefaultMaxFileSize is the size above which a file is reported, not read.
const DefaultMaxFileSize = 10 << 20

// Options controls which files Load reads.
type Options struct {
	// Ignore holds doublestar globs relative to the root ("**/secret/**",
	// "talos/*.yaml"): "*" matches within one path segment, "**" any number
	// of segments. ".git/" is always skipped.
	Ignore []string
	// IncludeArchive reads ".archive/" directories, skipped by default at any depth.
	IncludeArchive bool
	// MaxFileSize defaults to DefaultMaxFileSize.
	MaxFileSize int64
	// Logger may be nil.
	Logger *slog.Logger
}

// Repo is the parsed content of a repository.
type Repo struct {
	// Files holds every YAML file read, sorted by Path, including files
	// that failed to parse (with the documents read before the error).
	Files []*File
	// Errors lists per-file problems, sorted.
	Errors []FileError
}

// Load lists the YAML files under root, reads and parses each once. The
// error is only for fatal problems: root unreadable or a bad ignore glob.
func Load(ctx context.Context, root string, opts Options) (*Repo, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	for _, g := range opts.Ignore {
		if err := validGlob(g); err != nil {
			return nil, fmt.Errorf("ignore glob %q: %w", g, err)
		}
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("scan root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("scan root %s: not a directory", root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("scan root: %w", err)
	}
	paths, err := listFiles(ctx, root, log)
	if err != nil {
		return nil, err
	}
	var todo []string
	for _, p := range paths {
		if wanted(p, opts) {
			todo = append(todo, p)
		}
	}
	// Read and parse in parallel (yaml.v3 decoding is most of a scan);
	// results keep their slot, so the outcome does not depend on timing.
	type result struct {
		file *File
		errs []FileError
	}
	results := make([]result, len(todo))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(todo))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p := todo[i]
				data, ferr := readFile(root, realRoot, p, opts.MaxFileSize, log)
				if ferr != nil {
					results[i].errs = append(results[i].errs, *ferr)
					continue
				}
				if data == nil {
					continue
				}
				f, perr := Parse(p, data)
				if perr != nil {
					results[i].errs = append(results[i].errs, *perr)
					log.Debug("parse", "file", p, "err", perr.Msg)
				}
				results[i].file = f
			}
		}()
	}
	for i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &Repo{}
	for _, res := range results {
		if res.file != nil {
			r.Files = append(r.Files, res.file)
		}
		r.Errors = append(r.Errors, res.errs...)
	}
	slices.SortFunc(r.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(r.Errors, CompareFileErrors)
	return r, nil
}

// wanted says whether the slash path p is a YAML file to read.
func wanted(p string, opts Options) bool {
	ext := strings.ToLower(path.Ext(p))
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == ".git" || seg == ".archive" && !opts.IncludeArchive {
			return false
		}
	}
	for _, g := range opts.Ignore {
		if MatchGlob(g, p) {
			return false
		}
	}
	return true
}

// listFiles returns candidate slash paths relative to root: git-tracked
// files when root is in a git work tree and git runs, else every file.
func listFiles(ctx context.Context, root string, log *slog.Logger) ([]string, error) {
	if inGitWorkTree(root) {
		out, err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached").Output()
		if err == nil {
			var paths []string
			for _, p := range bytes.Split(out, []byte{0}) {
				if len(p) > 0 {
					paths = append(paths, string(p))
				}
			}
			slices.Sort(paths)
			return slices.Compact(paths), nil
		}
		log.Debug("git ls-files failed, walking the file system", "err", err)
	}
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root {
				return err
			}
			log.Debug("walk", "file", p, "err", err)
			return nil
		}
		if d.IsDir() {
			if p != root && d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		paths = append(paths, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	return paths, nil
}

func inGitWorkTree(root string) bool {
	dir, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	for {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

// readFile reads one file. It returns (nil, nil) for entries to skip
// silently (directories, symlinks leaving the root, vanished files).
func readFile(root, realRoot, p string, max int64, log *slog.Logger) ([]byte, *FileError) {
	full := filepath.Join(root, filepath.FromSlash(p))
	fi, err := os.Lstat(full)
	if err != nil {
		log.Debug("skip unreadable entry", "file", p, "err", err)
		return nil, nil
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(full)
		if err != nil {
			return nil, &FileError{File: p, Msg: "symlink cannot be resolved (broken or looping)"}
		}
		rel, err := filepath.Rel(realRoot, target)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
			log.Debug("skip symlink leaving the root", "file", p)
			return nil, nil
		}
		full = target
		if fi, err = os.Stat(full); err != nil {
			return nil, &FileError{File: p, Msg: "symlink cannot be resolved (broken or looping)"}
		}
	}
	if !fi.Mode().IsRegular() {
		return nil, nil
	}
	if fi.Size() > max {
		return nil, &FileError{File: p, Msg: fmt.Sprintf("file too large: %d bytes, limit %d", fi.Size(), max)}
	}
	fh, err := os.Open(full)
	if err != nil {
		msg := "cannot read file"
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg += ": " + pe.Err.Error()
		}
		return nil, &FileError{File: p, Msg: msg}
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, &FileError{File: p, Msg: "cannot read file"}
	}
	if int64(len(data)) > max {
		return nil, &FileError{File: p, Msg: fmt.Sprintf("file too large: over %d bytes", max)}
	}
	return data, nil
}

// MatchGlob reports whether the slash path p matches the doublestar glob g.
func MatchGlob(g, p string) bool {
	return matchSegs(strings.Split(strings.Trim(g, "/"), "/"), strings.Split(p, "/"))
}

func matchSegs(g, p []string) bool {
	for len(g) > 0 {
		if g[0] == "**" {
			for len(g) > 1 && g[1] == "**" {
				g = g[1:]
			}
			if len(g) == 1 {
				return true
			}
			for i := 0; i <= len(p); i++ {
				if matchSegs(g[1:], p[i:]) {
					return true
				}
			}
			return false
		}
		if len(p) == 0 {
			return false
		}
		if ok, _ := path.Match(g[0], p[0]); !ok {
			return false
		}
		g, p = g[1:], p[1:]
	}
	return len(p) == 0
}

func validGlob(g string) error {
	for _, seg := range strings.Split(g, "/") {
		if _, err := path.Match(seg, ""); err != nil {
			return err
		}
	}
	return nil
}
