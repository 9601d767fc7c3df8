package httpx

import (
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
// Input that does not parse as a URL is replaced by "<unparsable url>"
// rather than echoed, since it may hold a secret that broke the parse. The
// result is deterministic (query names sorted), so it can serve as a key,
// and a URL with nothing to remove comes back exactly as written
// ("${REGISTRY}/charts/app" keeps its braces unescaped).
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "<unparsable url>"
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
