package chart

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSource_redacted(t *testing.T) {
	t.Parallel()
	src := Source{Kind: SourceHelm, URL: "http://alice:S3CRETPW@charts.example.com/charts"}
	ref := Ref{Source: src, Chart: "app"}
	b, err := json.Marshal(src)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]string{"String": src.String(), "Key": ref.Key(), "JSON": string(b)} {
		if strings.Contains(got, "S3CRETPW") || strings.Contains(got, "alice") {
			t.Errorf("%s = %q shows the credentials", name, got)
		}
	}
	if want := "helm http://charts.example.com/charts app"; ref.Key() != want {
		t.Errorf("Key() = %q, want %q", ref.Key(), want)
	}
	if want := `{"type":"helm","url":"http://charts.example.com/charts"}`; string(b) != want {
		t.Errorf("JSON = %s, want %s", b, want)
	}
	if src.URL != "http://alice:S3CRETPW@charts.example.com/charts" {
		t.Errorf("URL changed: %q (the lookup authenticates with it)", src.URL)
	}
}
