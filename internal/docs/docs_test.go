package docs

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

func notRunBlock(t *testing.T, md, name string) string {
	t.Helper()
	for _, b := range blocks(md) {
		if b.lang == "sh" && strings.HasPrefix(b.body, notRun) {
			return b.body
		}
	}
	t.Fatalf("%s has no block marked %q", name, notRun)
	return ""
}

// TestDocs_Install checks the install commands, which need the network:
// the go install path is this module's main package, and the download
// names and the cosign identity are those of .goreleaser.yaml and
// release.yml.
func TestDocs_Install(t *testing.T) {
	t.Parallel()
	body := notRunBlock(t, readme(t), "README.md")
	mod, err := exec.Command("go", "list", "-m").Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "go install " + strings.TrimSpace(string(mod)) + "/cmd/bosun@latest"
	if !strings.Contains(body, want) {
		t.Errorf("README install lacks %q", want)
	}
	if _, err := os.Stat(filepath.Join(root(t), "cmd", "bosun", "main.go")); err != nil {
		t.Error(err)
	}
	g := loadGoreleaser(t)
	archive := strings.NewReplacer("{{ .Os }}", "${OS}", "{{ .Arch }}", "${ARCH}").Replace(g.Archives[0].NameTemplate) + ".tar.gz"
	for _, w := range []string{
		"releases/download/$VERSION/" + archive,
		"releases/download/$VERSION/" + g.Checksum.NameTemplate,
		"releases/download/$VERSION/" + strings.Replace(g.Signs[0].Signature, "${artifact}", g.Checksum.NameTemplate, 1),
		"--certificate-identity \"https://github.com/bosunhq/bosun/.github/workflows/release.yml@refs/tags/$VERSION\"",
		g.Kos[0].Repositories[0] + ":v",
	} {
		if !strings.Contains(body, w) {
			t.Errorf("README install lacks %q", w)
		}
	}
	if _, err := os.Stat(filepath.Join(root(t), ".github", "workflows", "release.yml")); err != nil {
		t.Error("the cosign identity names release.yml, which is missing")
	}
}

