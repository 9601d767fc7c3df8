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
// resolution, ${VAR} resolution from postBuild.substitute, and skip reasons.
// Reading and parsing files is package manifest's job; this package never
// does I/O itself beyond calling manifest.Load, and never edits files.
//
// # Which Flux Kustomization applies a file
//
// A Flux Kustomization (KS) applies what `kustomize build <spec.path>` would
// include: the kustomization.yaml at spec.path and, transitively, the files
// and directories of its resources and components; without one, every YAML
// file below spec.path, except that a subdirectory holding a
// kustomization.yaml contributes only what that one includes (Flux's
// generated kustomization). spec.components are built relative to spec.path.
// spec.path is relative to the repository root; when no such directory
// exists (the KS reads an OCI or external artifact built from a
// subdirectory, as in "./apps/base/x" for "kubernetes/apps/base/x"), the
// unique directory ending in that path is used, preferring one whose prefix
// holds the KS's own file, and as a last resort (a moved or archived tree)
// the directory next to the KS's file named by the longest tail of the path
// ("./apps/x/app" in "old/x/ks.yaml" → "old/x/app"). A file no KS build
// reaches (say, a directory commented out of a kustomization.yaml) is taken
// as applied by the KS with the deepest spec.path above it. A file applied
// by several KSs takes the deepest
// one in the KS tree as its Scope (ties: by namespace/name).
//
// # Namespaces
//
// As Flux builds them: spec.targetNamespace of the KS applying the file
// wins (it configures kustomize's namespace transformer); else the
// namespace a kustomization.yaml chain gives the object, the outermost
// non-empty one (kustomize's namespace overrides the values set by
// included kustomizations); else the object's metadata.namespace. A file
// included through several chains (a shared component) lands in several
// namespaces; Ref.Namespaces lists them all. Objects nested in a
// ResourceSet use their own metadata.namespace, else the ResourceSet's.
// This order follows the build, because per-namespace policy must apply to
// the namespace an object really lands in.
//
// # Link scope (clusters)
//
// sourceRef and chartRef are resolved by kind, namespace and name within
// one cluster. A root KS is one no other KS applies; its cluster is the
// "<...>/clusters/<name>" directory holding its file, or "" (the whole
// repository) when its path has no "clusters" segment. A file's clusters
// are those of the root KSs above the KSs applying it; a file no KS applies
// is in the cluster given by its own path. So two trees under
// clusters/a and clusters/b may define the same names without mixing, and
// a repository with a single tree (or no KS at all) is one scope.
//
// # Variables
//
// A version, URL or linking name written as exactly ${VAR} (or ${VAR:=d},
// ${VAR:-d}, ${VAR=d}, ${VAR-d}) is resolved when the single KS applying
// the file defines VAR in spec.postBuild.substitute; the Ref's Loc then
// points at that value in the KS file, the field to edit. Anything else
// (partial substitution, substituteFrom, several KSs, a default without a
// value) is skipped as "variable". Defaults are never used: they may be
// overridden by substituteFrom values that are not in the repository.
//
// # Skip precedence
//
// When several reasons apply, the first of: sops, local-chart,
// unsupported-source, unknown-source, variable (source), alias, variable
// (version), digest-only, range, invalid-version.
//
// # Files
//
// scan.go: Scan, Extract and the Result. objects.go: object recognition.
// kustomize.go: the kustomization.yaml graph and what a build reads.
// scope.go: which Flux Kustomizations apply a file, and its clusters.
// namespaces.go: namespace resolution. variables.go: ${VAR} resolution.
// links.go: sourceRef and chartRef lookup. fields.go: reading a version
// field and its location. skip.go: skip reasons, their precedence and
// version classification. refs.go, oci.go, helmrelease.go, helmcharts.go:
// the Refs of each kind of version holder.
package flux
