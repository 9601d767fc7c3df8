// Package render builds a repository the way Flux builds it, to learn where
// each object lands and what its fields say once rendered.
//
// From every root Flux Kustomization (one that no other Kustomization of
// the repository applies, or that applies itself, as bootstrap does) it
// runs the kustomize build of spec.path (kustomization files, or the one
// Flux generates), with the Kustomization's targetNamespace, patches and
// components added as Flux adds them, then substitutes postBuild variables
// in each rendered object, and recurses into the Flux Kustomizations the
// build produced, which carry the parent's variables in their specs.
//
// Rendered objects are built on copies: the repository's parsed files are
// never changed. The copies read aliases as kustomize does, expanded
// (kustomize.Clone), so that a transformation or a substitution changes
// the one place it reaches. A kept object shares with its written document the nodes
// the rendering left as written, so callers only read rendered objects.
// Every rendered value keeps its line and column and, through
// Origins, its file, so callers can edit the bytes a value came from. What
// cannot be known (a variable from a SOPS-encrypted Secret, a source in
// another repository, a remote resource) is reported, never guessed.
//
// Each rendered object also carries the steps that built it (the
// kustomizations and components that included it, the transformations
// that set its namespace or targetNamespace, the Flux Kustomization
// applying it), and the Result names the files read as patches, which are
// fragments of other objects. An inline patch written as a literal block
// scalar keeps the positions of its text in the file holding it; any other
// inline patch names no file, so nothing edits its values.
//
// A caller that reads only some objects, or only some of their fields,
// says so (RenderKept): the rest is released as soon as each Flux
// Kustomization is built, so a rendering holds little beyond the parsed
// files it was made from. Those files may hold skeletons (documents cut
// down to what the caller reads, manifest.Document.Skeleton): they are
// rendered as they are, unless a transformation's outcome depends on what
// they left out, in which case the files of the skeletons it selects are
// restored and the rendering starts over.
//
// It owns no chart semantics and no I/O beyond the Tree it is given.
package render
