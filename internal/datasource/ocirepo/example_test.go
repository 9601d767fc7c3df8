package ocirepo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
)

// ExampleSource_Releases lists a chart's versions from a registry that, like
// GHCR, returns tags oldest first. Non-version tags are dropped, "_" maps back
// to "+", and the result is sorted newest first.
func ExampleSource_Releases() {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/charts/podinfo/tags/list" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"name":"charts/podinfo","tags":["6.4.0","6.5.0_up.1","latest","6.10.0","6.5"]}`)
	}))
	defer ts.Close()

	s := ocirepo.New(ocirepo.Options{Client: ts.Client()}) // a loopback host is plain HTTP
	src := chart.Source{Kind: chart.SourceOCI, URL: "oci://" + strings.TrimPrefix(ts.URL, "http://") + "/charts/podinfo"}
	rels, err := s.Releases(context.Background(), src, "podinfo")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range rels {
		fmt.Println(r.Version, r.Tag)
	}
	// Output:
	// 6.10.0 6.10.0
	// 6.5.0+up.1 6.5.0_up.1
	// 6.4.0 6.4.0
}
