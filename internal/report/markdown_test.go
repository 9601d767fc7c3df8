package report

import (
	"bytes"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
)

var (
	codeFence = regexp.MustCompile("(?s)```.*?```")
	codeSpan  = regexp.MustCompile("`[^`\n]*`")
	ping      = regexp.MustCompile(`@[0-9A-Za-z]|#[0-9]`)
)

// assertNoPings fails if Markdown outside code spans and fences holds an
// @mention or a #123 reference, which GitHub would turn into a notification
// or an issue link.
func assertNoPings(t *testing.T, what, md string) {
	t.Helper()
	prose := codeSpan.ReplaceAllString(codeFence.ReplaceAllString(md, ""), "")
	if m := ping.FindAllString(prose, -1); len(m) > 0 {
		t.Errorf("%s pings %q outside code:\n%s", what, m, md)
	}
}

// hostilePlan carries @mentions and #references in everything a registry
// or a repository controls: appVersion, release notes, versions in prose,
// the policy reason, a source URL and a lookup error.
func hostilePlan() *pipeline.Result {
	p := samplePlan()
	u := p.Groups[0].Updates[0]
	to := *u.To
	to.AppVersion = "1.0 @octocat fixes #123"
	to.Changes = "- thanks @someone for #45"
	u.To = &to
	u.From = &chart.Release{Version: u.Ref.Version, AppVersion: "@org/team"}
	u.Reason = "4.2.0 passed over (see #7, @maintainer)"
	p.Groups = plan.Build([]plan.Update{u}, plan.Options{})
	src := chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com/#9"}
	p.Failed[0].Source = src
	p.Failed[0].Err = &datasource.Error{Source: src, Chart: "x", Err: errors.New("ask @admin about #8")}
	p.Skipped[0].Detail = "held by @ops until #10 is fixed"
	return p
}

func TestEscapeMD_NoPings(t *testing.T) {
	t.Parallel()
	p := hostilePlan()
	var body, summary, run bytes.Buffer
	WriteGroupMarkdown(&body, p.Groups[0], p.Now)
	if err := WritePlanMarkdown(&summary, p); err != nil {
		t.Fatal(err)
	}
	if err := WriteRunMarkdown(&run, Run{Plan: p, Outcomes: []Outcome{{Branch: "bosun/x", Action: "failed", Err: errors.New("@ghost #11")}}}); err != nil {
		t.Fatal(err)
	}
	for what, md := range map[string]string{"PR body": body.String(), "plan summary": summary.String(), "run summary": run.String()} {
		assertNoPings(t, what, md)
	}
	// The text is still there for a reader, only the links are broken.
	if want := "1.0 @\u200doctocat fixes #\u200d123"; !strings.Contains(body.String(), want) {
		t.Errorf("PR body lacks %q:\n%s", want, body.String())
	}
}
