package manifest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const deploymentYAML = `# a Deployment
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec: {replicas: 2}
`

// Load with Unread releases the bytes of the files that parse and reads
// them again on demand, checked; a file that does not parse keeps them.
func TestLoad_UnreadReleasesSkeletonFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "apps.yaml", []byte(unreadYAML))
	write(t, root, "deploy.yaml", []byte(deploymentYAML))
	write(t, root, "changed.yaml", []byte(deploymentYAML))
	write(t, root, "bad.yaml", []byte("a: [\n"))
	repo, err := Load(context.Background(), root, Options{NoGit: true, Unread: unreadDeployments})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*File{}
	for _, f := range repo.Files {
		files[f.Path] = f
	}
	if string(files["bad.yaml"].Data) != "a: [\n" {
		t.Errorf("bad.yaml, which does not parse, lost its bytes: %q", files["bad.yaml"].Data)
	}
	if apps := files["apps.yaml"]; apps.Data != nil {
		t.Error("apps.yaml kept its bytes")
	} else if b, err := apps.Bytes(); err != nil || string(b) != unreadYAML {
		t.Errorf("apps.yaml: Bytes = %q, %v", b, err)
	}
	deploy := files["deploy.yaml"]
	if deploy.Data != nil {
		t.Fatal("deploy.yaml kept its bytes")
	}
	if b, err := deploy.Bytes(); err != nil || string(b) != deploymentYAML || deploy.Data != nil {
		t.Errorf("Bytes = %q, %v; Data %q", b, err, deploy.Data)
	}
	if off, ok := deploy.Offset(4, 11); !ok || off != strings.Index(deploymentYAML, "{name") {
		t.Errorf("Offset = %d, %v", off, ok)
	}
	kind := deploy.Docs[0].Root.Content[3]
	if sp, err := deploy.Span(kind, deploy.Docs[0].Root); err != nil || deploymentYAML[sp.Start:sp.End] != "Deployment" {
		t.Errorf("Span of the kind: %v, %v", sp, err)
	}
	if deploy.Data != nil {
		t.Error("a position kept the bytes in Data")
	}

	changed := files["changed.yaml"]
	write(t, root, "changed.yaml", []byte(strings.Replace(deploymentYAML, "2", "3", 1)))
	if _, err := changed.Bytes(); !errors.Is(err, errChanged) {
		t.Errorf("Bytes of a changed file: %v", err)
	}
	before := dumpDoc(changed.Docs[0])
	if err := changed.Restore(); err == nil || !changed.Docs[0].Skeleton || dumpDoc(changed.Docs[0]) != before {
		t.Errorf("Restore of a changed file: %v, skeleton %v", err, changed.Docs[0].Skeleton)
	}
	if _, ok := changed.Offset(1, 1); ok {
		t.Error("a changed file has positions")
	}
	if err := os.Remove(filepath.Join(root, "changed.yaml")); err != nil {
		t.Fatal(err)
	}
	if _, err := changed.Bytes(); err == nil {
		t.Error("Bytes of a removed file: no error")
	}
}

// Restore reads a released file again and keeps its bytes.
func TestRestore_ReleasedFile(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write(t, root, "deploy.yaml", []byte(deploymentYAML))
	repo, err := Load(context.Background(), root, Options{NoGit: true, Unread: unreadDeployments})
	if err != nil {
		t.Fatal(err)
	}
	f := repo.Files[0]
	if f.Data != nil || !f.Docs[0].Skeleton {
		t.Fatalf("not released: %q, skeleton %v", f.Data, f.Docs[0].Skeleton)
	}
	if err := f.Restore(); err != nil {
		t.Fatal(err)
	}
	plain, _ := Parse("deploy.yaml", []byte(deploymentYAML))
	if f.Docs[0].Skeleton || dumpDoc(f.Docs[0]) != dumpDoc(plain.Docs[0]) || string(f.Data) != deploymentYAML {
		t.Errorf("restored: skeleton %v\n%s\nData %q", f.Docs[0].Skeleton, dumpDoc(f.Docs[0]), f.Data)
	}
}

// The released files read again last stay read; the others are read again
// when needed, as often as needed.
func TestBytes_ReadsAgainPastTheRecentFiles(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	const n = recentFiles + 3
	for i := range n {
		write(t, root, fmt.Sprintf("d%02d.yaml", i), []byte(strings.Replace(deploymentYAML, "web", fmt.Sprint("web", i), 1)))
	}
	repo, err := Load(context.Background(), root, Options{NoGit: true, Unread: unreadDeployments})
	if err != nil {
		t.Fatal(err)
	}
	for round := range 2 {
		for i, f := range repo.Files {
			b, err := f.Bytes()
			want := strings.Replace(deploymentYAML, "web", fmt.Sprint("web", i), 1)
			if err != nil || string(b) != want {
				t.Fatalf("round %d: %s: %q, %v", round, f.Path, b, err)
			}
			if off, ok := f.Offset(4, 18); !ok || want[off:off+3] != "web" {
				t.Fatalf("round %d: %s: Offset = %d, %v", round, f.Path, off, ok)
			}
		}
	}
	src := repo.Files[0].source()
	if len(src.recent) != recentFiles {
		t.Errorf("%d files stay read, want %d", len(src.recent), recentFiles)
	}
}
