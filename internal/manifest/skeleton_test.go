package manifest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

const unreadYAML = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: {app: web}}
spec:
  replicas: 2
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: &app web
  labels: {app: web}
spec:
  chart: {spec: {chart: web, version: 1.0.0}}
  values:
    fullnameOverride: *app
    image: {tag: 2.0.0}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: api}
spec:
  chart: {spec: {chart: api, version: 1.0.0}}
  values:
    a: &x 1
    b: *x
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {A: "1"}
---
kind: Deployment
<<: {apiVersion: apps/v1}
spec: {replicas: 1}
---
metadata: {name: &k Deployment}
apiVersion: apps/v1
kind: *k
spec: {replicas: 1}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: merged}
spec:
  values: {b: 2}
  <<: {values: {a: 1}}
`

// unreadDeployments leaves out all of a Deployment but what names it, and
// the values of a HelmRelease; metadata is never left out.
func unreadDeployments(_, _, kind string) (bool, [][]string) {
	switch kind {
	case "Deployment":
		return true, nil
	case "HelmRelease":
		return false, [][]string{{"spec", "values"}, {"metadata", "labels"}}
	}
	return false, nil
}

// dump writes the tree below n, positions and aliases included.
func dump(b *strings.Builder, n *yaml.Node, depth int) {
	if n == nil {
		b.WriteString("nil\n")
		return
	}
	b.WriteString(strings.Repeat("  ", depth))
	b.WriteString(strings.Join([]string{kindName(n.Kind), n.Tag, n.Value, n.Anchor}, "|"))
	if n.Alias != nil {
		b.WriteString(" → " + n.Alias.Value)
	}
	b.WriteString(" @" + strconv.Itoa(n.Line) + ":" + strconv.Itoa(n.Column) + "\n")
	for _, c := range n.Content {
		dump(b, c, depth+1)
	}
}

func kindName(k yaml.Kind) string {
	return map[yaml.Kind]string{yaml.DocumentNode: "doc", yaml.SequenceNode: "seq", yaml.MappingNode: "map", yaml.ScalarNode: "scalar", yaml.AliasNode: "alias"}[k]
}

func dumpDoc(d Document) string {
	var b strings.Builder
	dump(&b, d.Root, 0)
	return b.String()
}

func topKeys(n *yaml.Node) []string {
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		out = append(out, n.Content[i].Value)
	}
	return out
}

// Load with Unread keeps what a caller reads and marks what it cut;
// Restore gives back the documents exactly as a plain parse reads them.
func TestLoad_Unread(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "apps.yaml", []byte(unreadYAML))
	repo, err := Load(context.Background(), root, Options{NoGit: true, Unread: unreadDeployments})
	if err != nil {
		t.Fatal(err)
	}
	if len(repo.Files) != 1 || len(repo.Errors) != 0 {
		t.Fatalf("files %v, errors %v", paths(repo), repo.Errors)
	}
	f := repo.Files[0]
	plain, fe := Parse("apps.yaml", []byte(unreadYAML))
	if fe != nil {
		t.Fatal(fe)
	}
	if len(f.Docs) != len(plain.Docs) {
		t.Fatalf("%d documents, want %d", len(f.Docs), len(plain.Docs))
	}
	var skeletons []bool
	for _, d := range f.Docs {
		skeletons = append(skeletons, d.Skeleton)
	}
	if diff := cmp.Diff([]bool{true, true, true, false, false, false, false}, skeletons); diff != "" {
		t.Errorf("Skeleton (-want +got):\n%s", diff)
	}

	var cuts [][][]string
	for _, d := range f.Docs[:3] {
		cuts = append(cuts, d.Cut)
	}
	if diff := cmp.Diff([][][]string{nil, {{"spec", "values"}}, {{"spec", "values"}}}, cuts); diff != "" {
		t.Errorf("Cut (-want +got):\n%s", diff)
	}

	// The Deployment keeps what names it.
	if got := topKeys(f.Docs[0].Root); !cmp.Equal(got, []string{"apiVersion", "kind", "metadata"}) {
		t.Errorf("Deployment keys %v", got)
	}
	if f.Docs[0].Root.Line != 1 || f.Docs[0].Root.Column != 1 {
		t.Errorf("Deployment at %d:%d", f.Docs[0].Root.Line, f.Docs[0].Root.Column)
	}
	// A HelmRelease's values are left out, except for the aliases they
	// hold to nodes outside them; its labels are kept (metadata is).
	web := f.Docs[1].Root
	values := web.Content[7].Content[3]
	if web.Content[7].Content[2].Value != "values" || values.Kind != yaml.SequenceNode || len(values.Content) != 1 ||
		values.Content[0].Kind != yaml.AliasNode || values.Content[0].Alias.Value != "web" {
		var b strings.Builder
		dump(&b, web, 0)
		t.Errorf("web HelmRelease:\n%s", b.String())
	}
	if !strings.Contains(dumpDoc(f.Docs[1]), "labels") {
		t.Error("web HelmRelease lost its labels")
	}
	if got := topKeys(f.Docs[2].Root.Content[7]); !cmp.Equal(got, []string{"chart"}) {
		t.Errorf("api HelmRelease spec keys %v, want [chart]", got)
	}
	// The ConfigMap is not cut; neither is a document whose identity
	// needs a merge key or an alias to be read, nor a mapping holding a
	// merge key.
	for i := 3; i < 7; i++ {
		if got, want := dumpDoc(f.Docs[i]), dumpDoc(plain.Docs[i]); got != want {
			t.Errorf("document %d:\n%s\nwant\n%s", i, got, want)
		}
	}
	// Nothing written was changed.
	if b, err := f.Bytes(); err != nil || string(b) != unreadYAML {
		t.Error("Data changed")
	}

	f.Restore()
	for i := range f.Docs {
		if f.Docs[i].Skeleton {
			t.Errorf("document %d still a skeleton after Restore", i)
		}
		if got, want := dumpDoc(f.Docs[i]), dumpDoc(plain.Docs[i]); got != want {
			t.Errorf("restored document %d:\n%s\nwant\n%s", i, got, want)
		}
	}
}
