package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
)

// TestWriteVersionsJSON_SameBytesAsAMap: the document is written exactly as
// the map bosun wrote before it had a type (encoding/json sorts map keys).
func TestWriteVersionsJSON_SameBytesAsAMap(t *testing.T) {
	t.Parallel()
	created := time.Date(2026, 11, 1, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	v := Versions{
		Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"}, Chart: "app-template",
		Releases: []chart.Release{
			{Version: "4.1.0", Tag: "4.1.0", Created: created, AppVersion: "4.1.0", Described: true, Digest: "sha256:abc"},
			{Version: "4.0.0", Deprecated: true},
			{Version: "3.0.0", Described: true, NotChart: true},
		},
	}
	var got, want bytes.Buffer
	if err := WriteVersionsJSON(&got, v); err != nil {
		t.Fatal(err)
	}
	if err := WriteJSON(&want, map[string]any{"schemaVersion": SchemaVersion, "source": v.Source, "chart": v.Chart, "versions": VersionsJSONOf(v).Versions}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want.String(), got.String()); diff != "" {
		t.Errorf("WriteVersionsJSON mismatch (-want +got):\n%s", diff)
	}
	if !strings.Contains(got.String(), `"created": "2026-11-01T09:00:00Z"`) {
		t.Errorf("created is not in UTC:\n%s", got.String())
	}
}

func TestWriteVersionsText(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	err := WriteVersionsText(&b, Versions{Releases: []chart.Release{
		{Version: "1.1.0", Created: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), AppVersion: "v2", Described: true},
		{Version: "1.0.0"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := "VERSION  CREATED               APP VERSION  DEPRECATED  CHART\n" +
		"1.1.0    2026-11-01T00:00:00Z  v2           false       true\n" +
		"1.0.0    -                     -            false       ?\n"
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteVersionsText mismatch (-want +got):\n%s", diff)
	}
}
