package evidence

import (
	"net/url"
	"strings"
	"unicode"
)

// zwj is the zero-width joiner put after "@" and "#" so GitHub links no user,
// team, issue or pull request from registry text.
const zwj = "\u200d"

// EscapeText makes untrusted text (registry metadata, changelog lines,
// validator messages) safe as inline Markdown on GitHub: line breaks and
// control characters become spaces, Markdown punctuation is escaped, "<",
// ">" and "&" become entities so no HTML gets through, and a zero-width
// joiner after "@" and "#" (and in "GH-123" and "github.com") keeps GitHub
// from turning mentions and references into notifications or backlinks.
func EscapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	rs := []rune(s)
	if n := leadingDigits(rs); n > 0 && n < len(rs) && rs[n] == '.' {
		// "1. x" would start an ordered list ("1) x" is escaped below).
		b.WriteString(string(rs[:n]) + "\\.")
		rs = rs[n+1:]
	}
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case r == '\n' || r == '\r' || r == '\t' || unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '@' || r == '#':
			if r == '#' {
				b.WriteByte('\\')
			}
			b.WriteRune(r)
			if pings(r, next) {
				b.WriteString(zwj)
			}
		case strings.ContainsRune("\\`*_{}[]()+-!|~=", r):
			if r == '-' && i >= 2 && (rs[i-1] == 'H' || rs[i-1] == 'h') && (rs[i-2] == 'G' || rs[i-2] == 'g') {
				b.WriteString(zwj)
			}
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '.' && hasSuffixFold(rs[:i], "github") && hasPrefixFold(rs[i+1:], "com"):
			b.WriteString(zwj + ".")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pings reports whether r followed by next would let GitHub link a user,
// team, issue or pull request: "@" or "#" right before a non-space. A
// zero-width joiner after r breaks the link and keeps the text readable.
// It is the one rule for mentions and references in every rendering.
func pings(r, next rune) bool {
	return (r == '@' || r == '#') && next != 0 && !unicode.IsSpace(next)
}

// EscapeInline is the light escape for a table cell or a line of prose
// that must read as written (chart names, versions, policy reasons,
// errors): line breaks become spaces (a carriage return disappears), "|" is
// escaped so a table keeps its columns, "<" and ">" become entities so no
// HTML gets through, and mentions and references are broken as EscapeText
// breaks them. Other Markdown punctuation is kept.
func EscapeInline(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	rs := []rune(s)
	for i, r := range rs {
		next := rune(0)
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch r {
		case '\r':
		case '\n':
			b.WriteByte(' ')
		case '|':
			b.WriteString(`\|`)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteRune(r)
			if pings(r, next) {
				b.WriteString(zwj)
			}
		}
	}
	return b.String()
}

func hasSuffixFold(rs []rune, s string) bool {
	return len(rs) >= len(s) && strings.EqualFold(string(rs[len(rs)-len(s):]), s)
}

func hasPrefixFold(rs []rune, s string) bool {
	return len(rs) >= len(s) && strings.EqualFold(string(rs[:len(s)]), s)
}

// code renders s as an inline code span: no Markdown, mention or reference
// inside is interpreted.
func code(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if s == "" {
		return "` `"
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// link renders a Markdown link with escaped text. github.com targets go
// through redirect.github.com, so linked issues and repositories get no
// backlink from the pull request.
func link(l Link) string {
	u, err := url.Parse(l.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return EscapeText(l.Name)
	}
	if strings.EqualFold(u.Host, "github.com") || strings.EqualFold(u.Host, "www.github.com") {
		u.Host = "redirect.github.com"
	}
	dest := strings.NewReplacer("(", "%28", ")", "%29", "<", "%3C", ">", "%3E", " ", "%20", "\\", "%5C", "`", "%60").Replace(u.String())
	return "[" + EscapeText(l.Name) + "](" + dest + ")"
}

// fenced renders s as a fenced code block of the given language, with a
// fence longer than any backtick run inside.
func fenced(lang, s string) string {
	n := max(3, longestRun(s, '`')+1)
	fence := strings.Repeat("`", n)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return fence + lang + "\n" + s + fence + "\n"
}

func leadingDigits(rs []rune) int {
	n := 0
	for n < len(rs) && rs[n] >= '0' && rs[n] <= '9' {
		n++
	}
	return n
}
