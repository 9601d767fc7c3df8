package flux

import (
	"context"
	"log/slog"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/manifest"
)

// Options controls which files a scan reads: the ignore globs, .archive/,
// the size cap, git-tracked files only or every file (NoGit), and the logger.
type Options = manifest.Options

// FileError is a per-file problem: String() is "file:line: msg".
type FileError = manifest.FileError

// SourceObject is a HelmRepository or OCIRepository found in the repository.
type SourceObject struct {
	Kind       string   `json:"kind"`
	Namespaces []string `json:"namespaces"`
	Name       string   `json:"name"`
	URL        string   `json:"url"`
	// Type is "default" or "oci" for a HelmRepository, "oci" for an OCIRepository.
	Type  string `json:"type"`
	File  string `json:"file"`
	Line  int    `json:"line"`
	Scope string `json:"scope,omitempty"`
}

// Result is what a scan found.
type Result struct {
	// Files counts the YAML files read.
	Files int `json:"files"`
	// Refs are sorted by file, byte offset, then name.
	Refs []chart.Ref `json:"refs"`
	// Sources lists HelmRepository and OCIRepository objects, sorted by file and line.
	Sources []SourceObject `json:"sources"`
	// Errors are sorted by file and line.
	Errors []FileError `json:"errors"`
	// Encrypted lists the SOPS-encrypted documents, sorted: bosun cannot
	// read inside them, so they are reported as skipped with reason sops
	// (and any Flux object among them carries that skip reason).
	Encrypted []EncryptedDoc `json:"encrypted,omitempty"`
	// Skipped lists the YAML files not read on purpose (a symlink leading
	// outside the repository), sorted by file, each with its reason.
	Skipped []manifest.SkippedFile `json:"skippedFiles,omitempty"`
}

// EncryptedDoc is a SOPS-encrypted YAML document.
type EncryptedDoc struct {
	File string `json:"file"`
	Doc  int    `json:"doc"`
	Line int    `json:"line"`
	// Kind is the document's kind when it is readable ("Secret"), else "".
	Kind string `json:"kind,omitempty"`
}

// Scan reads the repository at root and extracts its chart references. The
// error is only for fatal problems (root unreadable, bad ignore glob, git
// failing to list a work tree: manifest.ErrGit, ctx ending);
// problems with single files are in Result.Errors.
func Scan(ctx context.Context, root string, opts Options) (*Result, error) {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	opts.Logger = log
	opts.Unread = unread
	repo, err := manifest.Load(ctx, root, opts)
	if err != nil {
		return nil, err
	}
	res := extract(ctx, repo, log, readFile(root)).result
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	log.Info("scan", "files", res.Files, "refs", len(res.Refs), "errors", len(res.Errors))
	return res, nil
}

// Extract finds the chart references of parsed files. log may be nil.
func Extract(repo *manifest.Repo, log *slog.Logger) *Result {
	return extract(context.Background(), repo, log, nil).result
}

// extraction is a Result and the scanner that made it.
type extraction struct {
	result *Result
	s      *scanner
}

func extract(ctx context.Context, repo *manifest.Repo, log *slog.Logger, read func(string) ([]byte, error)) extraction {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := newScanner(repo, log)
	s.rend = newRendering(ctx, repo, read, log)
	s.collect()
	s.buildKustGraph()
	s.resolveFluxKS()
	s.resolveNamespaces()
	res := &Result{Files: len(repo.Files), Skipped: repo.Skipped}
	res.Refs = s.refs()
	res.Sources = s.sources()
	for _, f := range repo.Files {
		for _, d := range f.Docs {
			if d.Root != nil && d.Root.Kind == yaml.MappingNode && field(d.Root, "sops") != nil {
				kind := ""
				if k := field(d.Root, "kind"); k != nil && k.Kind == yaml.ScalarNode && !strings.HasPrefix(k.Value, "ENC[") {
					kind = k.Value
				}
				res.Encrypted = append(res.Encrypted, EncryptedDoc{File: f.Path, Doc: d.Index, Line: d.Root.Line, Kind: kind})
			}
		}
	}
	for _, e := range repo.Errors {
		if f := s.files[e.File]; f != nil && manifest.LooksSOPS(f.Data) {
			log.Debug("skip sops-encrypted file that does not parse", "file", e.File)
			res.Encrypted = append(res.Encrypted, EncryptedDoc{File: e.File, Line: e.Line})
			continue
		}
		res.Errors = append(res.Errors, e)
	}
	slices.SortFunc(res.Encrypted, func(a, b EncryptedDoc) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Doc - b.Doc
	})
	return extraction{result: res, s: s}
}

// maxReadSize caps a non-YAML file a kustomize generator reads.
const maxReadSize = 1 << 20

// readFile reads the files kustomize generators name, below root only
// (manifest.ReadInRoot: no symlink out, regular files only, so that a FIFO
// never blocks the scan).
func readFile(root string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		return manifest.ReadInRoot(root, p, maxReadSize)
	}
}
