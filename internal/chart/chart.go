package chart

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/bosunhq/bosun/internal/httpx"
)

// SourceKind tells how a chart source is queried.
type SourceKind string

const (
	// SourceHelm is a Helm HTTP(S) repository serving index.yaml.
	SourceHelm SourceKind = "helm"
	// SourceOCI is an OCI registry repository.
	SourceOCI SourceKind = "oci"
)

// Source is where a chart's versions are listed.
//
// For SourceHelm, URL is the repository URL without a trailing slash
// ("https://charts.jetstack.io") and the chart name is looked up in its index.
//
// For SourceOCI, URL names the OCI repository of the chart itself, scheme
// included and without tag or trailing slash ("oci://ghcr.io/bjw-s-labs/helm/app-template"):
// an OCIRepository's spec.url as written, or an oci HelmRepository's URL joined
// with the chart name.
//
// URL is kept as written, credentials included ("http://alice:pw@host/charts"),
// because the lookup authenticates with them; everything that shows or keys
// a source uses String, MarshalJSON or Ref.Key, which redact it.
type Source struct {
	Kind SourceKind `json:"type"`
	URL  string     `json:"url"`
}

// String returns the URL redacted by httpx.RedactURL.
func (s Source) String() string { return httpx.RedactURL(s.URL) }

// MarshalJSON writes the source with its URL redacted (httpx.RedactURL):
// plan JSON, reports and PR bodies never carry its credentials.
func (s Source) MarshalJSON() ([]byte, error) {
	type plain Source
	return json.Marshal(plain{Kind: s.Kind, URL: httpx.RedactURL(s.URL)})
}

// Host returns the registry or web host of the source ("ghcr.io", "charts.example.com:8443").
func (s Source) Host() string {
	u := s.URL
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.LastIndex(u, "@"); i >= 0 { // userinfo never counts
		u = u[i+1:]
	}
	return u
}

// ObjectKey names a Kubernetes object.
type ObjectKey struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
}

func (k ObjectKey) String() string {
	if k.Namespace == "" {
		return k.Kind + "/" + k.Name
	}
	return k.Kind + "/" + k.Namespace + "/" + k.Name
}

// Location is the exact place of a scalar in a file.
type Location struct {
	// File is relative to the scanned directory, with "/" separators.
	File string `json:"file"`
	// Doc is the 0-based index of the YAML document in the file.
	Doc int `json:"doc"`
	// Line and Column are 1-based; Column counts characters as yaml.v3 does.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Start and End are byte offsets in the file of the scalar token exactly
	// as written, quotes included (a BOM, if any, counts as bytes).
	Start int `json:"start"`
	End   int `json:"end"`
}

func (l Location) String() string { return fmt.Sprintf("%s:%d", l.File, l.Line) }

// Field names the version field a Ref edits.
type Field string

const (
	FieldVersion Field = "version" // HelmRelease chart.spec.version, HelmChart spec.version, helmCharts[].version
	FieldTag     Field = "tag"     // OCIRepository spec.ref.tag
	FieldSemver  Field = "semver"  // OCIRepository spec.ref.semver
	FieldDigest  Field = "digest"  // OCIRepository spec.ref.digest alone
)

// SkipReason says why a reference is reported but not updated. Empty means
// the reference is a clean, editable exact version.
type SkipReason string

const (
	SkipSOPS              SkipReason = "sops"               // document is SOPS-encrypted
	SkipVariable          SkipReason = "variable"           // ${VAR} not resolvable from the repository
	SkipAlias             SkipReason = "alias"              // version node is a YAML alias, or an anchor used elsewhere
	SkipRange             SkipReason = "range"              // a semver constraint: Flux moves it itself
	SkipUnknownSource     SkipReason = "unknown-source"     // sourceRef/chartRef names nothing in the repository
	SkipLocalChart        SkipReason = "local-chart"        // chart from a GitRepository/Bucket or a path
	SkipUnsupportedSource SkipReason = "unsupported-source" // a source kind bosun cannot query
	SkipInvalidVersion    SkipReason = "invalid-version"    // not a version Flux would accept
	SkipDigestOnly        SkipReason = "digest-only"        // OCIRepository pinned by digest alone: no version to compare
	SkipNoNamespace       SkipReason = "no-namespace"       // rendered without a namespace: Flux fails to apply it
	SkipEmbedded          SkipReason = "embedded"           // version written inside a block scalar: an inline patch, a ResourceSet template
)

