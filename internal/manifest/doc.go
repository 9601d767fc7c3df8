// Package manifest reads the YAML files of a GitOps repository.
//
// It owns the walk (git-tracked files when the root is in a git work tree,
// and an error, not a silent walk, when git cannot list them; a filesystem
// walk otherwise or with Options.NoGit; ".git/" and, by default, ".archive/"
// skipped; ignore globs matched by package glob), the per-file guards (size
// cap, binary, invalid UTF-8, UTF-16, symlinks that loop; symlinks that
// leave the root are listed in Repo.Skipped; Inside is that rule, which
// packages config and rewrite use too), the split of a multi-document
// file into yaml.v3 nodes (a document defining a mapping key twice is
// invalid, as yaml.v3's decoder has it), and the mapping of a node's
// line/column (columns count runes; a UTF-8 BOM is not counted) to the byte
// range of its token exactly as written: Lines, BreakLen and SkipProperties
// are that one rule, which package rewrite uses too. ReadInRoot reads the
// other files a repository names by path (kustomize generator files,
// values files) by the same guards, symlinked directories included;
// LooksSOPS is the one test for a SOPS-encrypted file.
//
// Every file is parsed once. A caller may name what it never reads of a
// document (Options.Unread): Load keeps such a document as a skeleton,
// packed, and File.Restore parses the file again to put it back in full.
// The bytes of the files that parse are then released: File.Bytes,
// File.Restore and positions read the file again (the few read last stay
// read), and fail when it is no longer what Load read. Problems with one
// file are reported as FileError values and never stop the walk.
//
// It must not know about Flux, Kubernetes kinds or chart versions: that is
// package flux. It never writes files.
package manifest
