package docs

import (
	"context"
	"fmt"
	"github.com/bosunhq/bosun/internal/testutil/fstree"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/demo"
	"github.com/bosunhq/bosun/internal/forge/forgetest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// buildBosun builds the bosun binary once per test process.
func buildBosun(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "bosun-docs-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "bosun")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/bosun")
		cmd.Dir = root(t)
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// sandbox is what `bosun demo --keep` leaves (a sample repository copy
// whose bosun.yaml maps its sources to running registries) plus an
// in-process GitHub seeded with the same files.
type sandbox struct {
	dir   string
	fake  *forgetest.Fake
	token string
	home  string
	// stopRegistries closes the demo's registries: every lookup fails.
	stopRegistries func()
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	env, err := demo.Prepare(context.Background(), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	s := &sandbox{dir: env.Dir, token: "ghs_docsTestToken0123456789", home: t.TempDir(), stopRegistries: env.Upstream.Close}
	s.fake = forgetest.New(t, "home", "ops")
	s.fake.RequireToken(s.token)
	files := fstree.Read(t, env.Dir)
	s.fake.Seed("main", files)
	return s
}

// environ is a clean environment: bosun on PATH, GitHub pointed at the fake.
func (s *sandbox) environ(binDir string) []string {
	return []string{
		"PATH=" + binDir + ":" + os.Getenv("PATH"),
		"HOME=" + s.home,
		"XDG_CACHE_HOME=" + filepath.Join(s.home, ".cache"),
		"GITHUB_REPOSITORY=home/ops",
		"GITHUB_API_URL=" + s.fake.URL,
		"GITHUB_TOKEN=" + s.token,
	}
}

func (s *sandbox) run(t *testing.T, bin string, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = s.dir
	cmd.Env = s.environ(filepath.Dir(bin))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return out, fmt.Errorf("%v: %s", err, stderr.String())
	}
	return out, nil
}
