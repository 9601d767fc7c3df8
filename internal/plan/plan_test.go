package plan

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/policy"
	"github.com/bosunhq/bosun/internal/testutil/golden"
)

var appTemplate = chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"}

func upd(file, ns, chartName string, src chart.Source, from, to string, typ chart.UpdateType) Update {
	return Update{
		Ref: chart.Ref{Kind: "OCIRepository", Name: filepath.Base(filepath.Dir(file)), Namespaces: []string{ns}, Chart: chartName, Source: src,
			Field: chart.FieldTag, Version: from, Loc: chart.Location{File: file, Line: 12, Start: 300, End: 300 + len(from)}},
		Status: policy.StatusUpdate, To: &chart.Release{Version: to}, NewValue: to, Type: typ, SeparateMajor: true,
	}
}

func describe(gs []Group) string {
	var b strings.Builder
	for _, g := range gs {
		fmt.Fprintf(&b, "%s\n  title: %s\n  labels: %s\n  hash: %s\n", g.Branch, g.Title, strings.Join(g.Labels, ","), g.Hash)
		for _, u := range g.Updates {
			fmt.Fprintf(&b, "  - %s %s/%s %s %s → %s (%s)\n", u.Ref.Loc.File, strings.Join(u.Ref.Namespaces, ","), u.Ref.Name, u.Ref.Chart, u.Ref.Version, u.To.Version, u.Type)
		}
	}
	return b.String()
}

