package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
)

func sampleScan() Scan {
	return Scan{
		Files: 3,
		Refs: []chart.Ref{
			{Kind: "OCIRepository", Name: "atuin", Namespaces: []string{"default"}, Chart: "app-template",
				Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"},
				Field:  chart.FieldTag, Version: "4.1.0",
				Loc:    chart.Location{File: "apps/atuin/ocirepository.yaml", Line: 12, Column: 10, Start: 200, End: 205},
				UsedBy: []chart.ObjectKey{{Kind: "HelmRelease", Namespace: "default", Name: "atuin"}}},
			{Kind: "HelmRelease", Name: "secret", Chart: "x", Source: chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com"},
				Loc: chart.Location{File: "apps/secret.yaml", Line: 3}, Skip: chart.SkipSOPS},
		},
		Errors:    []FileError{{File: "bad.yaml", Line: 4, Message: "mapping values are not allowed in this context"}},
		Encrypted: []Encrypted{{File: "apps/secret.sops.yaml", Line: 1, Kind: "Secret", Skip: chart.SkipSOPS}},
	}
}

func TestWriteScanJSON(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteScanJSON(&buf, sampleScan()); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["schemaVersion"] != float64(1) {
		t.Errorf("schemaVersion = %v", got["schemaVersion"])
	}
	refs := got["references"].([]any)
	first := refs[0].(map[string]any)
	// The documented contract: these keys must exist with these names.
	for _, k := range []string{"file", "line", "column", "kind", "name", "namespaces", "chart", "source", "version", "usedBy"} {
		if _, ok := first[k]; !ok {
			t.Errorf("reference lacks %q: %v", k, first)
		}
	}
	if diff := cmp.Diff(map[string]any{"type": "oci", "url": "oci://ghcr.io/bjw-s-labs/helm/app-template"}, first["source"]); diff != "" {
		t.Errorf("source (-want +got):\n%s", diff)
	}
	second := refs[1].(map[string]any)
	if second["skip"] != "sops" {
		t.Errorf("skip = %v", second["skip"])
	}
	if ns, ok := second["namespaces"].([]any); !ok || len(ns) != 0 {
		t.Errorf("unresolved namespaces must be [], got %v", second["namespaces"])
	}
	if e := got["errors"].([]any); len(e) != 1 {
		t.Errorf("errors = %v", e)
	}
	if e := got["encrypted"].([]any); len(e) != 1 || e[0].(map[string]any)["skip"] != "sops" {
		t.Errorf("encrypted = %v, want the SOPS document with skip sops", e)
	}
}

func TestWriteScanText(t *testing.T) {
	t.Parallel()
	wantContains(t, "text report", render(t, WriteScanText, sampleScan()),
		"oci://ghcr.io/bjw-s-labs/helm/app-template\n",
		"  - default/atuin  OCIRepository  4.1.0\n    apps/atuin/ocirepository.yaml:12\n    used by default/atuin\n",
		"skip: sops",
		"bad.yaml:4: mapping values",
		"not read (SOPS-encrypted, skip: sops)\n  - apps/secret.sops.yaml:1  Secret\n",
		"3 files, 2 references (1 editable, 1 skipped) from 2 sources, 1 encrypted document, 1 error",
	)
}
