package report

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/policy"
)

func samplePlan() *pipeline.Result {
	shared := chart.Ref{Kind: "OCIRepository", Name: "app-template", Namespaces: []string{"kube-system", "media"}, Chart: "app-template",
		Source: chart.Source{Kind: chart.SourceOCI, URL: "oci://ghcr.io/bjw-s-labs/helm/app-template"}, Field: chart.FieldTag, Version: "4.1.0",
		Loc: chart.Location{File: "kubernetes/flux/repositories/oci/app-template.yaml", Line: 9, Start: 100, End: 105}}
	now := time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)
	u := plan.Update{Ref: shared, Status: policy.StatusUpdate, To: &chart.Release{Version: "4.1.1", Created: now.Add(-72 * time.Hour)},
		NewValue: "4.1.1", Type: chart.UpdatePatch, SeparateMajor: true, Reason: "4.2.0 passed over: minor not allowed",
		Restrictive: "in namespaces kube-system, media the most restrictive policy applies: updateTypes from kube-system"}
	failedRef := chart.Ref{Kind: "HelmRelease", Name: "x", Chart: "x", Source: chart.Source{Kind: chart.SourceHelm, URL: "https://charts.example.com"},
		Loc: chart.Location{File: "apps/x.yaml", Line: 3}}
	// The scan found three references: the updated one, the skipped one and
	// the one whose lookup failed.
	res := &pipeline.Result{
		Scan:   &flux.Result{Refs: make([]chart.Ref, 3)},
		Now:    now,
		Groups: plan.Build([]plan.Update{u}, plan.Options{}),
		Skipped: []pipeline.Skipped{{Ref: chart.Ref{Kind: "HelmRelease", Name: "vault", Namespaces: []string{"security"}, Version: "${VAULT_VERSION}",
			Loc: chart.Location{File: "apps/vault.yaml", Line: 12}}, Reason: "variable", Detail: "VAULT_VERSION comes from a ConfigMap"}},
		Failed: []pipeline.Failed{{Source: failedRef.Source, Chart: "x", Refs: []chart.Ref{failedRef},
			Err: &datasource.Error{Source: failedRef.Source, Chart: "x", Transient: true, Err: errors.New("503 Service Unavailable")}, Transient: true}},
	}
	return res
}

func TestWritePlanText(t *testing.T) {
	t.Parallel()
	out := render(t, WritePlanText, samplePlan())
	wantContains(t, "text report", out,
		"bosun/app-template\n",
		"  - kube-system,media/app-template  4.1.0 → 4.1.1  patch\n",
		"note: app-template: in namespaces kube-system, media the most restrictive",
		"not updated\n  - security/vault  ${VAULT_VERSION}  variable\n    apps/vault.yaml:12\n",
		"failed\n  - https://charts.example.com x (1 references)\n",
		"3 references: 1 update in 1 group, 0 up to date, 1 not updated, 1 failed\n",
	)
	for _, l := range strings.Split(out, "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("line of %d columns (max 80): %q", n, l)
		}
	}
}

func TestWriteGroupMarkdown(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	var b bytes.Buffer
	WriteGroupMarkdown(&b, p.Groups[0], p.Now)
	wantContains(t, "PR body", b.String(),
		"This pull request updates `app-template` in 1 file.",
		"| app-template | kube-system, media | `kubernetes/flux/repositories/oci/app-template.yaml:9` | `4.1.0` → `4.1.1` | patch |",
		"3d ago",
		"> [!NOTE]\n> app-template: in namespaces kube-system, media the most restrictive policy applies",
	)
}

func TestPlanJSON_FailedAndSkipped(t *testing.T) {
	t.Parallel()
	doc := PlanJSONOf(samplePlan())
	if len(doc.Failed) != 1 || !doc.Failed[0].Transient || !strings.Contains(doc.Failed[0].Error, "503") {
		t.Errorf("failed = %+v", doc.Failed)
	}
	if len(doc.Skipped) != 1 || doc.Skipped[0].Reason != "variable" {
		t.Errorf("skipped = %+v", doc.Skipped)
	}
	if got := doc.Groups[0].Updates[0].Restrictive; got == "" {
		t.Error("the restrictive-policy note is missing from the JSON update")
	}
	if doc.Summary != (PlanSummary{References: 3, Updates: 1, Groups: 1, Skipped: 1, Failed: 1}) {
		t.Errorf("summary = %+v", doc.Summary)
	}
}

func TestWriteRunText_DryRun(t *testing.T) {
	t.Parallel()
	r := Run{Plan: samplePlan(), DryRun: true, Outcomes: []Outcome{
		{Branch: "bosun/app-template", Action: "created"},
		{Branch: "bosun/old", Action: "closed", Number: 7},
	}}
	wantContains(t, "dry-run report", render(t, WriteRunText, r),
		"pull requests (dry run: nothing was written)", "would be created ", "would be closed   #7  bosun/old")
}

// render returns what write puts out for v; an error fails the test.
func render[T any](t *testing.T, write func(io.Writer, T) error, v T) string {
	t.Helper()
	var b bytes.Buffer
	if err := write(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantContains reports each of wants that out, the output named what, lacks.
func wantContains(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(out, want) {
			t.Errorf("%s lacks %q:\n%s", what, want, out)
		}
	}
}