func TestBuild_Golden(t *testing.T) {
	t.Parallel()
	rook := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/rook/rook-ceph"}
	rookCluster := chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/rook/rook-ceph-cluster"}
	ciliumA := chart.Source{Kind: chart.SourceHelm, URL: "https://helm.cilium.io"}
	ciliumB := chart.Source{Kind: chart.SourceOCI, URL: "oci://quay.io/cilium/charts/cilium"}
	named := func(u Update, g string) Update { u.Group = g; return u }
	byNS := func(u Update) Update { u.GroupBy = "namespace"; return u }
	noSep := func(u Update) Update { u.SeparateMajor = false; return u }
	withDigest := func(u Update) Update {
		u.Ref.Digest, u.NewDigest = "sha256:aaaaaaaaaaaa1111", "sha256:bbbbbbbbbbbb2222"
		return u
	}
	cases := map[string][]Update{
		"default": {
			upd("apps/media/sonarr/app/ocirepository.yaml", "media", "app-template", appTemplate, "4.0.1", "4.1.0", chart.UpdateMinor),
			upd("apps/default/echo/app/ocirepository.yaml", "default", "app-template", appTemplate, "4.0.0", "4.1.0", chart.UpdateMinor),
			upd("apps/media/radarr/app/ocirepository.yaml", "media", "app-template", appTemplate, "3.7.3", "4.1.0", chart.UpdateMajor),
			upd("apps/kube-system/cilium/app/helmrelease.yaml", "kube-system", "cilium", ciliumA, "1.16.1", "1.16.2", chart.UpdatePatch),
			upd("apps/net/cilium/app/helmrelease.yaml", "net", "cilium", ciliumB, "1.16.1", "1.16.2", chart.UpdatePatch),
			upd("apps/edge/cilium/app/helmrelease.yaml", "edge", "cilium", ciliumB, "0.9.0", "1.16.2", chart.UpdateMajor),
			withDigest(upd("apps/flux-system/flux-operator/app/ocirepository.yaml", "flux-system", "flux-operator", chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/controlplaneio-fluxcd/charts/flux-operator"}, "0.28.0", "0.28.0", chart.UpdateDigest)),
		},
		"named-groups": {
			named(upd("apps/rook-ceph/app/helmrelease.yaml", "rook-ceph", "rook-ceph", rook, "v1.16.4", "v1.16.5", chart.UpdatePatch), "rook-ceph"),
			named(upd("apps/rook-ceph/cluster/helmrelease.yaml", "rook-ceph", "rook-ceph-cluster", rookCluster, "v1.16.4", "v1.17.0", chart.UpdateMinor), "rook-ceph"),
			named(upd("apps/rook-ceph/cluster2/helmrelease.yaml", "rook-ceph", "rook-ceph-cluster", rookCluster, "v0.9.0", "v1.17.0", chart.UpdateMajor), "rook-ceph"),
		},
		"by-namespace": {
			byNS(upd("apps/media/sonarr/app/ocirepository.yaml", "media", "app-template", appTemplate, "4.0.1", "4.1.0", chart.UpdateMinor)),
			byNS(upd("apps/media/plex/app/ocirepository.yaml", "media", "plex", chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com"}, "1.0.0", "1.0.1", chart.UpdatePatch)),
			byNS(upd("apps/default/echo/app/ocirepository.yaml", "default", "app-template", appTemplate, "4.0.0", "4.1.0", chart.UpdateMinor)),
		},
		"major-not-separate": {
			noSep(upd("a/ocirepository.yaml", "media", "app-template", appTemplate, "3.7.3", "4.1.0", chart.UpdateMajor)),
			noSep(upd("b/ocirepository.yaml", "media", "app-template", appTemplate, "4.0.0", "4.1.0", chart.UpdateMinor)),
		},
	}
	for name, us := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got := describe(Build(us, Options{}))
			golden.Assert(t, filepath.Join("testdata", name+".golden"), []byte(got))
		})
	}
}

func TestBuild_ManyFilesOneGroup(t *testing.T) {
	t.Parallel()
	var us []Update
	for i := range 93 {
		us = append(us, upd(fmt.Sprintf("kubernetes/apps/ns%02d/app/ocirepository.yaml", i), fmt.Sprintf("ns%02d", i), "app-template", appTemplate, "4.0.0", "4.1.0", chart.UpdateMinor))
	}
	gs := Build(us, Options{})
	if len(gs) != 1 || len(gs[0].Updates) != 93 || gs[0].Branch != "bosun/app-template" {
		t.Fatalf("want one group of 93 on bosun/app-template, got %d groups", len(gs))
	}
}

func TestHash_StableAndSensitive(t *testing.T) {
	t.Parallel()
	a := upd("a.yaml", "x", "c", appTemplate, "1.0.0", "1.1.0", chart.UpdateMinor)
	b := upd("b.yaml", "x", "c", appTemplate, "1.0.0", "1.1.0", chart.UpdateMinor)
	if Hash([]Update{a, b}) != Hash([]Update{b, a}) {
		t.Error("hash depends on order")
	}
	c := b
	c.NewValue = "1.2.0"
	if Hash([]Update{a, b}) == Hash([]Update{a, c}) {
		t.Error("hash ignores the new value")
	}
}

func TestBuild_TitleShowsNewestTarget(t *testing.T) {
	t.Parallel()
	src := chart.Source{Kind: chart.SourceHelm, URL: "https://grafana.github.io/helm-charts"}
	gs := Build([]Update{
		upd("monitoring/hr.yaml", "monitoring", "grafana", src, "8.5.1", "8.5.2", chart.UpdatePatch),
		upd("web/hr.yaml", "web", "grafana", src, "8.5.1", "8.6.0", chart.UpdateMinor),
	}, Options{})
	if len(gs) != 1 {
		t.Fatalf("want one group, got %d", len(gs))
	}
	if want := "feat(helm): update chart grafana ( 8.5.1 → 8.6.0 )"; gs[0].Title != want {
		t.Errorf("title = %q, want %q", gs[0].Title, want)
	}
}

// TestBuild_SourcesApartOnlyInSecrets: two sources of a chart that differ
// only in their credentials, and a group named like the chart, each get a
// branch of their own, and no branch shows a secret.
func TestBuild_SourcesApartOnlyInSecrets(t *testing.T) {
	t.Parallel()
	a := chart.Source{Kind: chart.SourceHelm, URL: "https://bot:first-secret@charts.example.com"}
	b := chart.Source{Kind: chart.SourceHelm, URL: "https://bot:second-secret@charts.example.com"}
	grouped := upd("apps/c/helmrelease.yaml", "c", "other", appTemplate, "1.0.0", "1.1.0", chart.UpdateMinor)
	grouped.Group = "app"
	updates := []Update{
		upd("apps/a/helmrelease.yaml", "a", "app", a, "1.0.0", "1.1.0", chart.UpdateMinor),
		upd("apps/b/helmrelease.yaml", "b", "app", b, "1.0.0", "1.1.0", chart.UpdateMinor),
		grouped,
	}
	for range 3 { // the same branches whatever the order of the updates
		gs := Build(updates, Options{})
		branches := map[string]string{}
		for _, g := range gs {
			if strings.Contains(g.Branch, "secret") {
				t.Errorf("branch %s shows a secret", g.Branch)
			}
			branches[g.Branch] = g.Updates[0].Ref.Loc.File
		}
		want := map[string]string{"bosun/app": "apps/c/helmrelease.yaml", "bosun/app-charts.example.com": "apps/a/helmrelease.yaml", "bosun/app-charts.example.com-2": "apps/b/helmrelease.yaml"}
		if len(gs) != 3 || fmt.Sprint(branches) != fmt.Sprint(want) {
			t.Fatalf("branches %v, want %v", branches, want)
		}
		updates[0], updates[1], updates[2] = updates[2], updates[0], updates[1]
	}
	// A group named like a chart of its own: two branches, not one.
	named := upd("apps/e/helmrelease.yaml", "e", "other", appTemplate, "1.0.0", "1.1.0", chart.UpdateMinor)
	named.Group = "web"
	gs := Build([]Update{upd("apps/d/helmrelease.yaml", "d", "web", a, "1.0.0", "1.1.0", chart.UpdateMinor), named}, Options{})
	if len(gs) != 2 || gs[0].Branch == gs[1].Branch {
		t.Errorf("a group named web and the chart web share a branch: %v", describe(gs))
	}
}
