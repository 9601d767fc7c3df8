package docs

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

type actionInput struct {
	Description string `yaml:"description"`
	Required    bool   `yaml:"required"`
	Default     string `yaml:"default"`
}

type actionStep struct {
	Name             string            `yaml:"name"`
	ID               string            `yaml:"id"`
	If               string            `yaml:"if"`
	Uses             string            `yaml:"uses"`
	Run              string            `yaml:"run"`
	Shell            string            `yaml:"shell"`
	WorkingDirectory string            `yaml:"working-directory"`
	Env              map[string]string `yaml:"env"`
	With             map[string]string `yaml:"with"`
}

type action struct {
	Name        string                 `yaml:"name"`
	Description string                 `yaml:"description"`
	Author      string                 `yaml:"author"`
	Branding    map[string]string      `yaml:"branding"`
	Inputs      map[string]actionInput `yaml:"inputs"`
	Outputs     map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`

	raw                     []byte
	inputOrder, outputOrder []string
}

func loadAction(t *testing.T) *action {
	t.Helper()
	raw := repoFile(t, "action.yml")
	var a action
	dec := yaml.NewDecoder(strings.NewReader(string(raw)))
	dec.KnownFields(true) // the metadata schema: no key outside it
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	a.raw = raw
	var n yaml.Node
	if err := yaml.Unmarshal(raw, &n); err != nil {
		t.Fatal(err)
	}
	top := n.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		m := top.Content[i+1]
		for j := 0; j+1 < len(m.Content); j += 2 {
			switch top.Content[i].Value {
			case "inputs":
				a.inputOrder = append(a.inputOrder, m.Content[j].Value)
			case "outputs":
				a.outputOrder = append(a.outputOrder, m.Content[j].Value)
			}
		}
	}
	return &a
}

var idRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// TestAction_Metadata checks action.yml against the metadata syntax of a
// composite action (FACTS 9.1-9.2) and bosun's own conventions.
func TestAction_Metadata(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs name and description")
	}
	if a.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", a.Runs.Using)
	}
	for _, id := range a.inputOrder {
		in := a.Inputs[id]
		if !idRE.MatchString(id) || strings.ToLower(id) != id || strings.Contains(id, "_") {
			t.Errorf("input %q: ids are kebab-case [a-z0-9-]", id)
		}
		if in.Description == "" {
			t.Errorf("input %q has no description", id)
		}
		if !strings.Contains(string(a.raw), "inputs."+id) {
			t.Errorf("input %q is never used by a step", id)
		}
	}
	if a.Inputs["token"].Default != "${{ github.token }}" {
		t.Errorf("token must default to ${{ github.token }}")
	}
	for _, want := range []string{"config", "dry-run", "token", "working-directory", "base-branch", "log-level", "cache-dir", "version"} {
		if _, ok := a.Inputs[want]; !ok {
			t.Errorf("missing input %q", want)
		}
	}
	for _, id := range []string{"plan", "updates", "pull-requests"} {
		o, ok := a.Outputs[id]
		if !ok || o.Description == "" || !strings.HasPrefix(o.Value, "${{ steps.") {
			t.Errorf("output %q must exist with a description and a steps.* value: %+v", id, o)
		}
	}
	for i, s := range a.Runs.Steps {
		switch {
		case s.Run != "" && s.Uses != "":
			t.Errorf("step %d (%s): run and uses are exclusive", i, s.Name)
		case s.Run != "" && s.Shell == "":
			t.Errorf("step %d (%s): a run step needs shell", i, s.Name)
		case s.Run == "" && s.Uses == "":
			t.Errorf("step %d (%s): needs run or uses", i, s.Name)
		}
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %d (%s): pass inputs through env, never ${{ }} inside a script (injection)", i, s.Name)
		}
	}
}

// TestAction_Lint runs actionlint on the example workflows (docs/examples), and on a
// workflow that uses the action from this checkout, so that actionlint
// also checks the inputs against action.yml.
func TestAction_Lint(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil { // actionlint finds the project by .git
		t.Fatal(err)
	}
	wf := filepath.Join(dir, ".github", "workflows")
	if err := os.MkdirAll(wf, 0o755); err != nil {
		t.Fatal(err)
	}
	examples, _ := filepath.Glob(filepath.Join(root(t), "docs", "examples", "*.yaml"))
	for _, f := range examples {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(wf, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "bosun"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "bosun", "action.yml"), loadAction(t).raw, 0o644); err != nil {
		t.Fatal(err)
	}
	local := `name: local
on: {workflow_dispatch: {}}
permissions: {contents: write, pull-requests: write}
jobs:
  bosun:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ./bosun
        id: b
        with: {dry-run: "true", working-directory: ., config: .github/bosun.yaml, base-branch: main, log-level: debug, cache-dir: /tmp/c}
      - run: echo "$N"
        env: {N: "${{ steps.b.outputs.updates }}"}
`
	if err := os.WriteFile(filepath.Join(wf, "local.yaml"), []byte(local), 0o644); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(wf, "*.yaml"))
	if len(files) < 3 {
		t.Fatalf("want the examples plus the local workflow, got %v", files)
	}
	errs, err := l.LintFiles(files, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", filepath.Base(e.Filepath), e.Line, e.Column, e.Message, e.Kind)
	}
	// The check must be able to fail: an unknown input is reported.
	bad := strings.Replace(local, "log-level: debug", "log-levle: debug", 1)
	if err := os.WriteFile(filepath.Join(wf, "local.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	errs, err = l.LintFiles([]string{filepath.Join(wf, "local.yaml")}, nil)
	if err != nil || len(errs) == 0 {
		t.Errorf("actionlint did not catch an unknown input (err %v)", err)
	}
}

// TestAction_Steps runs the composite action's run steps the way the
// runner does: INPUT_* from the inputs (after expression evaluation),
// GITHUB_STEP_SUMMARY / GITHUB_OUTPUT files, RUNNER_TEMP, and GitHub at
// GITHUB_API_URL, here the in-process fake, with registries on loopback.
func TestAction_Steps(t *testing.T) {
	t.Parallel()
	a := loadAction(t)
	build, runS := a.step(t, "Build bosun"), a.step(t, "Run bosun")
	sb := newSandbox(t)
	runnerTemp := t.TempDir()

	// On a branch ref the resolve step chooses a build from the action's
	// checkout ($GITHUB_ACTION_PATH), and the build step makes the binary.
	resolved := resolve(t, a, runnerTemp, map[string]string{"github.action_ref": "main"}, nil)
	if resolved["mode"] != "build" {
		t.Fatalf("resolve on a branch ref: mode %q, want build", resolved["mode"])
	}
	ctx := map[string]string{"steps.resolve.outputs.bin": resolved["bin"]}
	if _, err := runStep(t, build, root(t), map[string]string{"RUNNER_TEMP": runnerTemp, "GITHUB_ACTION_PATH": root(t)}, ctx); err != nil {
		t.Fatalf("build step: %v", err)
	}
	if _, err := os.Stat(filepath.Join(runnerTemp, "bosun-bin", "bosun")); err != nil {
		t.Fatalf("the build step made no binary: %v", err)
	}

	for _, dryRun := range []bool{true, false} {
		inputs := map[string]string{}
		for id, in := range a.Inputs {
			inputs[id] = in.Default
		}
		inputs["token"] = sb.token
		inputs["dry-run"] = map[bool]string{true: "true", false: "false"}[dryRun]
		summary := filepath.Join(runnerTemp, "summary.md")
		output := filepath.Join(runnerTemp, "output.txt")
		os.Remove(summary)
		os.Remove(output)
		writesBefore := sb.fake.Writes()
		env := map[string]string{
			"GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_TEMP": runnerTemp,
			"GITHUB_STEP_SUMMARY": summary, "GITHUB_OUTPUT": output,
			"GITHUB_REPOSITORY": "home/ops", "GITHUB_API_URL": sb.fake.URL, "GITHUB_WORKSPACE": sb.dir,
			"HOME": sb.home,
		}
		for k, v := range inputs {
			ctx["inputs."+k] = v
		}
		log, err := runStep(t, runS, sb.dir, env, ctx)
		if err != nil {
			t.Fatalf("dry-run=%v: run step: %v\n%s", dryRun, err, log)
		}
		outs := parseOutputs(t, output)
		sum, err := os.ReadFile(summary)
		if err != nil {
			t.Fatalf("dry-run=%v: no job summary: %v", dryRun, err)
		}
		if !strings.Contains(string(sum), "## bosun plan") || !strings.Contains(string(sum), "app-template") {
			t.Errorf("dry-run=%v: summary lacks the plan:\n%s", dryRun, sum)
		}
		if outs["updates"] == "" || outs["updates"] == "0" {
			t.Errorf("dry-run=%v: outputs.updates = %q", dryRun, outs["updates"])
		}
		planJSON, err := os.ReadFile(outs["plan"])
		if err != nil || !json.Valid(planJSON) {
			t.Errorf("dry-run=%v: outputs.plan %q is not a JSON file: %v", dryRun, outs["plan"], err)
		}
		var prs []struct {
			Number int    `json:"number"`
			URL    string `json:"url"`
		}
		if err := json.Unmarshal([]byte(outs["pull-requests"]), &prs); err != nil {
			t.Errorf("dry-run=%v: outputs.pull-requests %q: %v", dryRun, outs["pull-requests"], err)
		}
		if !strings.Contains(log, "::group::") || !strings.Contains(log, "::endgroup::") {
			t.Errorf("dry-run=%v: logs are not grouped:\n%s", dryRun, log)
		}
		if strings.Contains(log, sb.token) || strings.Contains(string(sum), sb.token) {
			t.Errorf("dry-run=%v: the token leaked into the log or summary", dryRun)
		}
		if dryRun {
			if got := sb.fake.Writes() - writesBefore; got != 0 {
				t.Errorf("dry-run made %d GitHub writes", got)
			}
			if len(prs) != 0 {
				t.Errorf("dry-run reported pull requests %v", prs)
			}
			continue
		}
		open := 0
		for _, pr := range sb.fake.PullRequests() {
			if pr.State == "open" {
				open++
			}
		}
		if open == 0 || len(prs) != open {
			t.Errorf("run: %d open pull requests on GitHub, outputs list %d", open, len(prs))
		}
		if !strings.Contains(string(sum), "### Pull requests") {
			t.Errorf("run summary lacks the pull requests:\n%s", sum)
		}
	}

	// Registries that do not answer: the job warns by default, and fails
	// with fail-on: transient.
	sb.stopRegistries()
	for failOn, wantErr := range map[string]bool{"error": false, "transient": true} {
		output := filepath.Join(runnerTemp, "output-"+failOn+".txt")
		env := map[string]string{
			"GITHUB_ACTIONS": "true", "CI": "true", "RUNNER_TEMP": runnerTemp,
			"GITHUB_STEP_SUMMARY": filepath.Join(runnerTemp, "summary-"+failOn+".md"), "GITHUB_OUTPUT": output,
			"GITHUB_REPOSITORY": "home/ops", "GITHUB_API_URL": sb.fake.URL, "GITHUB_WORKSPACE": sb.dir,
			"HOME": sb.home,
		}
		for id, in := range a.Inputs {
			ctx["inputs."+id] = in.Default
		}
		ctx["inputs.token"], ctx["inputs.dry-run"], ctx["inputs.fail-on"] = sb.token, "true", failOn
		log, err := runStep(t, runS, sb.dir, env, ctx)
		if (err != nil) != wantErr {
			t.Errorf("fail-on %s with registries down: err %v, want error %v\n%s", failOn, err, wantErr, log)
		}
		if outs := parseOutputs(t, output); outs["failures"] != "transient" {
			t.Errorf("fail-on %s: outputs.failures = %q, want transient", failOn, outs["failures"])
		}
		if !wantErr && !strings.Contains(log, "::warning title=bosun::") {
			t.Errorf("fail-on %s: no warning annotation:\n%s", failOn, log)
		}
	}
}

var exprRE = regexp.MustCompile(`^\$\{\{ ([a-z_]+(?:\.[a-z_-]+)+) \}\}$`)

// runStep runs one run step like the runner: env from the step's env map,
// each value a single ${{ context.path }} looked up in ctx ("inputs.token",
// "github.action_ref", "steps.resolve.outputs.bin"), plus the runner's
// variables. It returns the combined output and the script's error.
func runStep(t *testing.T, s *actionStep, dir string, runner, ctx map[string]string) (string, error) {
	t.Helper()
	env := []string{"PATH=" + os.Getenv("PATH"), "GOCACHE=" + goEnv(t, "GOCACHE"), "GOMODCACHE=" + goEnv(t, "GOMODCACHE"), "GOFLAGS=" + os.Getenv("GOFLAGS")}
	for k, v := range runner {
		env = append(env, k+"="+v)
	}
	for k, v := range s.Env {
		m := exprRE.FindStringSubmatch(v)
		if m == nil {
			t.Fatalf("step %q env %s=%q: only ${{ context.path }} is evaluated here", s.Name, k, v)
		}
		env = append(env, k+"="+ctx[m[1]])
	}
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
	cmd.Dir = dir
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var goEnvs sync.Map // name → value: `go env` is slow on a busy machine

func goEnv(t *testing.T, name string) string {
	t.Helper()
	if v, ok := goEnvs.Load(name); ok {
		return v.(string)
	}
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatal(err)
	}
	v := strings.TrimSpace(string(out))
	goEnvs.Store(name, v)
	return v
}

// parseOutputs reads $GITHUB_OUTPUT in both of its forms.
func parseOutputs(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no $GITHUB_OUTPUT: %v", err)
	}
	defer f.Close()
	out := map[string]string{}
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		line = strings.TrimSuffix(line, "\n")
		if name, delim, ok := strings.Cut(line, "<<"); ok {
			var val []string
			for {
				l, err := r.ReadString('\n')
				l = strings.TrimSuffix(l, "\n")
				if l == delim {
					break
				}
				if err != nil {
					t.Fatalf("unterminated output %s", name)
				}
				val = append(val, l)
			}
			out[name] = strings.Join(val, "\n")
		} else if name, val, ok := strings.Cut(line, "="); ok {
			out[name] = val
		}
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}
