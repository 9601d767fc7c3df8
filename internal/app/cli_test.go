package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/demo"
	"github.com/bosunhq/bosun/internal/testutil/ocitest"
)

// runAppTerm is runApp with stderr reported as a terminal or not.
func runAppTerm(t *testing.T, env map[string]string, terminal bool, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	deps := NewDeps(IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	deps.Now = func() time.Time { return fixedNow }
	deps.Getenv = func(k string) string { return env[k] }
	deps.IsTerminal = func(w io.Writer) bool { return terminal && w == io.Writer(&errb) }
	code := run(context.Background(), deps, args)
	return result{code, out.String(), errb.String()}
}

func TestMain_ErrorsAreErrorLines(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "nope")
	r := runApp(t, nil, "scan", missing)
	if r.code != ExitFatal {
		t.Errorf("exit = %d, want %d", r.code, ExitFatal)
	}
	if !strings.HasPrefix(r.stderr, "Error: scan "+missing) || strings.Contains(r.stderr, "level=ERROR") {
		t.Errorf("a failure must print as 'Error: …', not as a log line:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "\nRun 'bosun scan --log-level debug' to see each step.\n") {
		t.Errorf("no hint after the error:\n%s", r.stderr)
	}
	u := runApp(t, nil, "versions", "https://charts.example.com")
	if !strings.Contains(u.stderr, "Error: ") || !strings.Contains(u.stderr, "Run 'bosun versions --help' for usage.") {
		t.Errorf("a usage error must print with the command's help hint:\n%s", u.stderr)
	}
}

func TestMain_FileInsteadOfDirectory(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "bosun.yaml")
	if err := os.WriteFile(file, []byte("version: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"scan", "plan", "apply"} {
		r := runApp(t, nil, cmd, file)
		if r.code != ExitUsage {
			t.Errorf("%s FILE: exit %d, want %d", cmd, r.code, ExitUsage)
		}
		want := "Error: " + file + " is a file, not a directory"
		if !strings.HasPrefix(r.stderr, want) || !strings.Contains(r.stderr, "bosun config validate "+file) {
			t.Errorf("%s FILE must say it is not a directory:\n%s", cmd, r.stderr)
		}
	}
}

var progressRE = regexp.MustCompile(`looking up chart sources: (\d+)/(\d+)`)

func TestPlan_ProgressOnTerminal(t *testing.T) {
	t.Parallel()
	env, err := demo.Prepare(context.Background(), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(env.Close)
	r := runAppTerm(t, nil, true, "plan", "--no-cache", env.Dir)
	if r.code != ExitOK {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	steps := progressRE.FindAllStringSubmatch(r.stderr, -1)
	if len(steps) < 2 {
		t.Fatalf("no progress on a terminal:\n%q", r.stderr)
	}
	first, last := steps[0], steps[len(steps)-1]
	if first[1] != "0" || first[2] != last[2] || last[1] != last[2] {
		t.Errorf("progress must count from 0 to a total known from the start: first %q, last %q", first[0], last[0])
	}
	if !strings.HasSuffix(r.stderr, "\r\x1b[K") && !strings.Contains(r.stderr, "\r\x1b[Ktime=") {
		t.Errorf("the progress line must be cleared:\n%q", r.stderr)
	}
	for _, l := range strings.Split(r.stderr, "\n") {
		if i := strings.Index(l, "time="); i > 0 && !strings.HasSuffix(l[:i], "\r\x1b[K") {
			t.Errorf("a log line was written after the progress line without clearing it: %q", l)
		}
	}
	if strings.Contains(r.stdout, "looking up") {
		t.Error("progress went to stdout")
	}
	quiet := []struct {
		name     string
		env      map[string]string
		terminal bool
		args     []string
	}{
		{"not a terminal", nil, false, nil},
		{"CI", map[string]string{"CI": "true"}, true, nil},
		{"GitHub Actions", map[string]string{"GITHUB_ACTIONS": "true"}, true, nil},
		{"-q", nil, true, []string{"-q"}},
		{"json logs", nil, true, []string{"--log-format", "json"}},
	}
	for _, q := range quiet {
		args := append(append([]string{}, q.args...), "plan", "--no-cache", env.Dir)
		r := runAppTerm(t, q.env, q.terminal, args...)
		if strings.Contains(r.stderr, "looking up") || strings.Contains(r.stderr, "\x1b[") {
			t.Errorf("%s: progress drawn:\n%q", q.name, r.stderr)
		}
	}
}

// TestPlan_ProgressKeepsOneToken: drawing progress must not cost the run
// its shared registry token. The status line wraps the lookup, and the
// pipeline's list of sources (which makes one token serve them all) has to
// reach the lookup through it: with three charts on one registry that
// wants a token, a plan on a terminal asks for one token, as without one.
func TestPlan_ProgressKeepsOneToken(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{false, true} {
		r := ocitest.New(t)
		dir := t.TempDir()
		writeFile := func(name, body string) {
			t.Helper()
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		writeFile("bosun.yaml", fmt.Sprintf("version: 1\nregistries:\n  - host: %s\n    insecure: true\n", r.Host()))
		writeFile("repository.yaml", fmt.Sprintf(`apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata: {name: charts, namespace: apps}
spec: {type: oci, url: "oci://%s/charts"}
`, r.Host()))
		for _, name := range []string{"alpha", "bravo", "charlie"} {
			r.PushChart(t, "charts/"+name, name, "1.0.0", fixedNow.Add(-60*24*time.Hour), "")
			r.PushChart(t, "charts/"+name, name, "1.1.0", fixedNow.Add(-30*24*time.Hour), "")
			writeFile(name+".yaml", fmt.Sprintf(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: %[1]s, namespace: apps}
spec:
  chart:
    spec:
      chart: %[1]s
      version: 1.0.0
      sourceRef: {kind: HelmRepository, name: charts}
`, name))
		}
		res := runAppTerm(t, nil, terminal, "plan", "--no-cache", dir)
		if res.code != ExitOK {
			t.Fatalf("terminal %v: exit %d\n%s", terminal, res.code, res.stderr)
		}
		if n := strings.Count(res.stdout, "1.1.0"); n < 3 {
			t.Fatalf("terminal %v: %d updates to 1.1.0 in the plan, want 3:\n%s", terminal, n, res.stdout)
		}
		if terminal && progressRE.FindString(res.stderr) == "" {
			t.Fatalf("no progress drawn on a terminal:\n%q", res.stderr)
		}
		tokens, challenges := 0, 0
		for _, q := range r.Requests() {
			switch {
			case q.Kind == ocitest.KindToken && q.Repo == "charts/alpha":
				tokens++
			case q.Kind != ocitest.KindToken && q.Status == http.StatusUnauthorized:
				challenges++
			}
		}
		if tokens != 1 || challenges != 1 {
			t.Errorf("terminal %v: %d token requests, %d challenges; want 1 and 1", terminal, tokens, challenges)
		}
	}
}
