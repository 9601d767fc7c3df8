package app

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/testutil/fstree"
)

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	fstree.WriteFile(t, path, []byte(body))
}

func TestConfigValidate_TitleTemplate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, tmpl string
		code       int
		want       string
	}{
		{"unknown field", "{{ .Chrat }} to {{ .To }}", ExitUsage,
			`bosun.yaml:3: pullRequests.titleTemplate: template: title:1:3: executing "title" at <.Chrat>: map has no entry for key "Chrat" (fields: Branch, Chart, Default, From, Group, Major, To, Type, Updates)`},
		{"nested unknown field", "{{ .Chart.Name }}", ExitUsage, "(fields: Branch, Chart,"},
		{"empty title", "{{ if .Major }}major{{ end }}", ExitUsage, "bosun.yaml:3: pullRequests.titleTemplate: renders an empty title"},
		{"every field", "{{ .Default }} {{ .Group }} {{ .Branch }} {{ .Type }} {{ .Major }} {{ .Updates }} {{ .Chart }} {{ .From }} {{ .To }}", ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			writeFile(t, filepath.Join(dir, "bosun.yaml"), "version: 1\npullRequests:\n  titleTemplate: '"+tt.tmpl+"'\n")
			r := runApp(t, nil, "config", "validate", dir)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if tt.want != "" && !strings.Contains(r.stderr, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, r.stderr)
			}
		})
	}
}

// TestConfigValidate_FieldsDocumented keeps the help's list of title fields
// equal to the fields templates are given.
func TestConfigValidate_FieldsDocumented(t *testing.T) {
	t.Parallel()
	fields := titleFields()
	if len(fields) == 0 {
		t.Fatal("no title fields")
	}
	r := runApp(t, nil, "config", "validate", "--help")
	var documented []string
	for _, m := range regexp.MustCompile(`(?m)^  \.([A-Za-z]+) `).FindAllStringSubmatch(r.stdout, -1) {
		documented = append(documented, m[1])
	}
	slices.Sort(documented)
	if def := sampleGroup().Title; !strings.Contains(r.stdout, "  .Default   the built-in title (\""+def+"\")") {
		t.Errorf("the help's example of .Default is not the built-in title %q:\n%s", def, r.stdout)
	}
	if diff := cmp.Diff(fields, documented); diff != "" {
		t.Errorf("fields in `config validate --help` (-given +documented):\n%s", diff)
	}
}

func TestConfigValidate_RuleWarnings(t *testing.T) {
	t.Parallel()
	dir := sampleRepo(t)
	if err := os.Remove(filepath.Join(dir, "bosun.yaml")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, ".github", "bosun.yaml")
	writeFile(t, cfg, `version: 1
rules:
  - match: {namespaces: [kube-sytem]}
    pin: true
  - match: {charts: [cert-manager], paths: ["kubernetes/apps/media/**"]}
    pin: true
  - match: {namespaces: [media]}
    pin: true
`)
	wantTypo := `rules[0].match.namespaces[0]: "kube-sytem" matches no namespace of any reference (did you mean "kube-system"?)`
	wantAll := `bosun.yaml:5: warning: rules[1].match: each list matches some reference, but no reference matches them all`
	alone := runApp(t, nil, "config", "validate", "--strict", cfg)
	if alone.code != ExitOK || alone.stdout != cfg+": valid\n" {
		t.Errorf("a FILE is checked alone: exit %d, stdout %q, stderr %s", alone.code, alone.stdout, alone.stderr)
	}
	for _, args := range [][]string{{dir}, {"--config", cfg, dir}} {
		r := runApp(t, nil, append([]string{"config", "validate"}, args...)...)
		if r.code != ExitOK {
			t.Errorf("%v: warnings must not fail without --strict: exit %d\n%s", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, cfg+":3: warning: "+wantTypo) || !strings.Contains(r.stdout, wantAll) {
			t.Errorf("%v: stdout lacks the warnings:\n%s", args, r.stdout)
		}
		if strings.Count(r.stdout, "warning:") != 2 || !strings.HasSuffix(r.stdout, cfg+": valid, 2 warnings\n") {
			t.Errorf("%v: want exactly two warnings and the summary:\n%s", args, r.stdout)
		}
	}
	strict := runApp(t, nil, "config", "validate", "--strict", dir)
	if strict.code != ExitUsage || !strings.Contains(strict.stderr, "Error: "+cfg+": 2 warnings (--strict)") {
		t.Errorf("--strict with warnings: exit %d, stderr:\n%s", strict.code, strict.stderr)
	}
	writeFile(t, cfg, "version: 1\nrules:\n  - match: {namespaces: [kube-system]}\n    pin: true\n")
	clean := runApp(t, nil, "config", "validate", "--strict", dir)
	if clean.code != ExitOK || clean.stdout != cfg+": valid\n" {
		t.Errorf("a config whose rules all match: exit %d, stdout %q, stderr %s", clean.code, clean.stdout, clean.stderr)
	}
}
