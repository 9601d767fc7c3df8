package flux

import (
	"log/slog"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/render"
)

// unread tells what a scan never reads of a written document
// (manifest.Options.Unread): all of it but its identity for an object of
// a kind that is neither a Flux kind, nor a kustomize file, nor one the
// renderer reads as written, and for a document naming no object (Helm
// values, other tools' configuration) outside kustomization files; the
// unreadFields of the rest. The renderer restores the files when a
// transformation that can fail selects an object so cut; the scanner
// restores the files the rendered values come from (patches), whose
// positions it reads.
func unread(path, apiVersion, kind string) (all bool, fields [][]string) {
	switch {
	case isKustFileName(path) || strings.Contains(apiVersion, "$") || strings.Contains(kind, "$"):
		return false, nil
	case apiVersion == "" && kind == "":
		return true, nil
	case apiVersion == "" || kind == "":
		return false, nil
	}
	group, _ := splitAPIVersion(apiVersion)
	switch {
	case fluxKinds[group] != nil:
		return false, unreadFields
	case group == "kustomize.config.k8s.io" || render.ReadsWritten(kind):
		return false, nil
	}
	return true, nil
}

// restoreOrigins restores the files the rendered values of res come from,
// other than their objects' own (patches), when a document of theirs was
// cut down to its identity: the scanner locates a value in the document it
// was written in. A document that lost only unreadFields keeps every node
// a rendered value the scanner reads can come from: a patch's nodes land
// at the paths they are written at, and unreadFields are cut from the
// rendered objects too.
func restoreOrigins(repo *manifest.Repo, res *render.Result, log *slog.Logger) {
	files := map[string]bool{}
	for p := range res.PatchFiles {
		files[p] = true
	}
	for _, p := range res.Origins {
		files[p] = true
	}
	for _, f := range repo.Files {
		if files[f.Path] && slices.ContainsFunc(f.Docs, func(d manifest.Document) bool { return d.Skeleton && d.Cut == nil }) {
			if err := f.Restore(); err != nil {
				log.Warn("cannot locate values in a file", "err", err)
			}
		}
	}
}
