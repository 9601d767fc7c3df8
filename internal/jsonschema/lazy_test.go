package jsonschema

import (
	"os"
	"strings"
	"testing"
)

// loadedAtStart records whether any draft's metaschema was compiled before
// the first test ran, that is, by the package's initialisation.
var loadedAtStart bool

func TestMain(m *testing.M) {
	for _, d := range []*Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020} {
		loadedAtStart = loadedAtStart || d.sch != nil
	}
	os.Exit(m.Run())
}

// TestInit_LeavesMetaschemasForFirstUse: a binary that links the package
// but never compiles a schema does not pay for the metaschemas; the first
// NewCompiler compiles all of them, so schemas are still checked against
// their draft.
func TestInit_LeavesMetaschemasForFirstUse(t *testing.T) {
	if loadedAtStart {
		t.Fatal("a metaschema was compiled during package initialisation")
	}
	c := NewCompiler()
	for _, d := range []*Draft{Draft4, Draft6, Draft7, Draft2019, Draft2020} {
		if d.sch == nil {
			t.Errorf("%s: metaschema not compiled by NewCompiler", d)
		}
		for name, sch := range d.allVocabs {
			if sch == nil {
				t.Errorf("%s: vocabulary %s not compiled by NewCompiler", d, name)
			}
		}
	}
	if err := c.AddResource("mem://bad.json", map[string]any{"type": 5.0}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("mem://bad.json"); err == nil {
		t.Error(`{"type": 5} compiled: the metaschema did not reject it`)
	}
}

// TestAdditionalProperties_NamesSorted: the message names the properties
// in order, the same on every run (upstream used map order).
func TestAdditionalProperties_NamesSorted(t *testing.T) {
	c := NewCompiler()
	if err := c.AddResource("mem://s.json", map[string]any{"additionalProperties": false}); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("mem://s.json")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"}
	obj := map[string]any{}
	for _, n := range names {
		obj[n] = 1.0
	}
	want := "additional properties 'alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel' not allowed"
	for range 5 {
		err := sch.Validate(obj)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("got %v\nwant it to contain %q", err, want)
		}
	}
}
