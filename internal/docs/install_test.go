package docs

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// step returns the action step named name.
func (a *action) step(t *testing.T, name string) *actionStep {
	t.Helper()
	for i := range a.Runs.Steps {
		if a.Runs.Steps[i].Name == name {
			return &a.Runs.Steps[i]
		}
	}
	t.Fatalf("action.yml has no step %q", name)
	return nil
}

// resolve runs the "Resolve bosun" step and returns its outputs.
func resolve(t *testing.T, a *action, runnerTemp string, ctx, runner map[string]string) map[string]string {
	t.Helper()
	out, err := tryResolve(t, a, runnerTemp, ctx, runner)
	if err != nil {
		t.Fatalf("resolve: %v\n%s", err, out["log"])
	}
	return out
}

func tryResolve(t *testing.T, a *action, runnerTemp string, ctx, runner map[string]string) (map[string]string, error) {
	t.Helper()
	output := filepath.Join(t.TempDir(), "output.txt")
	env := map[string]string{"RUNNER_TEMP": runnerTemp, "GITHUB_OUTPUT": output, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64"}
	for k, v := range runner {
		env[k] = v
	}
	log, err := runStep(t, a.step(t, "Resolve bosun"), t.TempDir(), env, ctx)
	if err != nil {
		return map[string]string{"log": log}, err
	}
	outs := parseOutputs(t, output)
	outs["log"] = log
	return outs, nil
}

// releaseServer serves GitHub release downloads and the releases API on
// loopback, and counts the requests it gets.
type releaseServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string][]byte // path → body
	hits  []string
}

func newReleaseServer(t *testing.T) *releaseServer {
	t.Helper()
	rs := &releaseServer{files: map[string][]byte{}}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rs.mu.Lock()
		rs.hits = append(rs.hits, r.URL.Path)
		body, ok := rs.files[r.URL.Path]
		rs.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	t.Cleanup(rs.Close)
	return rs
}

// put serves body at path; get returns what path serves. The server reads
// the files under the same lock.
func (rs *releaseServer) put(path string, body []byte) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	rs.files[path] = body
}

// remove stops serving path.
func (rs *releaseServer) remove(path string) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	delete(rs.files, path)
}

func (rs *releaseServer) get(path string) []byte {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.files[path]
}

func (rs *releaseServer) requests() []string {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]string(nil), rs.hits...)
}

// publish adds a release with one archive per platform; each holds a
// bosun script that prints its version and platform.
func (rs *releaseServer) publish(t *testing.T, version string) {
	t.Helper()
	var sums strings.Builder
	for _, p := range []string{"linux_amd64", "linux_arm64", "darwin_arm64", "windows_amd64"} {
		name := "bosun_" + p + ".tar.gz"
		exe := "bosun"
		if strings.HasPrefix(p, "windows") {
			exe = "bosun.exe"
		}
		archive := tarGz(t, exe, "#!/bin/sh\necho bosun "+version+" "+p+"\n")
		sum := sha256.Sum256(archive)
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), name)
		rs.put("/bosunhq/bosun/releases/download/"+version+"/"+name, archive)
	}
	rs.put("/bosunhq/bosun/releases/download/"+version+"/checksums.txt", []byte(sums.String()))
}

func tarGz(t *testing.T, name, content string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(content))}); err != nil {
		t.Fatal(err)
	}
	tw.Write([]byte(content))
	tw.Close()
	gz.Close()
	return buf.Bytes()
}

// TestAction_Resolve: the action's ref chooses a release or a build.
func TestAction_Resolve(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	rs := newReleaseServer(t)
	rs.put("/repos/bosunhq/bosun/releases", []byte(`[{"tag_name": "v1.10.0"}, {"tag_name": "v2.0.0"}, {"tag_name": "v1.9.3"}, {"tag_name": "v1.11.0-rc.1"}, {"tag_name": "v1.2.0"}]`))
	tests := []struct {
		name, ref, input, wantMode, wantVersion string
	}{
		{name: "exact tag", ref: "v1.2.3", wantMode: "release", wantVersion: "v1.2.3"},
		{name: "pre-release tag", ref: "v1.3.0-rc.1", wantMode: "release", wantVersion: "v1.3.0-rc.1"},
		{name: "major tag takes the newest release", ref: "v1", wantMode: "release", wantVersion: "v1.10.0"},
		{name: "minor tag", ref: "v1.9", wantMode: "release", wantVersion: "v1.9.3"},
		{name: "version input wins", ref: "main", input: "v0.4.0", wantMode: "release", wantVersion: "v0.4.0"},
		{name: "branch builds", ref: "main", wantMode: "build"},
		{name: "commit builds", ref: "8f2c1e0a9b7d6c5e4f3a2b1c0d9e8f7a6b5c4d3e", wantMode: "build"},
		{name: "local action builds", ref: "", wantMode: "build"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			temp := t.TempDir()
			out := resolve(t, a, temp, map[string]string{"github.action_ref": tt.ref, "inputs.version": tt.input, "github.action_repository": "bosunhq/bosun"},
				map[string]string{"GITHUB_API_URL": rs.URL})
			if out["mode"] != tt.wantMode || out["version"] != tt.wantVersion {
				t.Errorf("ref %q: mode %q version %q, want %q %q\n%s", tt.ref, out["mode"], out["version"], tt.wantMode, tt.wantVersion, out["log"])
			}
			wantDir := filepath.Join(temp, "bosun-bin", tt.wantVersion)
			if tt.wantMode == "build" {
				wantDir = filepath.Join(temp, "bosun-bin")
			}
			if out["dir"] != strings.TrimSuffix(wantDir, "/") || out["archive"] != "bosun_linux_amd64.tar.gz" {
				t.Errorf("dir %q archive %q", out["dir"], out["archive"])
			}
		})
	}
	if _, err := tryResolve(t, a, t.TempDir(), map[string]string{"github.action_ref": "v3"}, map[string]string{"GITHUB_API_URL": rs.URL}); err == nil {
		t.Error("a major tag with no release must fail")
	}
	if out, err := tryResolve(t, a, t.TempDir(), map[string]string{"github.action_ref": "main", "inputs.version": "1.2.3"}, nil); err == nil || !strings.Contains(out["log"], "not a release tag") {
		t.Errorf("a version input that is no tag must fail, not build: %v %s", err, out["log"])
	}
}

