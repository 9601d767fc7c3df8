package app

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/flux"
)

// explainRepo copies a golden repository case to a temp dir.
func explainRepo(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "repos", name, "repo"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestExplain_ComponentInThreeClusters(t *testing.T) {
	t.Parallel()
	dir := explainRepo(t, "multi-cluster")
	r := runApp(t, nil, "explain", "-q", "-C", dir, "-o", "json", "apps/components/proxy/ocirepository.yaml:11")
	if r.code != ExitOK {
		t.Fatalf("code %d: %s", r.code, r.stderr)
	}
	var got struct {
		SchemaVersion int                `json:"schemaVersion"`
		File          string             `json:"file"`
		References    []flux.Explanation `json:"references"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.SchemaVersion != 1 {
		t.Errorf("schemaVersion %d, want 1 as every JSON document bosun writes", got.SchemaVersion)
	}
	if len(got.References) != 1 || len(got.References[0].Paths) != 6 {
		t.Fatalf("explanations: %s", r.stdout)
	}
	for _, p := range got.References[0].Paths {
		if len(p.Chain) != 3 || p.Chain[0].Kustomization != "flux-system/flux-system" || p.Chain[2].Kustomization != p.Namespace+"/"+map[string]string{"media": "jellyfin", "downloads": "sonarr"}[p.Namespace] {
			t.Errorf("%s %s: chain %+v", p.Cluster, p.Namespace, p.Chain)
		}
		if len(p.Variables) != 1 || p.Variables[0].Name != "APP" || !p.Variables[0].Known || !strings.HasSuffix(p.Variables[0].File, "/ks.yaml") || p.Variables[0].Line != 17 {
			t.Errorf("%s %s: variables %+v", p.Cluster, p.Namespace, p.Variables)
		}
	}
	text := runApp(t, nil, "explain", "-q", "-C", dir, "apps/base/media/proxy/app/helmrelease.yaml")
	for _, want := range []string{
		"replacement in apps/base/media/kustomization.yaml sets spec.targetNamespace media (apps/base/media/kustomization.yaml:3)",
		"${PROXY_CHART_VERSION} = unknown from Secret media/cluster-secrets (SOPS-encrypted) (apps/components/common/cluster-secrets.sops.yaml:6)",
		"Kustomization media/edge-proxy (apps/base/media/proxy/ks.yaml:1)",
		"${CLUSTER} = \"staging\" from postBuild.substitute of Kustomization flux-system/apps (clusters/staging/apps.yaml:15)",
	} {
		if !strings.Contains(text.stdout, want) {
			t.Errorf("explain text lacks %q:\n%s", want, text.stdout)
		}
	}
	if r := runApp(t, nil, "explain", "-q", "-C", dir, "nope.yaml"); r.code == ExitOK {
		t.Errorf("explain of a missing file: code %d", r.code)
	}
}
