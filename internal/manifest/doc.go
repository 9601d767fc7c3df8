// Package manifest reads the YAML files of a GitOps repository.
//
// It owns the walk (git-tracked files when the root is in a git work tree,
// a filesystem walk otherwise; ".git/" and, by default, ".archive/" skipped;
// doublestar ignore globs), the per-file guards (size cap, binary, invalid
// UTF-8, UTF-16, symlinks that loop or leave the root), the split of a
// multi-document file into yaml.v3 nodes, and the mapping of a node's
// line/column (columns count runes; a UTF-8 BOM is not counted) to the byte
// range of its token exactly as written.
//
// Every file is read once and parsed once. Problems with one file are
// reported as FileError values and never stop the walk.
//
// It must not know about Flux, Kubernetes kinds or chart versions: that is
// package flux. It never writes files.
package manifest
