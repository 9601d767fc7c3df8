package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
	"gopkg.in/yaml.v3"
)

type workflow struct {
	Permissions any `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Uses string `yaml:"uses"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

func projectWorkflows(t *testing.T) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root(t), ".github", "workflows", "*.yml"))
	if len(files) < 2 {
		t.Fatalf("want ci.yml and release.yml, got %v", files)
	}
	return files
}

// TestWorkflows_Lint runs actionlint on the project's own workflows.
func TestWorkflows_Lint(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	l, err := actionlint.NewLinter(&out, &actionlint.LinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, err := l.LintFiles(projectWorkflows(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("actionlint: %s:%d:%d: %s [%s]", filepath.Base(e.Filepath), e.Line, e.Column, e.Message, e.Kind)
	}
}

var pinnedRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$`)

// TestWorkflows_PinnedAndLeastPrivilege: every action the workflows and
// action.yml use is pinned by full commit SHA, the workflows grant nothing
// by default, and each job names the permissions it needs.
func TestWorkflows_PinnedAndLeastPrivilege(t *testing.T) {
	t.Parallel()
	uses := map[string][]string{}
	for _, f := range projectWorkflows(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var w workflow
		if err := yaml.Unmarshal(b, &w); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		name := filepath.Base(f)
		switch p := w.Permissions.(type) {
		case map[string]any:
			for scope, v := range p {
				if v != "read" {
					t.Errorf("%s: top-level permission %s: %v (grant writes per job)", name, scope, v)
				}
			}
		default:
			t.Errorf("%s: top-level permissions must be {} or read scopes, got %v", name, w.Permissions)
		}
		for id, j := range w.Jobs {
			if j.Permissions == nil {
				t.Errorf("%s: job %s names no permissions", name, id)
			}
			if j.Permissions["id-token"] == "write" && !(name == "release.yml" && id == "goreleaser") {
				t.Errorf("%s: job %s must not get id-token: write", name, id)
			}
			for _, s := range j.Steps {
				if s.Uses != "" {
					uses[name] = append(uses[name], s.Uses)
				}
			}
		}
	}
	for _, s := range loadAction(t).Runs.Steps {
		if s.Uses != "" {
			uses["action.yml"] = append(uses["action.yml"], s.Uses)
		}
	}
	for file, list := range uses {
		for _, u := range list {
			if !pinnedRE.MatchString(u) {
				t.Errorf("%s: %q is not pinned by a full commit SHA", file, u)
			}
		}
	}
}
