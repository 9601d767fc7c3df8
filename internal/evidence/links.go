package evidence

import (
	"net/url"
	"strings"

	helmchart "helm.sh/helm/v3/pkg/chart"
)

// maxURLLen drops absurdly long URLs from registry metadata.
const maxURLLen = 2048

// newLink keeps an absolute http(s) URL with a host and no control
// characters or spaces; name defaults to the URL.
func newLink(name, raw string) (Link, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxURLLen || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return Link{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return Link{}, false
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = raw
	}
	return Link{Name: name, URL: u.String()}, true
}

// chartLinks are the home and source URLs of a chart version.
func chartLinks(md *helmchart.Metadata) []Link {
	var out []Link
	seen := map[string]bool{}
	add := func(name, raw string) {
		if l, ok := newLink(name, raw); ok && !seen[l.URL] {
			seen[l.URL] = true
			out = append(out, l)
		}
	}
	add("home", md.Home)
	for _, s := range md.Sources {
		add("source", s)
	}
	return out
}

// githubRepo returns owner/repo and whether the URL points below the
// repository root (a chart directory in a monorepo) for a github.com URL.
func githubRepo(raw string) (owner, repo string, deep, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || (u.Host != "github.com" && u.Host != "www.github.com") {
		return "", "", false, false
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(parts) < 2 || parts[0] == "" || parts[1] == "" {
		return "", "", false, false
	}
	return parts[0], strings.TrimSuffix(parts[1], ".git"), len(parts) > 2, true
}

// githubLinks builds compare and release-notes links from the first
// github.com link, without any request. Chart repositories (the link points
// into a subdirectory, or the repository name mentions chart or helm) are
// assumed to tag releases the way chart-releaser does ("<chart>-<version>");
// application repositories to tag the appVersion as written, or the chart
// version when the appVersion is unknown or unchanged.
func githubLinks(links []Link, chartName, from, to, appFrom, appTo string) []Link {
	for _, l := range links {
		owner, repo, deep, ok := githubRepo(l.URL)
		if !ok {
			continue
		}
		base := "https://github.com/" + url.PathEscape(owner) + "/" + url.PathEscape(repo)
		lower := strings.ToLower(repo)
		fromTag, toTag := from, to
		switch {
		case deep || strings.Contains(lower, "chart") || strings.Contains(lower, "helm"):
			fromTag, toTag = chartName+"-"+from, chartName+"-"+to
		case appFrom != "" && appTo != "" && appFrom != appTo:
			fromTag, toTag = appFrom, appTo
		}
		var out []Link
		if fromTag != toTag && fromTag != "" && toTag != "" {
			out = append(out, Link{Name: "compare " + fromTag + "..." + toTag,
				URL: base + "/compare/" + url.PathEscape(fromTag) + "..." + url.PathEscape(toTag)})
		}
		if toTag != "" {
			out = append(out, Link{Name: "release notes " + toTag, URL: base + "/releases/tag/" + url.PathEscape(toTag)})
		}
		out = append(out, Link{Name: "all releases", URL: base + "/releases"})
		return out
	}
	return nil
}
