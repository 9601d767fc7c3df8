package rewrite

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/bosunhq/bosun/internal/testutil/golden"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/txtar"
)

// goldenEdit names an edit by the token text it covers: the nth (0-based)
// occurrence of At in the input.
type goldenEdit struct {
	At  string `json:"at"`
	Nth int    `json:"nth"`
	Old string `json:"old"`
	New string `json:"new"`
}

// A golden case is testdata/apply/<name>.txtar with sections input.yaml,
// edits (one JSON goldenEdit per line) and either want.yaml (the exact output)
// or error (the error text). The comment may hold a line "flags: ..." with
// crlf (input lines end in CRLF), bom (input starts with a BOM) and
// no-final-newline (the last newline is dropped); the same transform applies
// to want.yaml, which is stored in its plain form.
func TestApply_Golden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "apply", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	sections := map[string][]byte{}
	for _, f := range ar.Files {
		sections[f.Name] = f.Data
	}
	flags := map[string]bool{}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if rest, ok := strings.CutPrefix(line, "flags:"); ok {
			for _, f := range strings.Fields(rest) {
				flags[f] = true
			}
		}
	}
	input := transform(sections["input.yaml"], flags)
	edits := parseGoldenEdits(t, input, sections["edits"])

	got, applyErr := Apply(input, edits)
	if applyErr == nil {
		if err := Verify(input, got, edits); err != nil {
			t.Errorf("Verify(Apply()) = %v", err)
		}
		assertOutsideUnchanged(t, input, got, edits)
	}

	if golden.Update() {
		var files []txtar.File
		for _, f := range ar.Files {
			if f.Name != "want.yaml" && f.Name != "error" {
				files = append(files, f)
			}
		}
		if applyErr != nil {
			files = append(files, txtar.File{Name: "error", Data: []byte(applyErr.Error() + "\n")})
		} else {
			files = append(files, txtar.File{Name: "want.yaml", Data: untransform(got, flags)})
		}
		ar.Files = files
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	if wantErr, ok := sections["error"]; ok {
		if applyErr == nil {
			t.Fatalf("Apply() succeeded, want error %q; output:\n%s", wantErr, got)
		}
		if diff := cmp.Diff(strings.TrimSpace(string(wantErr)), applyErr.Error()); diff != "" {
			t.Errorf("Apply() error mismatch (-want +got):\n%s", diff)
		}
		return
	}
	if applyErr != nil {
		t.Fatalf("Apply() = %v", applyErr)
	}
	want := transform(sections["want.yaml"], flags)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Apply() mismatch (-want +got):\n%s", diff)
	}
}

func parseGoldenEdits(t *testing.T, input, data []byte) []Edit {
	t.Helper()
	var edits []Edit
	dec := json.NewDecoder(bytes.NewReader(data))
	for dec.More() {
		var g goldenEdit
		if err := dec.Decode(&g); err != nil {
			t.Fatalf("edits: %v", err)
		}
		start, from := -1, 0
		for i := 0; i <= g.Nth; i++ {
			j := bytes.Index(input[from:], []byte(g.At))
			if j < 0 {
				t.Fatalf("edits: occurrence %d of %q not found", g.Nth, g.At)
			}
			start, from = from+j, from+j+1
		}
		edits = append(edits, Edit{File: "f.yaml", Start: start, End: start + len(g.At), Old: g.Old, New: g.New})
	}
	if len(edits) == 0 {
		t.Fatal("no edits")
	}
	return edits
}

func transform(b []byte, flags map[string]bool) []byte {
	b = bytes.Clone(b)
	if flags["crlf"] {
		b = bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
	}
	if flags["no-final-newline"] {
		b = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("\r"))
	}
	if flags["bom"] {
		b = append([]byte("\ufeff"), b...)
	}
	return b
}

func untransform(b []byte, flags map[string]bool) []byte {
	b = bytes.Clone(b)
	if flags["bom"] {
		b = bytes.TrimPrefix(b, []byte("\ufeff"))
	}
	if flags["crlf"] {
		b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	}
	if flags["no-final-newline"] {
		b = append(b, '\n')
	}
	return b
}

// assertOutsideUnchanged checks that got equals src outside the edited ranges.
func assertOutsideUnchanged(t *testing.T, src, got []byte, edits []Edit) {
	t.Helper()
	if err := outsideUnchanged(src, got, edits); err != nil {
		t.Error(err)
	}
}

func outsideUnchanged(src, got []byte, edits []Edit) error {
	lo, hi := len(src), 0
	for _, e := range edits {
		lo, hi = min(lo, e.Start), max(hi, e.End)
	}
	if !bytes.HasPrefix(got, src[:lo]) {
		return errors.New("bytes before the first edit changed")
	}
	if !bytes.HasSuffix(got, src[hi:]) {
		return fmt.Errorf("bytes after the last edit changed")
	}
	return nil
}