// TestDocs_CronJob checks the Kubernetes example: the objects decode, the
// image is the released one, the secret and the cache are wired, and the
// bosun container's arguments work, run against the demo sandbox with
// --dry-run added.
func TestDocs_CronJob(t *testing.T) {
	t.Parallel()
	md := docText(t, "docs/kubernetes.md")
	var manifest string
	for _, b := range blocks(md) {
		if b.lang == "yaml" {
			manifest = b.body
		}
	}
	type container struct {
		Name  string   `yaml:"name"`
		Image string   `yaml:"image"`
		Args  []string `yaml:"args"`
		Env   []struct {
			Name      string `yaml:"name"`
			ValueFrom struct {
				SecretKeyRef struct{ Name, Key string } `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		VolumeMounts []struct {
			Name      string `yaml:"name"`
			MountPath string `yaml:"mountPath"`
		} `yaml:"volumeMounts"`
		SecurityContext struct {
			ReadOnlyRootFilesystem bool `yaml:"readOnlyRootFilesystem"`
		} `yaml:"securityContext"`
	}
	var cron struct {
		Kind string `yaml:"kind"`
		Spec struct {
			ConcurrencyPolicy string `yaml:"concurrencyPolicy"`
			JobTemplate       struct {
				Spec struct {
					Template struct {
						Spec struct {
							SecurityContext struct {
								RunAsNonRoot bool `yaml:"runAsNonRoot"`
							} `yaml:"securityContext"`
							InitContainers []container `yaml:"initContainers"`
							Containers     []container `yaml:"containers"`
							Volumes        []struct {
								Name                  string `yaml:"name"`
								PersistentVolumeClaim *struct {
									ClaimName string `yaml:"claimName"`
								} `yaml:"persistentVolumeClaim"`
							} `yaml:"volumes"`
						} `yaml:"spec"`
					} `yaml:"template"`
				} `yaml:"spec"`
			} `yaml:"jobTemplate"`
		} `yaml:"spec"`
	}
	dec := yaml.NewDecoder(strings.NewReader(manifest))
	var kinds []string
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			break
		}
		var head struct{ Kind string }
		if err := n.Decode(&head); err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, head.Kind)
		if head.Kind == "CronJob" {
			if err := n.Decode(&cron); err != nil {
				t.Fatal(err)
			}
		}
	}
	if diff := cmp.Diff([]string{"PersistentVolumeClaim", "CronJob"}, kinds); diff != "" {
		t.Fatalf("objects (-want +got):\n%s", diff)
	}
	pod := cron.Spec.JobTemplate.Spec.Template.Spec
	if cron.Spec.ConcurrencyPolicy != "Forbid" || !pod.SecurityContext.RunAsNonRoot || len(pod.Containers) != 1 || len(pod.InitContainers) != 1 {
		t.Fatalf("CronJob: %+v", cron.Spec)
	}
	c := pod.Containers[0]
	if !strings.HasPrefix(c.Image, loadGoreleaser(t).Kos[0].Repositories[0]+":v") || !c.SecurityContext.ReadOnlyRootFilesystem {
		t.Errorf("container: image %q, read-only root %v", c.Image, c.SecurityContext.ReadOnlyRootFilesystem)
	}
	setup := notRunBlock(t, md, "docs/kubernetes.md")
	for _, ctr := range []container{c, pod.InitContainers[0]} {
		env := ctr.Env[len(ctr.Env)-1]
		ref := env.ValueFrom.SecretKeyRef
		if env.Name != "GITHUB_TOKEN" || !strings.Contains(setup, "secret generic "+ref.Name+" --from-literal="+ref.Key+"=") {
			t.Errorf("%s: token from secret %+v, not what the setup creates:\n%s", ctr.Name, ref, setup)
		}
	}
	mounts := map[string]string{}
	for _, m := range c.VolumeMounts {
		mounts[m.Name] = m.MountPath
	}
	cacheArg := c.Args[slices.Index(c.Args, "--cache-dir")+1]
	if mounts["cache"] != cacheArg || !slices.ContainsFunc(pod.Volumes, func(v struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
	}) bool {
		return v.Name == "cache" && v.PersistentVolumeClaim != nil
	}) {
		t.Errorf("the cache volume (%v) is not at --cache-dir %s", mounts, cacheArg)
	}
	repoDir := c.Args[len(c.Args)-1]
	if !strings.HasPrefix(repoDir, mounts["repo"]+"/") || !strings.Contains(strings.Join(pod.InitContainers[0].Args, " "), repoDir) {
		t.Errorf("bosun scans %s, which the clone does not fill", repoDir)
	}

	// The clone script, against a local repository, fills the directory bosun scans.
	upstream := t.TempDir()
	for _, args := range [][]string{{"init", "-q", "-b", "main"}, {"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "init"}} {
		if out, err := exec.Command("git", append([]string{"-C", upstream}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	mnt := t.TempDir()
	script := strings.ReplaceAll(pod.InitContainers[0].Args[0], mounts["repo"]+"/", mnt+"/")
	clone := exec.Command("sh", "-c", script)
	clone.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "REPO_URL=file://" + upstream, "GITHUB_TOKEN=ghs_cloneToken"}
	if out, err := clone.CombinedOutput(); err != nil || strings.Contains(string(out), "ghs_cloneToken") {
		t.Errorf("clone script: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(mnt, strings.TrimPrefix(repoDir, mounts["repo"]+"/"), ".git")); err != nil {
		t.Errorf("the clone did not fill %s: %v", repoDir, err)
	}

	// The container's arguments, with the volumes mapped to the sandbox.
	bin := buildBosun(t)
	sb := newSandbox(t)
	args := slices.Clone(c.Args)
	args[slices.Index(args, "--cache-dir")+1] = t.TempDir()
	args[len(args)-1] = sb.dir
	args = append(args[:1], append([]string{"--dry-run"}, args[1:]...)...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(sb.environ(filepath.Dir(bin)), "GITHUB_TOKEN="+sb.token)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("bosun %v: %v\n%s", args, err, out)
	}
	if sb.fake.Writes() != 0 {
		t.Error("a dry run wrote to GitHub")
	}
}

// TestDocs_Renovate runs the migration guide's commands in a repository
// with a Renovate config and an OCI chart, and checks that the snippet the
// guide shows is what bosun prints for that chart.
func TestDocs_Renovate(t *testing.T) {
	t.Parallel()
	md := docText(t, "docs/renovate.md")
	bin := buildBosun(t)
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root(t), "internal", "migrate", "testdata", "every-key"))); err != nil {
		t.Fatal(err)
	}
	oci := "apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\n  namespace: default\nspec:\n  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n  ref:\n    tag: 4.1.0\n"
	if err := os.WriteFile(filepath.Join(dir, "ocirepository.yaml"), []byte(oci), 0o644); err != nil {
		t.Fatal(err)
	}
	var printed string
	n := 0
	for _, b := range blocks(md) {
		if b.lang != "sh" {
			continue
		}
		for _, l := range strings.Split(strings.TrimSpace(b.body), "\n") {
			n++
			cmd := exec.Command("bash", "-euo", "pipefail", "-c", l)
			cmd.Dir = dir
			cmd.Env = []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%q: %v\n%s", l, err, out)
			}
			if printed == "" {
				printed = string(out)
			}
		}
	}
	if n != 3 {
		t.Errorf("ran %d commands, want the guide's 3", n)
	}
	var shown any
	for _, b := range blocks(md) {
		if b.lang == "json" {
			if err := json.Unmarshal([]byte(b.body), &shown); err != nil {
				t.Fatal(err)
			}
		}
	}
	i := strings.Index(printed, "# {")
	if i < 0 {
		t.Fatalf("no snippet in the output:\n%s", printed)
	}
	var snippet strings.Builder
	for _, l := range strings.Split(printed[i:], "\n") {
		snippet.WriteString(strings.TrimPrefix(strings.TrimPrefix(l, "#"), " ") + "\n")
	}
	var got any
	if err := json.Unmarshal([]byte(regexp.MustCompile(`(?s)^.*?\n}\n`).FindString(snippet.String())), &got); err != nil {
		t.Fatalf("snippet: %v\n%s", err, snippet.String())
	}
	if diff := cmp.Diff(shown, got); diff != "" {
		t.Errorf("docs/renovate.md's snippet differs from bosun's (-doc +bosun):\n%s", diff)
	}
}
