package upstream

import (
	"context"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/httpx"
)

// TestUpstream_ThroughMirrors publishes to real-looking sources and reads
// them back through bosun's own datasources and mirrors.
func TestUpstream_ThroughMirrors(t *testing.T) {
	t.Parallel()
	u := start(t)
	ctx := context.Background()
	oci := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"}
	helm := chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"}
	created := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range []string{"4.0.0", "4.1.0", "5.0.0-rc.1", "1.0.0+build.1"} {
		publish(t, u, oci, "app-template", Release{Version: v, AppVersion: "v" + v, Created: created})
	}
	publish(t, u, helm, "cert-manager", Release{Version: "v1.17.1", Created: created}, Release{Version: "v1.18.0", Created: created})
	hosts := u.Hosts()
	if len(hosts) != 2 {
		t.Fatalf("Hosts() = %+v, want 2 mirrors", hosts)
	}
	client := httpx.New(httpx.Options{})
	ds := datasource.New(
		helmrepo.New(client, helmrepo.Options{Hosts: hosts}),
		ocirepo.New(ocirepo.Options{Client: client, Hosts: hosts}),
	)
	rels, err := ds.Releases(ctx, oci, "app-template")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := versionsOf(rels), "5.0.0-rc.1 4.1.0 4.0.0 1.0.0+build.1"; got != want {
		t.Errorf("OCI versions = %q, want %q", got, want)
	}
	d, err := ds.Describe(ctx, oci, "app-template", rels[1])
	if err != nil {
		t.Fatal(err)
	}
	if d.NotChart || d.AppVersion != "v4.1.0" || !d.Created.Equal(created) || d.Digest == "" {
		t.Errorf("Describe = %+v", d)
	}
	hr, err := ds.Releases(ctx, helm, "cert-manager")
	if err != nil {
		t.Fatal(err)
	}
	if len(hr) != 2 || hr[0].Version != "v1.18.0" {
		t.Errorf("Helm releases = %+v", hr)
	}
}
