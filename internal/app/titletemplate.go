package app

import (
	"fmt"
	"strings"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/policy"
)

// titleFieldsHelp documents the data pullRequests.titleTemplate is
// executed with; a test keeps it equal to what titleFunc provides.
const titleFieldsHelp = `Fields of pullRequests.titleTemplate (Go text/template; the title is also the
first line of the commit message):
  .Default   the built-in title ("feat(helm): update chart cert-manager ( 1.14.0 → 1.15.0 )")
  .Group     the group's name ("cert-manager", "app-template-major")
  .Branch    the group's branch ("bosun/cert-manager")
  .Type      the group's largest update type: major, minor, patch or digest
  .Major     true when .Type is major
  .Updates   how many version fields the group changes
  .Chart     the chart of the group's first update
  .From      that update's current version
  .To        that update's new version
Example: titleTemplate: "fix(helm): {{ .Chart }} {{ .From }} → {{ .To }}"`

// sampleGroup is a group as plan.Build makes it, for checking templates.
func sampleGroup() plan.Group {
	u := plan.Update{
		Ref: chart.Ref{
			Kind: "HelmRelease", Name: "cert-manager", Namespaces: []string{"cert-manager"}, Chart: "cert-manager",
			Source: chart.Source{Kind: chart.SourceHelm, URL: "https://charts.jetstack.io"},
			Field:  chart.FieldVersion, Version: "1.14.0",
			Loc: chart.Location{File: "apps/cert-manager/helmrelease.yaml", Line: 12, Column: 16},
		},
		Status: policy.StatusUpdate, To: &chart.Release{Version: "1.15.0"}, NewValue: "1.15.0", Type: chart.UpdateMinor,
	}
	return plan.Build([]plan.Update{u}, plan.Options{})[0]
}

// titleFields lists, sorted, the fields titleFunc gives templates.
func titleFields() []string {
	f, err := titleFunc(`{{range $k, $_ := .}}{{$k}} {{end}}`)
	if err != nil {
		return nil
	}
	s, err := f(sampleGroup())
	if err != nil {
		return nil
	}
	return strings.Fields(s)
}

// checkTitleTemplate renders the configured title template for a sample
// group, so a template that would fail every pull request fails here.
func checkTitleTemplate(cfg *config.Config) error {
	tmpl := cfg.PullRequests.TitleTemplate
	if tmpl == "" {
		return nil
	}
	const key = "pullRequests.titleTemplate"
	where := fmt.Sprintf("%s:%d: %s", cfg.Name(), cfg.Line(key), key)
	f, err := titleFunc(tmpl)
	if err != nil {
		return fmt.Errorf("%s:%d: %w", cfg.Name(), cfg.Line(key), err)
	}
	title, err := f(sampleGroup())
	switch {
	case err != nil && (strings.Contains(err.Error(), "no entry for key") || strings.Contains(err.Error(), "can't evaluate field")):
		return fmt.Errorf("%s: %w (fields: %s)", where, err, strings.Join(titleFields(), ", "))
	case err != nil:
		return fmt.Errorf("%s: %w", where, err)
	case title == "":
		return fmt.Errorf("%s: renders an empty title", where)
	}
	return nil
}