// install runs resolve and download for ref on the given runner platform.
func install(t *testing.T, a *action, rs *releaseServer, temp, ref, runnerOS, arch string) (map[string]string, string, error) {
	t.Helper()
	runner := map[string]string{"GITHUB_SERVER_URL": rs.URL, "GITHUB_API_URL": rs.URL, "RUNNER_OS": runnerOS, "RUNNER_ARCH": arch, "PATH": noCosignPath(t)}
	out := resolve(t, a, temp, map[string]string{"github.action_ref": ref, "github.action_repository": "bosunhq/bosun"}, runner)
	ctx := map[string]string{}
	for k, v := range out {
		ctx["steps.resolve.outputs."+k] = v
	}
	runner["RUNNER_TEMP"] = temp
	log, err := runStep(t, a.step(t, "Download bosun"), t.TempDir(), runner, ctx)
	return out, log, err
}

// noCosignPath is PATH without any directory holding cosign, so that the
// checksum path is tested whatever the machine has installed.
func noCosignPath(t *testing.T) string {
	var keep []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if _, err := os.Stat(filepath.Join(d, "cosign")); err == nil {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// TestAction_Install downloads the release matching the ref from a local
// release server: the right archive, verified, cached by version.
func TestAction_Install(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	rs := newReleaseServer(t)
	rs.publish(t, "v1.2.3")
	rs.publish(t, "v1.2.4")
	temp := t.TempDir()
	for _, p := range []struct{ os, arch, want, exe string }{
		{"Linux", "X64", "linux_amd64", "bosun"},
		{"Linux", "ARM64", "linux_arm64", "bosun"},
		{"macOS", "ARM64", "darwin_arm64", "bosun"},
		{"Windows", "X64", "windows_amd64", "bosun.exe"},
	} {
		temp := t.TempDir()
		out, log, err := install(t, a, rs, temp, "v1.2.3", p.os, p.arch)
		if err != nil {
			t.Fatalf("%s/%s: %v\n%s", p.os, p.arch, err, log)
		}
		got, err := os.ReadFile(out["bin"])
		if err != nil || !strings.Contains(string(got), "v1.2.3 "+p.want) || filepath.Base(out["bin"]) != p.exe {
			t.Errorf("%s/%s: installed %q (%v) at %s, want the %s archive", p.os, p.arch, got, err, out["bin"], p.want)
		}
	}

	// Cached by version: a second install of v1.2.3 downloads nothing; v1.2.4
	// gets its own directory (and actions/cache key).
	if _, log, err := install(t, a, rs, temp, "v1.2.3", "Linux", "X64"); err != nil {
		t.Fatalf("%v\n%s", err, log)
	}
	before := len(rs.requests())
	if _, log, err := install(t, a, rs, temp, "v1.2.3", "Linux", "X64"); err != nil || !strings.Contains(log, "cached") {
		t.Fatalf("second install: %v\n%s", err, log)
	}
	if got := rs.requests()[before:]; len(got) != 0 {
		t.Errorf("a cached version was downloaded again: %v", got)
	}
	out, log, err := install(t, a, rs, temp, "v1.2.4", "Linux", "X64")
	if err != nil || !strings.HasSuffix(out["dir"], "v1.2.4") {
		t.Fatalf("v1.2.4: dir %q, %v\n%s", out["dir"], err, log)
	}
	cache := a.step(t, "Restore bosun")
	if !strings.Contains(cache.With["key"], "steps.resolve.outputs.version") || cache.With["path"] != "${{ steps.resolve.outputs.dir }}" {
		t.Errorf("the binary cache must be keyed by version and hold the version's directory: %+v", cache.With)
	}
}

// TestAction_InstallRefusesTampering: a changed archive, a changed or
// incomplete checksums.txt, or a failing cosign check stop the job.
func TestAction_InstallRefusesTampering(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	const dl = "/bosunhq/bosun/releases/download/v1.2.3/"
	tests := []struct {
		name   string
		tamper func(rs *releaseServer)
		want   string
	}{
		{"archive changed", func(rs *releaseServer) {
			rs.put(dl+"bosun_linux_amd64.tar.gz", tarGz(t, "bosun", "#!/bin/sh\necho evil\n"))
		}, "does not match checksums.txt"},
		{"checksum changed", func(rs *releaseServer) {
			sums := string(rs.get(dl + "checksums.txt"))
			i := strings.Index(sums, "  bosun_linux_amd64.tar.gz")
			rs.put(dl+"checksums.txt", []byte(sums[:i-64]+strings.Repeat("0", 64)+sums[i:]))
		}, "does not match checksums.txt"},
		{"no checksum entry", func(rs *releaseServer) {
			rs.put(dl+"checksums.txt", []byte(strings.ReplaceAll(string(rs.get(dl+"checksums.txt")), "linux_amd64", "linux_386")))
		}, "has no entry"},
		{"no checksums.txt", func(rs *releaseServer) { rs.remove(dl + "checksums.txt") }, "404"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := newReleaseServer(t)
			rs.publish(t, "v1.2.3")
			tt.tamper(rs)
			temp := t.TempDir()
			out, log, err := install(t, a, rs, temp, "v1.2.3", "Linux", "X64")
			if err == nil || !strings.Contains(log, tt.want) {
				t.Errorf("install: err %v, want a failure saying %q\n%s", err, tt.want, log)
			}
			if _, err := os.Stat(out["bin"]); err == nil {
				t.Errorf("a refused archive was installed at %s", out["bin"])
			}
		})
	}

	t.Run("cosign refuses", func(t *testing.T) {
		t.Parallel()
		rs := newReleaseServer(t)
		rs.publish(t, "v1.2.3")
		rs.put(dl+"checksums.txt.sigstore.json", []byte(`{}`))
		bin := t.TempDir()
		args := filepath.Join(t.TempDir(), "args")
		script := "#!/bin/sh\necho \"$@\" > " + args + "\necho 'Error: none of the expected identities matched' >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(bin, "cosign"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		temp := t.TempDir()
		runner := map[string]string{"GITHUB_SERVER_URL": rs.URL, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64", "PATH": bin + ":" + os.Getenv("PATH"), "RUNNER_TEMP": temp}
		out := resolve(t, a, temp, map[string]string{"github.action_ref": "v1.2.3", "github.action_repository": "bosunhq/bosun"}, runner)
		ctx := map[string]string{}
		for k, v := range out {
			ctx["steps.resolve.outputs."+k] = v
		}
		log, err := runStep(t, a.step(t, "Download bosun"), t.TempDir(), runner, ctx)
		if err == nil {
			t.Fatalf("a failed cosign verification must stop the install\n%s", log)
		}
		got, _ := os.ReadFile(args)
		for _, want := range []string{"verify-blob", "--certificate-identity https://github.com/bosunhq/bosun/.github/workflows/release.yml@refs/tags/v1.2.3", "--certificate-oidc-issuer https://token.actions.githubusercontent.com"} {
			if !strings.Contains(string(got), want) {
				t.Errorf("cosign args %q lack %q", got, want)
			}
		}
		if _, err := os.Stat(out["bin"]); err == nil {
			t.Error("installed despite cosign")
		}
	})
}

// TestAction_TokenReachesBosun: the token reaches bosun as GITHUB_TOKEN in
// both modes, which bosun offers to GitHub and to ghcr.io.
func TestAction_TokenReachesBosun(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	shim := filepath.Join(t.TempDir(), "bosun")
	if err := os.WriteFile(shim, []byte("#!/bin/sh\necho \"token=${GITHUB_TOKEN:+set} args=$*\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dry := range []string{"true", "false"} {
		ctx := map[string]string{"steps.resolve.outputs.bin": shim, "inputs.token": "ghs_x", "inputs.dry-run": dry, "inputs.log-level": "info"}
		log, err := runStep(t, a.step(t, "Run bosun"), t.TempDir(), map[string]string{"RUNNER_TEMP": t.TempDir()}, ctx)
		if err != nil || !strings.Contains(log, "token=set") {
			t.Errorf("dry-run=%s: %v: %s", dry, err, log)
		}
		if dry == "false" && !strings.Contains(log, "--token-env GITHUB_TOKEN") {
			t.Errorf("run must read the token from GITHUB_TOKEN: %s", log)
		}
		if strings.Contains(log, "ghs_x") {
			t.Errorf("token printed: %s", log)
		}
	}
}
