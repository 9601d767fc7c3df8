package helmbench

import (
	"testing"

	"helm.sh/helm/v3/pkg/registry"

	"github.com/bosunhq/bosun/internal/versioning"
)

// bosun spells Helm's OCI media types itself, so that the main module needs
// none of helm's pkg/registry dependencies; this checks they have not
// drifted from Helm's.
func TestMediaTypesMatchHelm(t *testing.T) {
	if versioning.HelmConfigMediaType != registry.ConfigMediaType || versioning.HelmChartMediaType != registry.ChartLayerMediaType {
		t.Errorf("media types drifted from helm: %q %q, helm has %q %q",
			versioning.HelmConfigMediaType, versioning.HelmChartMediaType, registry.ConfigMediaType, registry.ChartLayerMediaType)
	}
}
