package datasource

import (
	"net"
	"strings"
)

// Host holds per-host settings from the config's registries section.
type Host struct {
	// Match is a host ("ghcr.io", "registry.internal:5000") or a URL prefix
	// ("https://charts.example.com/stable").
	Match string
	// Mirror, when set, replaces the matched host (or prefix) with this base
	// URL ("http://127.0.0.1:5000/ghcr.io"). Its scheme decides plain HTTP.
	Mirror string
	// Insecure allows plain HTTP to the host.
	Insecure bool
	// Concurrency bounds parallel requests to the host; 0 means the default.
	Concurrency int
}

// Hosts is an ordered list of host settings; the longest match wins.
type Hosts []Host

// Endpoint is where a source URL is actually fetched from.
type Endpoint struct {
	// URL is the URL to fetch from, after mirror rewriting. For OCI sources it
	// keeps the "oci://" scheme unless a mirror gave an explicit http(s) scheme.
	URL string
	// PlainHTTP is true when requests must use http:// (mirror with http
	// scheme, insecure host, or a loopback host).
	PlainHTTP bool
	// Host is the matched settings (zero when none matched).
	Host Host
}

// Resolve maps a source URL through the host settings.
func (hs Hosts) Resolve(raw string) Endpoint {
	best := -1
	bestLen := -1
	for i, h := range hs {
		if n := matchLen(h.Match, raw); n > bestLen {
			best, bestLen = i, n
		}
	}
	ep := Endpoint{URL: raw}
	if best >= 0 {
		h := hs[best]
		ep.Host = h
		if h.Mirror != "" {
			rest := strings.TrimPrefix(raw[prefixEnd(h.Match, raw):], "/")
			m := strings.TrimSuffix(h.Mirror, "/")
			if rest != "" {
				m += "/" + rest
			}
			ep.URL = m
		}
		if h.Insecure {
			ep.PlainHTTP = true
		}
	}
	if strings.HasPrefix(ep.URL, "http://") {
		ep.PlainHTTP = true
	}
	if IsLoopback(hostOf(ep.URL)) {
		ep.PlainHTTP = true
	}
	return ep
}

// matchLen returns how many characters of raw a Match covers, or -1.
func matchLen(match, raw string) int {
	if match == "" {
		return -1
	}
	if strings.Contains(match, "://") {
		m := strings.TrimSuffix(match, "/")
		if raw == m || strings.HasPrefix(raw, m+"/") || strings.HasPrefix(raw, m+"?") {
			return len(m)
		}
		return -1
	}
	if strings.EqualFold(hostOf(raw), match) {
		return len(match)
	}
	return -1
}

// prefixEnd returns the offset in raw just after the matched host or prefix.
func prefixEnd(match, raw string) int {
	if strings.Contains(match, "://") {
		return len(strings.TrimSuffix(match, "/"))
	}
	i := strings.Index(raw, "://")
	start := 0
	if i >= 0 {
		start = i + 3
	}
	end := strings.IndexAny(raw[start:], "/?#")
	if end < 0 {
		return len(raw)
	}
	return start + end
}

func hostOf(raw string) string {
	s := raw
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[i+1:]
	}
	return s
}

// IsLoopback reports whether host (with or without port) is localhost, ::1
// or in 127.0.0.0/8: docker and bosun default those to plain HTTP.
func IsLoopback(hostport string) bool {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.Trim(h, "[]")
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}
