package kustomize

import (
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func doc(t *testing.T, src string) *yaml.Node {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(src), &n); err != nil {
		t.Fatal(err)
	}
	return n.Content[0]
}

// reachable collects the nodes below n, aliases followed.
func reachable(n *yaml.Node, seen map[*yaml.Node]bool) map[*yaml.Node]bool {
	if n == nil || seen[n] {
		return seen
	}
	seen[n] = true
	reachable(n.Alias, seen)
	for _, c := range n.Content {
		reachable(c, seen)
	}
	return seen
}

// shares reports whether a node reachable from c, aliases followed, is
// one of orig's.
func shares(orig, c *yaml.Node) bool {
	from := reachable(orig, map[*yaml.Node]bool{})
	for n := range reachable(c, map[*yaml.Node]bool{}) {
		if from[n] {
			return true
		}
	}
	return false
}

func countAliases(n *yaml.Node) int {
	k := 0
	if n.Kind == yaml.AliasNode {
		k++
	}
	for _, c := range n.Content {
		k += countAliases(c)
	}
	return k
}

// A copy reads aliases as kustomize does: each is a copy of the node it
// names, equal to it, positions included, and a change to one place
// changes no other, nor the tree copied.
func TestClone_ExpandsAliases(t *testing.T) {
	t.Parallel()
	orig := doc(t, "metadata:\n  labels: &l {app: web}\nspec:\n  selector: *l\n  template: {labels: *l}\n")
	before, _ := yaml.Marshal(orig)
	c := Clone(orig)
	if countAliases(c) != 0 {
		t.Fatalf("the copy has aliases:\n%s", dumpNode(t, c))
	}
	if shares(orig, c) {
		t.Fatal("the copy shares nodes with the original")
	}
	labels, sel := child(c, "metadata", "labels"), child(c, "spec", "selector")
	if labels == sel || sel.Line != 2 || sel.Column != 11 || sel.Anchor != "l" || len(sel.Content) != 2 {
		t.Errorf("selector = %+v, want a copy of the labels at 2:11", sel)
	}
	setMapValue(sel, "tier", &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "web"})
	if child(c, "metadata", "labels", "tier") != nil || child(c, "spec", "template", "labels", "tier") != nil {
		t.Error("a change to the expanded selector shows elsewhere")
	}
	if after, _ := yaml.Marshal(orig); string(after) != string(before) {
		t.Errorf("the original changed:\n%s", after)
	}
	for _, n := range []*yaml.Node{c, labels, labels.Content[0]} {
		if cap(n.Content) != len(n.Content) {
			t.Errorf("Content of %q has room to grow into a neighbour's", n.Value)
		}
	}
}

// An alias to a node outside the tree copied is expanded too.
func TestClone_AliasOutsideTheTree(t *testing.T) {
	t.Parallel()
	orig := doc(t, "a: &x {k: v}\nb: {c: *x}\n")
	sub := child(orig, "b")
	c := Clone(sub)
	if countAliases(c) != 0 || shares(orig, c) {
		t.Fatalf("the copy of b holds an alias or shares the original's nodes:\n%s", dumpNode(t, c))
	}
	if got := scalarAt(c, "c", "k"); got != "v" {
		t.Errorf("b.c.k = %q", got)
	}
}

// An alias inside the node it names stays an alias, to that node's copy;
// an alias bomb is not expanded, its aliases point into the copy. Neither
// copy reaches the original.
func TestClone_CyclesAndBombs(t *testing.T) {
	t.Parallel()
	cyc := doc(t, "a: &x [1, {b: *x}]\n")
	c := Clone(cyc)
	if shares(cyc, c) {
		t.Fatal("the copy of a cycle reaches the original")
	}
	a := child(c, "a")
	if inner := a.Content[1].Content[1]; inner.Kind != yaml.AliasNode || inner.Alias != a {
		t.Errorf("the cyclic alias points to %p, want the copy of a, %p", inner.Alias, a)
	}

	var b strings.Builder
	b.WriteString("l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	bomb := doc(t, b.String())
	c = Clone(bomb)
	if countAliases(c) != countAliases(bomb) || shares(bomb, c) {
		t.Fatal("the bomb's copy is expanded or reaches the original")
	}
	if l7, l8 := child(c, "l7"), child(c, "l8"); l8.Content[3].Alias != l7 {
		t.Errorf("l8[3] points to %p, want the copy of l7, %p", l8.Content[3].Alias, l7)
	}
}

// A patch holding an alias is applied as kustomize applies it: expanded,
// so that a later patch writing through the alias changes neither the
// place the anchor marks nor the decoded patch, which apply never changes.
func TestPatches_Aliases(t *testing.T) {
	t.Parallel()
	res := parse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n")
	first, err := DecodePatch([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  a: &x {k: v}\n  b: *x\n"))
	if err != nil {
		t.Fatal(err)
	}
	before, _ := yaml.Marshal(first[0])
	ps := []Patch{
		{File: "first.yaml", Docs: first},
		{File: "second.yaml", Text: []byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  b: {k2: v2}\n")},
	}
	o := Origins{}
	if err := ApplyPatches(res, ps, o); err != nil {
		t.Fatal(err)
	}
	if after, _ := yaml.Marshal(first[0]); string(after) != string(before) {
		t.Errorf("the decoded patch changed:\n%s\nwas\n%s", after, before)
	}
	if got := scalarAt(res[0].Node, "spec", "a", "k2"); got != "" {
		t.Errorf("spec.a.k2 = %q, want none", got)
	}
	if got := scalarAt(res[0].Node, "spec", "b", "k2"); got != "v2" {
		t.Errorf("spec.b.k2 = %q, want v2", got)
	}
	if got := o.FileOf(child(res[0].Node, "spec", "b", "k"), res[0]); got != "first.yaml" {
		t.Errorf("spec.b.k from %q, want first.yaml", got)
	}
}

// A replacement whose source holds an alias copies the node the alias
// names, and records its file.
func TestReplacements_SourceAlias(t *testing.T) {
	t.Parallel()
	res := parse(t, "kind: ConfigMap\nmetadata: {name: src}\ndata:\n  a: &x {k: v}\n  b: {c: *x}\n---\nkind: ConfigMap\nmetadata: {name: dst}\n")
	res[0].File, res[1].File = "src.yaml", "dst.yaml"
	rs := reps(t, `- source: {kind: ConfigMap, name: src, fieldPath: data.b}
  targets: [{select: {name: dst}, fieldPaths: [data.d], options: {create: true}}]`, nil)
	o := Origins{}
	if err := ApplyReplacements(res, rs, o); err != nil {
		t.Fatal(err)
	}
	k := child(res[1].Node, "data", "d", "c", "k")
	if k == nil || k.Value != "v" {
		t.Fatalf("dst data.d.c.k = %v", k)
	}
	if got := o.FileOf(k, res[1]); got != "src.yaml" {
		t.Errorf("data.d.c.k from %q, want src.yaml", got)
	}
	if shares(res[0].Node, res[1].Node) {
		t.Error("dst shares nodes with src")
	}
}

func dumpNode(t *testing.T, n *yaml.Node) string {
	t.Helper()
	b, err := yaml.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
