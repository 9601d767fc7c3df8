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

	"github.com/bosunhq/bosun/internal/glob"
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
	// NoGit walks the file system even when root is in a git work tree, so
	// untracked and git-ignored files are read too. Without it, a git work
	// tree whose files git cannot list is an error, never a silent walk.
	NoGit bool
	// Logger may be nil.
	Logger *slog.Logger
	// Unread, when set, names what the caller never reads of a mapping
	// document, from the file's path and the document's apiVersion and
	// kind ("" when absent): everything but its apiVersion, kind,
	// metadata and sops keys (all), or the fields at the key paths fields
	// (never below metadata, which is always kept).
	// The document is kept without them, so that a repository's parsed
	// trees hold what is read, and marked Document.Skeleton; File.Restore
	// parses it again in full. Documents are then kept without their
	// comments, which no reader of a scan reads.
	Unread func(path, apiVersion, kind string) (all bool, fields [][]string)
}

// Repo is the parsed content of a repository.
type Repo struct {
	// Files holds every YAML file read, sorted by Path, including files
	// that failed to parse (with the documents read before the error).
	Files []*File
	// Errors lists per-file problems, sorted.
	Errors []FileError
	// Skipped lists the YAML files left unread on purpose, sorted by File.
	Skipped []SkippedFile
}

// SkippedFile is a YAML file Load did not read, and why.
type SkippedFile struct {
	File   string `json:"file"`
	Reason string `json:"reason"`
}

// Reasons for SkippedFile.
const (
	SkipSymlinkOutside = "symlink leads outside the repository"
)

// readResult is what reading and parsing one file gave.
type readResult struct {
	file *File
	errs []FileError
	skip string
}

// Load lists the YAML files under root, reads and parses each once. The
// error is only for fatal problems: root unreadable, a bad ignore glob, git
// failing to list the files of a work tree, or ctx ending.
func Load(ctx context.Context, root string, opts Options) (*Repo, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxFileSize <= 0 {
		opts.MaxFileSize = DefaultMaxFileSize
	}
	ignore, err := compileIgnore(opts.Ignore)
	if err != nil {
		return nil, err
	}
	realRoot, err := checkRoot(root)
	if err != nil {
		return nil, err
	}
	paths, err := listFiles(ctx, root, opts.NoGit, log)
	if err != nil {
		return nil, err
	}
	todo, err := selectFiles(ctx, paths, ignore, opts.IncludeArchive)
	if err != nil {
		return nil, err
	}
	src := &source{root: root, realRoot: realRoot, max: opts.MaxFileSize, log: log}
	results := readAll(ctx, todo, opts.Unread != nil, func(p string, a *arena) readResult {
		return readOne(ctx, src, p, opts.Unread, a)
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := &Repo{}
	for i, res := range results {
		if res.file != nil {
			r.Files = append(r.Files, res.file)
		}
		if res.skip != "" {
			r.Skipped = append(r.Skipped, SkippedFile{File: todo[i], Reason: res.skip})
		}
		r.Errors = append(r.Errors, res.errs...)
	}
	slices.SortFunc(r.Files, func(a, b *File) int { return strings.Compare(a.Path, b.Path) })
	slices.SortFunc(r.Errors, CompareFileErrors)
	slices.SortFunc(r.Skipped, func(a, b SkippedFile) int { return strings.Compare(a.File, b.File) })
	return r, nil
}

// checkRoot checks that root is a directory and returns its real path.
func checkRoot(root string) (string, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return "", fmt.Errorf("scan root: %w", err)
	}
	if !fi.IsDir() {
		return "", fmt.Errorf("scan root %s: not a directory", root)
	}
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("scan root: %w", err)
	}
	return realRoot, nil
}

// readAll runs read on every path, in parallel (yaml.v3 decoding is most
// of a scan); results keep their slot, so the outcome does not depend on
// timing. It stops handing out paths once ctx ends. With packed, each
// goroutine reads into an arena of its own.
func readAll(ctx context.Context, todo []string, packed bool, read func(string, *arena) readResult) []readResult {
	results := make([]readResult, len(todo))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), len(todo))) {
		wg.Go(func() {
			var a *arena
			if packed {
				a = &arena{}
			}
			for i := range next {
				results[i] = read(todo[i], a)
			}
		})
	}
	for i := range todo {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	return results
}

// readOne reads and parses the file at slash path p. With an arena (a
// scan), it releases the bytes of a file that parses (File.Bytes), and
// keeps those of one that does not there.
func readOne(ctx context.Context, src *source, p string, unread unreadFunc, a *arena) readResult {
	log := src.log
	data, skip, ferr := readFile(src.root, src.realRoot, p, src.max, log, a)
	switch {
	case ferr != nil:
		return readResult{errs: []FileError{*ferr}}
	case skip != "":
		log.Debug("skip", "file", p, "err", skip)
		return readResult{skip: skip}
	case data == nil:
		return readResult{}
	}
	f, perr := parse(ctx, p, data, unread, a)
	if a != nil && perr == nil {
		f.release(src)
	} else {
		f.Data = a.keep(f.Data)
	}
	if perr != nil {
		log.Debug("parse", "file", p, "err", perr.Msg)
		return readResult{file: f, errs: []FileError{*perr}}
	}
	return readResult{file: f}
}

// selectFiles keeps the YAML files to read among the listed paths.
func selectFiles(ctx context.Context, paths []string, ignore []*glob.Pattern, includeArchive bool) ([]string, error) {
	var todo []string
	for i, p := range paths {
		if i%256 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if wanted(p, ignore, includeArchive) {
			todo = append(todo, p)
		}
	}
	return todo, nil
}

