package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
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