// Placement is one namespace a reference lands in and the cluster that
// puts it there: the directory of the root Flux Kustomization
// ("clusters/staging").
type Placement struct {
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace,omitempty"`
}

// Ref is one version field bosun could edit, as found by the scanner.
type Ref struct {
	// Kind and Name identify the object holding the field: "OCIRepository",
	// "HelmRelease", "HelmChart" or "HelmChartInflationGenerator" (a kustomize helmCharts entry).
	Kind string `json:"kind"`
	Name string `json:"name"`
	// Namespaces lists, sorted, every namespace the object lands in; empty when unresolved.
	Namespaces []string `json:"namespaces"`
	Chart      string   `json:"chart"`
	Source     Source   `json:"source"`
	// Field is the kind of version field.
	Field Field `json:"field"`
	// Version is the value as written (after ${VAR} resolution), "v" prefix kept.
	Version string `json:"version"`
	// Loc is where the version value is written. For a variable resolved from
	// a Flux Kustomization's postBuild.substitute, Loc points at that value.
	Loc Location `json:"loc"`
	// Digest is the OCI manifest digest pinned next to the tag, if any.
	Digest string `json:"digest,omitempty"`
	// DigestLoc locates Digest; nil when there is none.
	DigestLoc *Location `json:"digestLoc,omitempty"`
	// UsedBy lists the HelmReleases whose chartRef points at this object.
	UsedBy []ObjectKey `json:"usedBy,omitempty"`
	// Clusters lists, sorted, each cluster and namespace the object lands
	// in as Flux renders the repository; empty when no root Flux
	// Kustomization of the repository reaches it.
	Clusters []Placement `json:"clusters,omitempty"`
	// Scope names the Flux Kustomization (namespace/name) that applies the
	// file, "" when none does.
	Scope string `json:"scope,omitempty"`
	// Skip is non-empty when the reference must not be updated; SkipDetail explains.
	Skip       SkipReason `json:"skip,omitempty"`
	SkipDetail string     `json:"skipDetail,omitempty"`
}

// Key names the chart a Ref follows in reports and PR-body markers. It
// holds the source URL redacted (httpx.RedactURL), so sources differing
// only in credentials or query values share a key: lookups are keyed by
// the Source itself, as written, not by Key.
func (r Ref) Key() string { return string(r.Source.Kind) + " " + r.Source.String() + " " + r.Chart }

// Release is one published version of a chart.
type Release struct {
	// Version is the chart version ("1.2.3+build" for OCI tag "1.2.3_build").
	Version string `json:"version"`
	// Tag is the OCI tag as stored in the registry; empty for Helm HTTP repositories.
	Tag string `json:"tag,omitempty"`
	// Created is the publication time; zero when the source does not say.
	Created     time.Time `json:"created,omitempty"`
	AppVersion  string    `json:"appVersion,omitempty"`
	KubeVersion string    `json:"kubeVersion,omitempty"`
	Deprecated  bool      `json:"deprecated,omitempty"`
	// Digest is the OCI manifest digest ("sha256:…") or the .tgz digest of a Helm HTTP entry.
	Digest string `json:"digest,omitempty"`
	// URLs are absolute download URLs (Helm HTTP only).
	URLs []string `json:"urls,omitempty"`
	// Changes is the raw artifacthub.io/changes annotation, if any.
	Changes string `json:"changes,omitempty"`
	// Described is true when the fields beyond Version/Tag are known. OCI
	// listings return undescribed releases; a Describe call fills them in.
	Described bool `json:"-"`
	// NotChart is set by Describe when the tag holds something that is not a
	// Helm chart (e.g. a container image in the same repository).
	NotChart bool `json:"notChart,omitempty"`
}

// UpdateType classifies a version change.
type UpdateType string

const (
	UpdateMajor  UpdateType = "major"
	UpdateMinor  UpdateType = "minor"
	UpdatePatch  UpdateType = "patch"
	UpdateDigest UpdateType = "digest" // same version, new digest
)
