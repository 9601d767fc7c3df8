package report

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/evidence"
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

// TestWriteGroupMarkdownEvidence_budget: evidence far over GitHub's limit
// (many updates, each with a large values diff and changelog, hostile text)
// is trimmed, with a note, so the body stays within GroupBodyBudget, and
// the risk line of every update survives; no text pings anyone.
func TestWriteGroupMarkdownEvidence_budget(t *testing.T) {
	t.Parallel()
	p := hostilePlan()
	g := p.Groups[0]
	var evs []evidence.Evidence
	for i := range 40 {
		var cl []evidence.ChangeEntry
		for j := range 50 {
			cl = append(cl, evidence.ChangeEntry{Description: fmt.Sprintf("fix %d by @user%d in #%d", j, j, j), Version: "2.0.0"})
		}
		evs = append(evs, evidence.Evidence{Chart: fmt.Sprintf("chart-%d", i), From: "1.0.0", To: "2.0.0", Type: chart.UpdateMajor,
			ValuesDiff: strings.Repeat("+key: value @someone #9\n", 400), HasArchives: true,
			Changelog:  []evidence.ChangeGroup{{Kind: "fixed", Entries: cl}},
			Violations: []evidence.Violation{{Path: "/image", Message: "additional properties 'tag' not allowed"}}})
	}
	var b bytes.Buffer
	WriteGroupMarkdownEvidence(&b, g, p.Now, evs)
	body := b.String()
	if len(body) > GroupBodyBudget {
		t.Errorf("body is %d bytes, budget %d", len(body), GroupBodyBudget)
	}
	if !strings.Contains(body, evidence.TrimmedNote) {
		t.Errorf("trimmed body has no note saying so")
	}
	if n := strings.Count(body, "**Risk:** major · 1 values violation"); n != len(evs) {
		t.Errorf("%d of %d risk lines kept", n, len(evs))
	}
	if strings.Contains(body, "Release notes") {
		t.Errorf("body with evidence still has the raw release notes")
	}
	assertNoPings(t, "PR body with evidence", body)

	var plain, none bytes.Buffer
	WriteGroupMarkdown(&plain, g, p.Now)
	WriteGroupMarkdownEvidence(&none, g, p.Now, nil)
	if plain.String() != none.String() {
		t.Errorf("no evidence renders differently from WriteGroupMarkdown")
	}
}
