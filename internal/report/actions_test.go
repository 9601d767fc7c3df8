package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAnnotation_String(t *testing.T) {
	t.Parallel()
	a := Annotation{Level: "warning", File: "apps/a,b:c.yaml", Line: 7, Title: "bosun: range", Message: "50% done\nnext"}
	want := "::warning file=apps/a%2Cb%3Ac.yaml,line=7,title=bosun%3A range::50%25 done%0Anext"
	if got := a.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestWriteAnnotations_Capped(t *testing.T) {
	t.Parallel()
	var as []Annotation
	for i := range 13 {
		as = append(as, Annotation{Level: "warning", File: fmt.Sprintf("f%d.yaml", i), Line: 1, Message: "m"})
	}
	var b bytes.Buffer
	if err := WriteAnnotations(&b, as); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != MaxAnnotations+1 || !strings.HasPrefix(lines[MaxAnnotations], "::notice") || !strings.Contains(lines[MaxAnnotations], "3 more") {
		t.Errorf("want %d warnings then a notice about 3 more, got:\n%s", MaxAnnotations, b.String())
	}
}

// TestStepOutputs_SameBytesAsAMap: the pull-requests output is written
// exactly as the maps bosun wrote before it had a type.
func TestStepOutputs_SameBytesAsAMap(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	run := Run{Plan: p, Outcomes: []Outcome{
		{Branch: "bosun/a", Action: "created", Number: 3, URL: "https://github.com/o/r/pull/3"},
		{Branch: "bosun/b", Action: "closed", Number: 2},
		{Branch: "bosun/c", Action: "unchanged", Number: 1},
		{Branch: "bosun/d", Action: "limited"},
	}}
	got, err := StepOutputs("/tmp/plan.json", p, &run)
	if err != nil {
		t.Fatal(err)
	}
	prs, err := json.Marshal([]map[string]any{
		{"number": 3, "url": "https://github.com/o/r/pull/3", "branch": "bosun/a", "action": "created"},
		{"number": 1, "url": "", "branch": "bosun/c", "action": "unchanged"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []StepOutput{{"plan", "/tmp/plan.json"}, {"updates", "1"}, {"pull-requests", string(prs)}, {"failures", "transient"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StepOutputs mismatch (-want +got):\n%s", diff)
	}
	plan, err := StepOutputs("", p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if plan[2].Value != "[]" {
		t.Errorf("pull-requests of a plan = %s, want []", plan[2].Value)
	}
}

func TestFailures(t *testing.T) {
	t.Parallel()
	p := samplePlan()
	if got := Failures(p, nil); got != "transient" {
		t.Fatalf("sample plan (transient lookup failures only) = %s", got)
	}
	if got := Failures(p, &Run{Outcomes: []Outcome{{Branch: "bosun/a", Action: "failed", Err: errors.New("boom")}}}); got != "permanent" {
		t.Errorf("with a failed GitHub operation = %s, want permanent", got)
	}
	perm := *p
	perm.Failed = append(slices.Clone(p.Failed), perm.Failed[0])
	perm.Failed[len(perm.Failed)-1].Transient = false
	if got := Failures(&perm, nil); got != "permanent" {
		t.Errorf("with a permanent lookup failure = %s", got)
	}
	clean := *p
	clean.Failed = nil
	if got := Failures(&clean, nil); got != "none" {
		t.Errorf("clean = %s", got)
	}
}
