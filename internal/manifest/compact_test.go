package manifest

import (
	"testing"

	"gopkg.in/yaml.v3"
)

const compactYAML = `# head
a: &x {b: 1, c: [2, "3"]} # line
d: *x
e: !custom tagged
f: |
  block
# foot
`

// sameTree reports where a and b differ, fields and shape alike, comments
// aside; aliases must point to the node at the same place of their own
// tree. b has no comments.
func sameTree(t *testing.T, a, b *yaml.Node, path string) {
	t.Helper()
	if a.Kind != b.Kind || a.Style != b.Style || a.Tag != b.Tag || a.Value != b.Value || a.Anchor != b.Anchor ||
		b.HeadComment != "" || b.LineComment != "" || b.FootComment != "" ||
		a.Line != b.Line || a.Column != b.Column || len(a.Content) != len(b.Content) {
		t.Fatalf("%s: %+v differs from %+v", path, *a, *b)
	}
	if (a.Alias == nil) != (b.Alias == nil) || a.Alias != nil && a.Alias.Value+a.Alias.Anchor != b.Alias.Value+b.Alias.Anchor {
		t.Fatalf("%s: alias differs", path)
	}
	for i := range a.Content {
		sameTree(t, a.Content[i], b.Content[i], path+"/"+a.Content[i].Value)
	}
}

func TestCompactCopiesTheTree(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(compactYAML), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	c := compact(root, nil)
	sameTree(t, root, c, "")
	if c == root || c.Content[1] == root.Content[1] {
		t.Fatal("compact shares nodes with the original")
	}
	if alias := c.Content[3]; alias.Alias != c.Content[1] {
		t.Errorf("the alias points to %p, not to the copy of its anchor %p", alias.Alias, c.Content[1])
	}
	// An append to a copied Content must not write into a neighbour's.
	m := c.Content[1]
	if cap(m.Content) != len(m.Content) {
		t.Errorf("Content capacity %d, length %d", cap(m.Content), len(m.Content))
	}
	if compact(nil, nil) != nil {
		t.Error("compact(nil, nil) is not nil")
	}
}

func TestCompactKeepsAliasesToNodesLeftOut(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("a: &x 1\nb: *x\n"), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	outside := root.Content[1]
	part := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Content: []*yaml.Node{root.Content[3]}}
	c := compact(part, &arena{})
	if c.Content[0] == root.Content[3] || c.Content[0].Alias != outside {
		t.Errorf("alias to a node outside the tree: points to %p, want the original %p", c.Content[0].Alias, outside)
	}
}

func TestLoadWithUnreadPacksDocuments(t *testing.T) {
	unread := func(_, _, _ string) (bool, [][]string) { return false, [][]string{{"spec", "values"}} }
	f, fe := parse(t.Context(), "a.yaml", []byte(unreadYAML), unread, &arena{})
	if fe != nil {
		t.Fatal(fe)
	}
	plain, _ := Parse("a.yaml", []byte(unreadYAML))
	for i, d := range f.Docs {
		full := plain.Docs[i].Root
		if !d.Skeleton {
			sameTree(t, full, d.Root, "")
		}
	}
}

func TestArenaPartsAreCappedAndApart(t *testing.T) {
	a := &arena{}
	n1, n2 := a.nodeSlice(3), a.nodeSlice(2)
	if len(n1) != 3 || cap(n1) != 3 || len(n2) != 2 || &n1[2] == &n2[0] {
		t.Errorf("node parts overlap or are not capped")
	}
	p := a.ptrSlice(4)
	if len(p) != 4 || cap(p) != 4 {
		t.Errorf("pointer part: len %d cap %d", len(p), cap(p))
	}
	if big := a.nodeSlice(arenaNodesMax + 1); len(big) != arenaNodesMax+1 {
		t.Errorf("large part: len %d", len(big))
	}
	// A file read into the scratch buffer is copied to be kept; the next
	// file reuses the buffer.
	b := append(a.readBuf(6), "abcdef"...)
	kept := a.keep(b)
	if next := append(a.readBuf(6), "ghijkl"...); string(kept) != "abcdef" || &next[0] != &b[0] {
		t.Errorf("kept %q", kept)
	}
	if own := make([]byte, 3); &a.keep(own)[0] != &own[0] {
		t.Error("bytes outside the scratch buffer copied")
	}
	var none *arena
	if len(none.nodeSlice(2)) != 2 || len(none.ptrSlice(2)) != 2 || cap(none.readBuf(2)) != 2 {
		t.Error("a nil arena does not allocate")
	}
}
