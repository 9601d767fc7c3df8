package migrate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
)

// Snippet returns the packageRules to append to the Renovate config so
// that bosun updates Helm chart versions and Renovate keeps everything
// else: container images (also those in HelmRelease values, found by the
// helm-values manager), GitHub Actions, Flux itself (flux manager,
// github-releases datasource) and non-chart OCI artifacts.
//
// It disables chart updates by manager and datasource, never by file:
// ignorePaths on the app files would also stop the image updates Renovate
// finds in the same files. The flux manager reports HelmRelease charts from
// Helm repositories with the helm datasource and OCI charts (OCIRepository
// tags, oci HelmRepositories) with the docker datasource, which it also
// uses for OCI artifacts that are not charts; with ociCharts (the docker
// package names of the repository's OCI charts) only those are disabled;
// when the repository was scanned and has none, docker is left alone.
func Snippet(ociCharts []string, scanned bool) ([]byte, error) {
	type rule struct {
		Description       string   `json:"description"`
		MatchManagers     []string `json:"matchManagers"`
		MatchDatasources  []string `json:"matchDatasources"`
		MatchPackageNames []string `json:"matchPackageNames,omitempty"`
		Enabled           bool     `json:"enabled"`
	}
	rules := []rule{{
		Description:      "Helm charts from Helm repositories are updated by bosun",
		MatchManagers:    []string{"flux", "kustomize"},
		MatchDatasources: []string{"helm"},
	}}
	oci := rule{
		Description:      "OCI Helm charts are updated by bosun",
		MatchManagers:    []string{"flux"},
		MatchDatasources: []string{"docker"},
	}
	if len(ociCharts) > 0 {
		oci.MatchPackageNames = slices.Compact(slices.Sorted(slices.Values(ociCharts)))
	} else {
		oci.Description += " (every flux docker dependency: list the chart packages in matchPackageNames if the repository has other OCI artifacts)"
	}
	if len(ociCharts) > 0 || !scanned {
		rules = append(rules, oci)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(map[string]any{"packageRules": rules}); err != nil {
		return nil, fmt.Errorf("renovate snippet: %w", err)
	}
	return b.Bytes(), nil
}
