package docs

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type goreleaser struct {
	Version int `yaml:"version"`
	Builds  []struct {
		ID      string   `yaml:"id"`
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
		Ldflags []string `yaml:"ldflags"`
	} `yaml:"builds"`
	Archives []struct {
		Formats      []string `yaml:"formats"`
		NameTemplate string   `yaml:"name_template"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Sboms []struct {
		Artifacts string `yaml:"artifacts"`
	} `yaml:"sboms"`
	Signs []struct {
		Cmd       string   `yaml:"cmd"`
		Signature string   `yaml:"signature"`
		Args      []string `yaml:"args"`
		Artifacts string   `yaml:"artifacts"`
	} `yaml:"signs"`
	Kos []struct {
		BaseImage    string   `yaml:"base_image"`
		Repositories []string `yaml:"repositories"`
		Platforms    []string `yaml:"platforms"`
		Ldflags      []string `yaml:"ldflags"`
	} `yaml:"kos"`
}

func loadGoreleaser(t *testing.T) *goreleaser {
	t.Helper()
	var g goreleaser
	if err := yaml.Unmarshal(repoFile(t, ".goreleaser.yaml"), &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	return &g
}

// TestGoreleaser_Config checks the release config against what action.yml
// downloads: archive names per platform, checksums.txt and the name of its
// cosign bundle, plus the SBOM and the image.
func TestGoreleaser_Config(t *testing.T) {
	t.Parallel()
	g := loadGoreleaser(t)
	if g.Version != 2 {
		t.Errorf("version = %d, want 2", g.Version)
	}
	if len(g.Builds) != 1 || g.Builds[0].Main != "./cmd/bosun" || g.Builds[0].Binary != "bosun" || !slices.Contains(g.Builds[0].Env, "CGO_ENABLED=0") {
		t.Fatalf("builds: %+v", g.Builds)
	}
	b := g.Builds[0]
	if !slices.Equal(b.Goos, []string{"linux", "darwin", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("platforms %v x %v", b.Goos, b.Goarch)
	}
	if len(g.Archives) != 1 || !slices.Equal(g.Archives[0].Formats, []string{"tar.gz"}) {
		t.Fatalf("archives: %+v", g.Archives)
	}
	act := string(loadAction(t).raw)
	for _, goos := range b.Goos {
		for _, arch := range b.Goarch {
			name := strings.NewReplacer("{{ .Os }}", goos, "{{ .Arch }}", arch).Replace(g.Archives[0].NameTemplate) + ".tar.gz"
			if name != "bosun_"+goos+"_"+arch+".tar.gz" {
				t.Errorf("archive for %s/%s is %q, the Action downloads bosun_%s_%s.tar.gz", goos, arch, name, goos, arch)
			}
		}
	}
	if !strings.Contains(act, `archive=bosun_${os}_${arch}.tar.gz`) {
		t.Error("action.yml no longer downloads bosun_<os>_<arch>.tar.gz")
	}
	if g.Checksum.NameTemplate != "checksums.txt" || g.Checksum.Algorithm != "sha256" || !strings.Contains(act, "checksums.txt") {
		t.Errorf("checksum %+v: want checksums.txt with sha256, as the Action verifies", g.Checksum)
	}
	if len(g.Sboms) == 0 || g.Sboms[0].Artifacts != "archive" {
		t.Errorf("sboms: %+v, want one per archive", g.Sboms)
	}
	if len(g.Signs) != 1 {
		t.Fatalf("signs: %+v", g.Signs)
	}
	s := g.Signs[0]
	if s.Cmd != "cosign" || s.Artifacts != "checksum" || !slices.Contains(s.Args, "sign-blob") || !slices.Contains(s.Args, "--bundle=${signature}") || !slices.Contains(s.Args, "--yes") {
		t.Errorf("signs: %+v, want keyless cosign sign-blob --bundle of the checksum file", s)
	}
	if strings.Replace(s.Signature, "${artifact}", "checksums.txt", 1) != "checksums.txt.sigstore.json" || !strings.Contains(act, "checksums.txt.sigstore.json") {
		t.Errorf("signature %q: the Action downloads checksums.txt.sigstore.json", s.Signature)
	}
	if len(g.Kos) != 1 || !slices.Equal(g.Kos[0].Repositories, []string{"ghcr.io/bosunhq/bosun"}) ||
		!strings.HasPrefix(g.Kos[0].BaseImage, "gcr.io/distroless/static") || !slices.Equal(g.Kos[0].Platforms, []string{"linux/amd64", "linux/arm64"}) {
		t.Errorf("kos: %+v", g.Kos)
	}
	if !slices.Equal(g.Kos[0].Ldflags, b.Ldflags) {
		t.Errorf("the image and the archives stamp different ldflags:\n%v\n%v", g.Kos[0].Ldflags, b.Ldflags)
	}
}

// TestGoreleaser_Stamp builds bosun with the release ldflags (templates
// filled in; without -trimpath so that only the link step reruns) and checks that `bosun version` and `--version` print them.
func TestGoreleaser_Stamp(t *testing.T) {
	t.Parallel()
	g := loadGoreleaser(t)
	fill := strings.NewReplacer("{{ .Tag }}", "v9.8.7", "{{ .FullCommit }}", "0123456789abcdef0123456789abcdef01234567", "{{ .CommitDate }}", "2026-12-01T10:00:00Z")
	var flags []string
	for _, f := range g.Builds[0].Ldflags {
		flags = append(flags, fill.Replace(f))
	}
	bin := filepath.Join(t.TempDir(), "bosun")
	cmd := exec.Command("go", "build", "-ldflags", strings.Join(flags, " "), "-o", bin, "./cmd/bosun")
	cmd.Dir = root(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	want := "bosun v9.8.7\ncommit: 0123456789abcdef0123456789abcdef01234567\ndate: 2026-12-01T10:00:00Z\n"
	for _, args := range [][]string{{"version"}, {"--version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(out), want) {
			t.Errorf("bosun %s = %q, want prefix %q", args[0], out, want)
		}
	}

	// Packaged as .goreleaser.yaml names it, with checksums.txt, and served
	// as a release: the Action's install step picks it, and it runs.
	if runtime.GOOS != "linux" || (runtime.GOARCH != "amd64" && runtime.GOARCH != "arm64") {
		t.Skipf("the install step runs here for linux runners only (host %s/%s)", runtime.GOOS, runtime.GOARCH)
	}
	exe, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	name := strings.NewReplacer("{{ .Os }}", runtime.GOOS, "{{ .Arch }}", runtime.GOARCH).Replace(g.Archives[0].NameTemplate) + ".tar.gz"
	archive := tarGz(t, "bosun", string(exe))
	sum := sha256.Sum256(archive)
	rs := newReleaseServer(t)
	rs.put("/bosunhq/bosun/releases/download/v9.8.7/"+name, archive)
	rs.put("/bosunhq/bosun/releases/download/v9.8.7/"+g.Checksum.NameTemplate, []byte(hex.EncodeToString(sum[:])+"  "+name+"\n"))
	arch := map[string]string{"amd64": "X64", "arm64": "ARM64"}[runtime.GOARCH]
	out, log, err := install(t, loadAction(t), rs, t.TempDir(), "v9.8.7", "Linux", arch)
	if err != nil {
		t.Fatalf("install: %v\n%s", err, log)
	}
	got, err := exec.Command(out["bin"], "version").Output()
	if err != nil || !strings.HasPrefix(string(got), want) {
		t.Errorf("installed bosun version = %q (%v), want prefix %q", got, err, want)
	}
}
