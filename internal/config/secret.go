package config

import (
	"regexp"
	"strings"
	"sync"
)

// A configuration file is not meant to hold secrets, but a mistyped key, a
// pasted token or a file that is not a configuration at all can put one
// where a message would quote it. Messages therefore quote a value only when
// it does not look like a credential; otherwise they name the key and line
// and say how long the value was.

// quoted finds the values messages quote: "…" from fmt's %q and `…` from
// yaml.v3's type errors.
var quoted = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`") })

// secretPrefixes are the prefixes of well-known token formats (GitHub,
// GitLab, Slack, AWS, OpenAI-style keys, JWTs, PEM blocks).
var secretPrefixes = []string{
	"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "xoxa-",
	"akia", "asia", "sk-", "eyj", "-----begin",
}

// hideSecrets replaces every quoted value in msg that looks like a credential.
func hideSecrets(msg string) string {
	return quoted().ReplaceAllStringFunc(msg, func(q string) string {
		if !looksSecret(q[1 : len(q)-1]) {
			return q
		}
		return "(a value that looks like a credential, not shown)"
	})
}

// looksSecret reports whether v has a token's prefix, or is long and dense
// like a key: at least 20 characters with letters and digits and no spaces.
func looksSecret(v string) bool {
	l := strings.ToLower(strings.TrimSpace(v))
	for _, p := range secretPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	if len(v) < 20 || strings.ContainsAny(v, " \t") {
		return false
	}
	var letters, digits bool
	for _, r := range v {
		switch {
		case r >= '0' && r <= '9':
			digits = true
		case r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
			letters = true
		}
	}
	return letters && digits
}
