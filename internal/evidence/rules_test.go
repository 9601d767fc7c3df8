package evidence

import (
	"bytes"
	"compress/gzip"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	helmchart "helm.sh/helm/v3/pkg/chart"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

func TestParseChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, raw string
		want      []ChangeGroup
	}{
		{"strings", "- Bump app\n- Fix probe\n", []ChangeGroup{{Kind: KindOther, Entries: []ChangeEntry{
			{Version: "1.0.0", Description: "Bump app"}, {Version: "1.0.0", Description: "Fix probe"}}}}},
		{"kinds and links", `- kind: security
  description: CVE fix
- kind: Added
  description: new flag
  links:
    - name: PR
      url: https://github.com/o/r/pull/1
    - name: bad
      url: javascript:alert(1)
`, []ChangeGroup{
			{Kind: "added", Entries: []ChangeEntry{{Version: "1.0.0", Description: "new flag",
				Links: []Link{{Name: "PR", URL: "https://github.com/o/r/pull/1"}}}}},
			{Kind: "security", Entries: []ChangeEntry{{Version: "1.0.0", Description: "CVE fix"}}},
		}},
		{"not a list", "kind: added\n", []ChangeGroup{}},
		{"invalid yaml", "- [unclosed", []ChangeGroup{}},
		{"oversized", "- " + strings.Repeat("x", maxChangesBytes), []ChangeGroup{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got := groupChanges(parseChanges("1.0.0", tc.raw))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("parseChanges mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGithubLinks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src, appFrom, appTo string
		want                      []string
	}{
		{"chart monorepo", "https://github.com/bitnami/charts/tree/main/bitnami/redis", "7.0", "7.2",
			[]string{"https://github.com/bitnami/charts/compare/redis-1.0.0...redis-2.0.0",
				"https://github.com/bitnami/charts/releases/tag/redis-2.0.0", "https://github.com/bitnami/charts/releases"}},
		{"app repo", "https://github.com/cert-manager/cert-manager", "v1.14.0", "v1.15.0",
			[]string{"https://github.com/cert-manager/cert-manager/compare/v1.14.0...v1.15.0",
				"https://github.com/cert-manager/cert-manager/releases/tag/v1.15.0", "https://github.com/cert-manager/cert-manager/releases"}},
		{"app repo, same appVersion", "https://github.com/o/app.git", "1", "1",
			[]string{"https://github.com/o/app/compare/1.0.0...2.0.0", "https://github.com/o/app/releases/tag/2.0.0", "https://github.com/o/app/releases"}},
		{"not github", "https://gitlab.com/o/r", "1", "2", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, l := range githubLinks([]Link{{Name: "source", URL: tc.src}}, "redis", "1.0.0", "2.0.0", tc.appFrom, tc.appTo) {
				got = append(got, l.URL)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("githubLinks mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestValidateValues_refusesExternalRefs(t *testing.T) {
	t.Parallel()
	for _, ref := range []string{"file:///etc/passwd", "https://example.com/schema.json", "/etc/hostname"} {
		schema := `{"type":"object","properties":{"a":{"$ref":"` + ref + `"}}}`
		_, err := validateValues([]byte(schema), nil, map[string]any{"a": 1})
		if err == nil || !strings.Contains(err.Error(), "not followed") {
			t.Errorf("$ref %s: error = %v, want the reference not followed", ref, err)
		}
	}
}

func TestValidateValues_defaultsSatisfyRequired(t *testing.T) {
	t.Parallel()
	schema := []byte(`{"type":"object","required":["image"],"properties":{"image":{"type":"object","required":["repository"]}}}`)
	defaults := map[string]any{"image": map[string]any{"repository": "x", "tag": "1"}}
	vs, err := validateValues(schema, defaults, map[string]any{"image": map[string]any{"tag": "2"}})
	if err != nil || len(vs) != 0 {
		t.Errorf("validateValues() = %v, %v; want no violation (defaults merged first)", vs, err)
	}
	vs, err = validateValues(schema, defaults, map[string]any{"image": nil})
	if err != nil || len(vs) != 1 || vs[0].Path != "" {
		t.Errorf("validateValues(image: null) = %v, %v; want the required image missing at the root", vs, err)
	}
}

// TestValidateValues_sameMessageEveryRun: a values check that rejects
// several unknown keys says so in the same words on every run, so a pull
// request body does not change between runs (the validator used to list
// the keys in map order).
func TestValidateValues_sameMessageEveryRun(t *testing.T) {
	t.Parallel()
	schema := []byte(`{"type":"object","properties":{"image":{"type":"object","additionalProperties":false}}}`)
	image := map[string]any{}
	for _, k := range []string{"registry", "repository", "tag", "digest", "pullPolicy", "pullSecrets"} {
		image[k] = "x"
	}
	want := []Violation{{Path: "/image", Message: "additional properties 'digest', 'pullPolicy', 'pullSecrets', 'registry', 'repository', 'tag' not allowed"}}
	for range 5 {
		vs, err := validateValues(schema, nil, map[string]any{"image": image})
		if err != nil || !slices.Equal(vs, want) {
			t.Fatalf("validateValues() = %v, %v; want %v", vs, err, want)
		}
	}
}

func TestRemovedKeys(t *testing.T) {
	t.Parallel()
	old := map[string]any{"a": 1, "svc": map[string]any{"port": 80, "type": "ClusterIP"}, "ann": map[string]any{}}
	cur := map[string]any{"a": 1, "svc": map[string]any{"ports": map[string]any{"http": 80}, "type": "ClusterIP"}, "ann": map[string]any{}}
	rel := map[string]any{"a": 2, "svc": map[string]any{"port": 8080, "type": "NodePort"}, "ann": map[string]any{"x": "y"}, "extra": true}
	if diff := cmp.Diff([]string{".svc.port"}, removedKeys(rel, old, cur)); diff != "" {
		t.Errorf("removedKeys mismatch (-want +got):\n%s", diff)
	}
}

func TestKubeChecks(t *testing.T) {
	t.Parallel()
	got := kubeChecks(">=1.30.0-0 <1.33.0-0", []Cluster{{"a", "1.29"}, {"b", "v1.31.4"}, {"c", "1.33.0"}, {"d", "latest"}})
	var oks []bool
	for _, k := range got {
		oks = append(oks, k.OK)
	}
	if diff := cmp.Diff([]bool{false, true, false, false}, oks); diff != "" || got[3].Err == "" {
		t.Errorf("kubeChecks mismatch (-want +got):\n%s; %+v", diff, got)
	}
	if kubeChecks("", []Cluster{{"a", "1.29"}}) != nil {
		t.Error("kubeChecks without a constraint reported something")
	}
}

func TestTrimLines(t *testing.T) {
	t.Parallel()
	got, n := trimLines("a\nbb\nccc\n", 5)
	if got != "a\nbb\n" || n != 1 {
		t.Errorf("trimLines = %q, %d; want \"a\\nbb\\n\", 1", got, n)
	}
}

func TestCompareCRDs(t *testing.T) {
	t.Parallel()
	crd := []byte("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a\n")
	mk := func(crdData, tmplData []byte, extra bool) *helmchart.Chart {
		c := &helmchart.Chart{Metadata: &helmchart.Metadata{Name: "c", Version: "1.0.0"}}
		c.Files = []*helmchart.File{{Name: "crds/a.yaml", Data: crdData}}
		if extra {
			c.Files = append(c.Files, &helmchart.File{Name: "crds/b.yaml", Data: crd})
		}
		c.Templates = []*helmchart.File{{Name: "templates/crd.yaml", Data: tmplData}, {Name: "templates/cm.yaml", Data: []byte("kind: ConfigMap\n")}}
		return c
	}
	changed := append(append([]byte{}, crd...), "spec: {}\n"...)
	for _, tc := range []struct {
		name     string
		from, to *helmchart.Chart
		policy   CRDPolicy
		want     CRDChange
	}{
		{"unchanged", mk(crd, crd, false), mk(crd, crd, false), CRDPolicy{}, CRDChange{}},
		{"modified, default policy", mk(crd, crd, false), mk(changed, crd, false), CRDPolicy{},
			CRDChange{Modified: []string{"crds/a.yaml"}, Warning: "CRDs in crds/ change, and upgrade.crds is Skip: Flux will not update existing CRDs; set spec.upgrade.crds: CreateReplace"}},
		{"modified, CreateReplace", mk(crd, crd, false), mk(changed, crd, false), CRDPolicy{Upgrade: CRDCreateReplace},
			CRDChange{Modified: []string{"crds/a.yaml"}}},
		{"added, Create", mk(crd, crd, false), mk(crd, crd, true), CRDPolicy{Upgrade: CRDCreate},
			CRDChange{Added: []string{"crds/b.yaml"}}},
		{"added, Skip", mk(crd, crd, false), mk(crd, crd, true), CRDPolicy{Install: CRDCreateReplace, Upgrade: CRDSkip},
			CRDChange{Added: []string{"crds/b.yaml"}, Warning: "new CRDs in crds/, and upgrade.crds is Skip: Flux will not create them on upgrade; set spec.upgrade.crds: CreateReplace"}},
		{"template CRD changed: no policy warning", mk(crd, crd, false), mk(crd, changed, false), CRDPolicy{},
			CRDChange{Templates: []string{"templates/crd.yaml"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tc.want, compareCRDs(tc.from, tc.to, tc.policy)); diff != "" {
				t.Errorf("compareCRDs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadArchive_decompressionCap(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zeros := make([]byte, 1<<20)
	for range maxDecompressed>>20 + 1 {
		_, _ = zw.Write(zeros)
	}
	_ = zw.Close()
	if _, err := loadArchive(buf.Bytes()); !errors.Is(err, datasource.ErrTooLarge) {
		t.Errorf("loadArchive(bomb of %d compressed bytes) error = %v, want ErrTooLarge", buf.Len(), err)
	}
	if _, err := loadArchive([]byte("not gzip")); err == nil {
		t.Error("loadArchive(garbage) succeeded")
	}
}

// A chart layer whose download is redirected to a signed URL that refuses
// it fails with an error naming that URL without its query values.
func TestOCIRemote_blob_signedRedirectRedacted(t *testing.T) {
	t.Parallel()
	r := ocitest.New(t, ocitest.WithMiddleware(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
			switch {
			case strings.Contains(req.URL.Path, "/blobs/"):
				http.Redirect(w, req, "/cdn/layer?X-Amz-Signature=secret", http.StatusTemporaryRedirect)
			case req.URL.Path == "/cdn/layer":
				w.WriteHeader(http.StatusForbidden)
			default:
				next.ServeHTTP(w, req)
			}
		})
	}))
	r.PushChart(t, "charts/app", "app", "1.0.0", time.Unix(0, 0), "")
	tgt, err := ocirepo.Resolve(nil, chart.Source{Kind: chart.SourceOCI, URL: "oci://" + r.Ref("charts/app")})
	if err != nil {
		t.Fatal(err)
	}
	o := newOCIRemote(r.Client(), nil)
	d := ocispec.Descriptor{MediaType: "application/octet-stream", Digest: digest.FromString("layer"), Size: 5}
	_, err = o.blob(t.Context(), tgt, d)
	if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "/cdn/layer?") {
		t.Errorf("blob error = %v: want the signed URL without its query values", err)
	}
	if !errors.Is(err, datasource.ErrUnauthorized) {
		t.Errorf("blob error = %v: want datasource.ErrUnauthorized", err)
	}
}
