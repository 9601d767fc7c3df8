package evidence_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/evidence"
)

func TestEscapeText(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"mention", "thanks @octocat", "thanks @\u200doctocat"},
		{"team", "@org/team", "@\u200dorg/team"},
		{"issue", "fixes #123", "fixes \\#\u200d123"},
		{"cross repo", "o/r#1", "o/r\\#\u200d1"},
		{"GH ref", "GH-99", "GH\u200d\\-99"},
		{"lone signs", "a @ b # c", "a @ b \\# c"},
		{"html", "<script>x</script> & co", "&lt;script&gt;x&lt;/script&gt; &amp; co"},
		{"markdown", "*bold* [l](u) `c` |t|", "\\*bold\\* \\[l\\]\\(u\\) \\`c\\` \\|t\\|"},
		{"newlines", "a\nb\r\n# heading", "a b  \\# heading"},
		{"github url", "see https://github.com/o/r/issues/1", "see https://github\u200d.com/o/r/issues/1"},
		{"plain", "Bump to 1.2.3", "Bump to 1.2.3"},
		{"ordered list", "1. first", "1\\. first"},
		{"ordered list paren", "2) second", "2\\) second"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := evidence.EscapeText(tc.in); got != tc.want {
				t.Errorf("EscapeText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestEscapeInline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"mention", "thanks @octocat", "thanks @\u200doctocat"},
		{"issue", "fixes #123", "fixes #\u200d123"},
		{"lone signs", "a @ b # c", "a @ b # c"},
		{"table", "a|b", `a\|b`},
		{"html", "<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"},
		{"newlines", "a\r\nb", "a b"},
		{"kept as written", "app-template 4.1.0 → 4.2.0 (minor)", "app-template 4.1.0 → 4.2.0 (minor)"},
	} {
		if got := evidence.EscapeInline(tc.in); got != tc.want {
			t.Errorf("%s: EscapeInline(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

// FuzzEscapeText checks that no escaped text can mention, reference or
// open an HTML tag or a new line.
func FuzzEscapeText(f *testing.F) {
	for _, s := range []string{"@a", "#1", "<b>", "x\ny", "GH-1", "github.com", "@@a##1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := evidence.EscapeText(s)
		for i, r := range []rune(out) {
			if r == '\n' || r == '\r' || r == '<' || r == '>' {
				t.Fatalf("EscapeText(%q) = %q: %q at %d", s, out, r, i)
			}
		}
		rs := []rune(out)
		for i := 0; i+1 < len(rs); i++ {
			if (rs[i] == '@' || rs[i] == '#') && rs[i+1] != '\u200d' && rs[i+1] != ' ' && !isSpace(rs[i+1]) {
				t.Fatalf("EscapeText(%q) = %q: %q not neutralised", s, out, rs[i])
			}
		}
	})
}

func isSpace(r rune) bool { return strings.TrimSpace(string(r)) == "" }

func TestMarkdown_budget(t *testing.T) {
	t.Parallel()
	var evs []evidence.Evidence
	for i := range 30 {
		var diff strings.Builder
		for j := range 400 {
			fmt.Fprintf(&diff, "+key%d: value %d @someone #%d\n", j, j, j)
		}
		evs = append(evs, evidence.Evidence{
			Chart: fmt.Sprintf("chart-%02d", i), From: "1.0.0", To: "2.0.0", Type: chart.UpdateMajor,
			ValuesDiff: diff.String(),
			Changelog: []evidence.ChangeGroup{{Kind: "added", Entries: []evidence.ChangeEntry{
				{Version: "2.0.0", Description: strings.Repeat("long line ", 200)}}}},
		})
	}
	for _, budget := range []int{0, 20000, 3000, 100} {
		md := evidence.Markdown(evs, budget)
		limit := budget
		if limit == 0 {
			limit = evidence.GitHubBodyLimit
		}
		if len(md) > limit {
			t.Errorf("budget %d: Markdown is %d bytes", budget, len(md))
		}
		if !strings.Contains(md, strings.TrimSpace(evidence.TrimmedNote)) && budget > len(evidence.TrimmedNote) {
			t.Errorf("budget %d: no trimmed note", budget)
		}
	}
	small := evs[:1]
	small[0].ValuesDiff = "+a: 1\n"
	small[0].Changelog = nil
	if md := evidence.Markdown(small, 0); strings.Contains(md, "left out") || !strings.Contains(md, "+a: 1") {
		t.Errorf("Markdown within budget was trimmed:\n%s", md)
	}
}

func TestMarkdown_diffFenceCannotBeClosed(t *testing.T) {
	t.Parallel()
	ev := evidence.Evidence{Chart: "c", From: "1", To: "2", ValuesDiff: "+x: |\n+  ```\n+  </details>\n+  @admin\n"}
	md := ev.Markdown()
	if !strings.Contains(md, "````diff\n") {
		t.Errorf("fence not longer than the backticks inside:\n%s", md)
	}
}