// wanted says whether the slash path p is a YAML file to read.
func wanted(p string, ignore []*glob.Pattern, includeArchive bool) bool {
	ext := strings.ToLower(path.Ext(p))
	if ext != ".yaml" && ext != ".yml" {
		return false
	}
	for _, seg := range strings.Split(path.Dir(p), "/") {
		if seg == ".git" || seg == ".archive" && !includeArchive {
			return false
		}
	}
	return !slices.ContainsFunc(ignore, func(g *glob.Pattern) bool { return g.Match(p) })
}

// listFiles returns candidate slash paths relative to root: the files git
// tracks when root is in a git work tree (unless noGit), else every file.
func listFiles(ctx context.Context, root string, noGit bool, log *slog.Logger) ([]string, error) {
	if !noGit && inGitWorkTree(root) {
		return gitFiles(ctx, root)
	}
	var paths []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
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
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, fmt.Errorf("walk %s: %w", root, err)
	}
	return paths, nil
}

// gitFiles lists the files git tracks below root.
func gitFiles(ctx context.Context, root string) ([]string, error) {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "--cached").Output()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return nil, cerr
		}
		return nil, gitError(root, err)
	}
	var paths []string
	for _, p := range bytes.Split(out, []byte{0}) {
		if len(p) > 0 {
			paths = append(paths, string(p))
		}
	}
	slices.Sort(paths)
	return slices.Compact(paths), nil
}

// maxGitMessage caps how much of git's error output an error repeats.
const maxGitMessage = 2 << 10

// gitError explains why git could not list the files of a work tree, and
// the two ways out.
func gitError(root string, err error) error {
	msg := err.Error()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if s := strings.TrimSpace(string(ee.Stderr)); s != "" {
			msg = s
		}
	}
	if len(msg) > maxGitMessage {
		msg = msg[:maxGitMessage] + "…"
	}
	hint := "fix what git reports (for \"dubious ownership\", run the \"git config --global --add safe.directory\" command it suggests)"
	if errors.Is(err, exec.ErrNotFound) {
		hint = "install git"
	}
	return fmt.Errorf("%s is in a git work tree, but git cannot list its files: %s\n"+
		"bosun reads only the files git tracks: %s, or read every file below the root with --no-git: %w",
		root, msg, hint, ErrGit)
}

// ErrGit marks the failure of git to list the files of a work tree.
var ErrGit = errors.New("git ls-files failed")

// inGitWorkTree reports whether root or a parent holds a ".git" that git
// would use: a directory with a HEAD file, or a "gitdir:" file (a worktree
// or submodule).
func inGitWorkTree(root string) bool {
	dir, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	for {
		if isGitDir(filepath.Join(dir, ".git")) {
			return true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return false
		}
		dir = parent
	}
}

func isGitDir(p string) bool {
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		return false
	case fi.IsDir():
		_, err := os.Stat(filepath.Join(p, "HEAD"))
		return err == nil
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len("gitdir:"))
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == "gitdir:"
}

// readFile reads one file. It returns no data and no error for entries to
// pass over (directories, vanished files), and a skip reason for a symlink
// leading outside the root.
func readFile(root, realRoot, p string, max int64, log *slog.Logger, a *arena) (data []byte, skip string, ferr *FileError) {
	full := filepath.Join(root, filepath.FromSlash(p))
	if data, ok := readPlain(full, max, a); ok {
		return data, "", nil
	}
	fi, err := os.Lstat(full)
	if err != nil {
		log.Debug("skip unreadable entry", "file", p, "err", err)
		return nil, "", nil
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(full)
		if err != nil {
			return nil, "", &FileError{File: p, Msg: "symlink cannot be resolved (broken or looping)"}
		}
		if !insideReal(realRoot, target) {
			return nil, SkipSymlinkOutside, nil
		}
		full = target
		if fi, err = os.Stat(full); err != nil {
			return nil, "", &FileError{File: p, Msg: "symlink cannot be resolved (broken or looping)"}
		}
	}
	if !fi.Mode().IsRegular() {
		return nil, "", nil
	}
	if fi.Size() > max {
		return nil, "", &FileError{File: p, Msg: fmt.Sprintf("file too large: %d bytes, limit %d", fi.Size(), max)}
	}
	fh, err := os.Open(full)
	if err != nil {
		msg := "cannot read file"
		var pe *fs.PathError
		if errors.As(err, &pe) {
			msg += ": " + pe.Err.Error()
		}
		return nil, "", &FileError{File: p, Msg: msg}
	}
	defer fh.Close()
	data, err = readSized(io.LimitReader(fh, max+1), fi.Size(), a)
	if err != nil {
		return nil, "", &FileError{File: p, Msg: "cannot read file"}
	}
	if int64(len(data)) > max {
		return nil, "", &FileError{File: p, Msg: fmt.Sprintf("file too large: over %d bytes", max)}
	}
	return data, "", nil
}

// readSized reads r to its end into a buffer sized for the expected size
// (arena a's scratch buffer, when it fits), so that the bytes kept for the
// whole scan carry no growth slack.
func readSized(r io.Reader, size int64, a *arena) ([]byte, error) {
	data := a.readBuf(int(size) + 1)
	for {
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// compileIgnore compiles the ignore globs, leading and trailing "/" trimmed.
func compileIgnore(globs []string) ([]*glob.Pattern, error) {
	out := make([]*glob.Pattern, 0, len(globs))
	for _, g := range globs {
		p, err := glob.Compile(strings.Trim(g, "/"))
		if err != nil {
			return nil, fmt.Errorf("ignore glob: %w", err)
		}
		out = append(out, p)
	}
	return out, nil
}
