package httpx

import (
	"fmt"
	"net/url"
	"strings"
)

// Redacted replaces every secret RedactURL removes.
const Redacted = "REDACTED"

// RedactURL is bosun's one URL redactor: every URL shown in a log, an error,
// a report, a PR body or used as a key goes through it. From raw it
//   - drops the userinfo ("https://alice:pw@host/x" → "https://host/x");
//   - replaces every query value with REDACTED, keeping the names (signed
//     URLs and some chart repositories carry tokens in the query);
//   - drops the fragment;
//   - replaces a path segment that looks like a credential (a GitHub, GitLab
//     or Slack token prefix, or a JWT) with REDACTED.
//
// Input that does not parse as a URL (Flux substitutions such as
// "oci://${REGISTRY}/charts/app" among it) is redacted by its text:
// redactText. The result is deterministic, so it can serve as a key, and a
// URL with nothing to remove comes back exactly as written
// ("${REGISTRY}/charts/app" keeps its braces unescaped).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactText(raw)
	}
	if u.User == nil && u.RawQuery == "" && !u.ForceQuery && !strings.Contains(raw, "#") &&
		!strings.Contains(u.Opaque, "@") && !secretSegment(u.Path) {
		return raw // nothing to remove: keep it exactly as written
	}
	return redactURL(u)
}

// redactURL is RedactURL for a parsed URL.
func redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	c.User = nil
	c.Fragment, c.RawFragment = "", ""
	if c.RawQuery != "" || c.ForceQuery {
		q, err := url.ParseQuery(c.RawQuery)
		if err != nil {
			c.RawQuery = Redacted
		} else {
			for k, vs := range q {
				for i := range vs {
					vs[i] = Redacted
				}
				q[k] = vs
			}
			c.RawQuery = q.Encode()
		}
	}
	if i := strings.LastIndex(c.Opaque, "@"); i >= 0 {
		// "user:secret@host/x" without "//" parses as scheme "user" with
		// the secret in the opaque part.
		c.Opaque = c.Opaque[i+1:]
	}
	if secretSegment(c.Path) {
		segs := strings.Split(c.Path, "/")
		for i, s := range segs {
			if looksSecret(s) {
				segs[i] = Redacted
			}
		}
		c.Path, c.RawPath = strings.Join(segs, "/"), ""
	}
	return c.String()
}

// redactText is RedactURL for text that does not parse as a URL. It drops
// the fragment (from the first "#"), replaces the value of every
// "&"-separated query field (after the first "?") with REDACTED, drops
// the userinfo (up to the last "@" of the authority, which runs from
// after a "//" met before any other "/", or else from the start, to the
// next "/"), replaces path segments that look like credentials, and
// escapes control characters (%XX), which must not reach a log line or a
// report as they are. The rest is kept as written.
func redactText(raw string) string {
	rest, _, _ := strings.Cut(raw, "#")
	rest, query, hasQuery := strings.Cut(rest, "?")
	prefix := ""
	if i := strings.Index(rest, "//"); i >= 0 && !strings.Contains(rest[:i], "/") {
		prefix, rest = rest[:i+2], rest[i+2:]
	}
	authority, path := rest, ""
	if i := strings.Index(rest, "/"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if i := strings.LastIndex(authority, "@"); i >= 0 {
		authority = authority[i+1:]
	}
	segs := strings.Split(path, "/")
	for i, seg := range segs {
		if looksSecret(seg) {
			segs[i] = Redacted
		}
	}
	out := prefix + authority + strings.Join(segs, "/")
	if hasQuery {
		fields := strings.Split(query, "&")
		for i, f := range fields {
			if f != "" {
				name, _, _ := strings.Cut(f, "=")
				fields[i] = name + "=" + Redacted
			}
		}
		out += "?" + strings.Join(fields, "&")
	}
	return escapeControls(out)
}

// escapeControls writes ASCII control characters as %XX.
func escapeControls(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for i := range len(s) {
		if c := s[i]; isControl(rune(c)) {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func secretSegment(path string) bool {
	for s := range strings.SplitSeq(path, "/") {
		if looksSecret(s) {
			return true
		}
	}
	return false
}

// tokenPrefixes start the credentials of common forges: GitHub personal,
// OAuth, user-to-server, server-to-server and refresh tokens, fine-grained
// PATs, GitLab PATs and Slack tokens.
var tokenPrefixes = []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-"}

// looksSecret reports whether a path segment looks like a credential: a
// known token prefix, or a JWT (three base64url parts, the first "eyJ").
func looksSecret(s string) bool {
	for _, p := range tokenPrefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p)+8 {
			return true
		}
	}
	return strings.HasPrefix(s, "eyJ") && strings.Count(s, ".") == 2 && len(s) > 20
}
