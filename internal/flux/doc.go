// Package flux extracts the chart version fields of a FluxCD GitOps
// repository: one chart.Ref per field bosun could edit, each either clean or
// carrying a chart.SkipReason.
//
// It owns object recognition (by API group and kind, any version:
// helm.toolkit.fluxcd.io HelmRelease, source.toolkit.fluxcd.io
// HelmRepository/OCIRepository/HelmChart/GitRepository/Bucket,
// kustomize.toolkit.fluxcd.io Kustomization, fluxcd.controlplane.io
// ResourceSet with its nested spec.resources, and kustomize
// kustomization.yaml files), sourceRef/chartRef linking, namespace
// resolution, ${VAR} resolution, and skip reasons, from the repository as
// package render builds it. Reading and parsing files is package
// manifest's job; this package does no I/O itself beyond calling
// manifest.Load and reading, below the scanned root and size-capped, the
// files kustomize generators name; it never edits files.
//
// # Rendered objects
//
// The repository is first rendered as Flux renders it (package render):
// from every root Flux Kustomization, kustomize builds with
// targetNamespace, patches, components, replacements and postBuild
// variables, recursively into the Kustomizations each build yields. An
// object written once and rendered N times (a base in several clusters, a
// component in several apps) is read once per rendering: its namespace is
// the rendered metadata.namespace, its cluster the root's directory
// (Ref.Clusters pairs them), its names and URLs the substituted values,
// and its sourceRef/chartRef link is looked up in the cluster it is
// rendered in. The Refs of one field are then merged into one edit that
// lists every namespace and cluster; the first skip reason of any
// rendering wins, so a field is edited only when every rendering allows it.
//
// The field to edit is where the rendered value was written: the object's
// file, a patch file that set it (an overlay's version; the patch file is
// then a fragment, not an object of its own), or, for a field that is
// exactly one ${VAR}, the value of that variable in a Flux Kustomization's
// postBuild.substitute or in a ConfigMap of the repository. A value from a
// SOPS-encrypted Secret or a source that is not in the repository is
// unknown, and the Ref says which variable and source. A value written
// inside a block scalar (an inline patch, a ResourceSet template) is
// located but not edited (skip embedded). A namespaced object rendered
// without a namespace makes Flux fail (skip no-namespace).
//
// ResourceSets (fluxcd.controlplane.io) are expanded as flux-operator
// does: spec.resources, spec.resourcesTemplate and spec.steps[] rendered
// once per spec.inputs entry with "<< >>" delimiters; a value copied
// verbatim from an input is edited in the input. Inputs from providers
// (inputsFrom) are resolved in the cluster: what depends on them is
// skipped.
//
// Explain reports, for the Refs of one file, every rendering: the chain
// of Flux Kustomizations, the kustomizations and transformations on the
// way, and the variables used with the file and line of their values.
//
// # Objects no root renders
//
// Files no root Flux Kustomization reaches keep the file-level reading
// below.
//
// A Flux Kustomization (KS) applies what `kustomize build <spec.path>` would
// include: the kustomization.yaml at spec.path and, transitively, the files
// and directories of its resources and components; without one, every YAML
// file below spec.path, except that a subdirectory holding a
// kustomization.yaml contributes only what that one includes (Flux's
// generated kustomization). spec.path is relative to the repository root;
// when no such directory exists, the unique directory ending in that path
// is used, preferring one whose prefix holds the KS's own file, and as a
// last resort the directory next to the KS's file named by the longest
// tail of the path. A file no KS build reaches is taken as applied by the
// KS with the deepest spec.path above it.
//
// Namespaces: spec.targetNamespace of the KS applying the file wins; else
// the namespace of the outermost kustomization.yaml including it; else the
// object's metadata.namespace. Objects nested in a ResourceSet use their
// own metadata.namespace, else the ResourceSet's.
//
// Link scope: a file's clusters are those of the root KSs above the KSs
// applying it ("<...>/clusters/<name>" directories); a file no KS applies
// is in the cluster given by its own path, and cluster "" is shared.
//
// Variables: a version, URL or linking name written as exactly ${VAR}
// (with an optional default) is resolved when the single KS applying the
// file defines VAR in spec.postBuild.substitute; the Ref's Loc then points
// at that value. Anything else is skipped as "variable".
//
// # Skip precedence
//
// When several reasons apply, the first of: sops, local-chart,
// unsupported-source, unknown-source, no-namespace, variable (source),
// alias, variable (version), embedded, digest-only, range, invalid-version.
//
// # Files
//
// scan.go: Scan, Extract and the Result. rendered.go: objects, values and
// locations from the render result. resourceset.go: ResourceSet inputs and
// templates. explain.go: Explain. objects.go: object recognition.
// kustomize.go: the kustomization.yaml graph and what a build reads.
// scope.go: which Flux Kustomizations apply a file, and its clusters.
// namespaces.go: namespace resolution. variables.go: ${VAR} resolution.
// links.go: sourceRef and chartRef lookup. fields.go: reading a version
// field and its location. skip.go: skip reasons, their precedence and
// version classification. refs.go, oci.go, helmrelease.go, helmcharts.go:
// the Refs of each kind of version holder. skeleton.go: what a scan never
// reads of the files it parses (manifest.Options.Unread), so that their
// parsed trees hold what is read.
package flux
