package migrate

import (
	"fmt"
	"strings"

	"github.com/bosunhq/bosun/internal/glob"
)

// names are the globs one Renovate package matcher maps to: chart-name
// globs for Helm repositories (Renovate's helm datasource matches the chart
// name) and source-URL globs for OCI charts (the docker datasource matches
// "<registry>/<path>/<chart>", the oci:// URL without its scheme).
type names struct {
	charts []string
	oci    []string
}

// piece is a literal with its anchors, from a plain name or a simple regex.
type piece struct {
	lit        string
	start, end bool // anchored at the start / end
}

// convertNames maps matchPackageNames-style entries. An entry is an exact
// name, a glob, or a /regex/; a regex maps when it is a literal with
// optional ^ and $ anchors, alternatives of such literals, or ".*" inside.
func convertNames(entries []string, regexOnly bool) (names, error) {
	var out names
	for _, e := range entries {
		var pieces []piece
		switch {
		case strings.HasPrefix(e, "!"):
			return names{}, fmt.Errorf("negated pattern %q cannot be expressed as a bosun match", e)
		case regexOnly:
			ps, err := regexPieces(e)
			if err != nil {
				return names{}, err
			}
			pieces = ps
		case len(e) > 2 && strings.HasPrefix(e, "/") && (strings.HasSuffix(e, "/") || strings.HasSuffix(e, "/i")):
			body := strings.TrimSuffix(strings.TrimSuffix(e[1:], "i"), "/")
			ps, err := regexPieces(body)
			if err != nil {
				return names{}, err
			}
			pieces = ps
		case strings.ContainsAny(e, "*?[{"):
			if strings.Contains(e, "/") || strings.Contains(e, "{") {
				return names{}, fmt.Errorf("glob %q spans a registry path: no bosun equivalent", e)
			}
			out.charts = append(out.charts, e)
			continue
		default:
			pieces = []piece{{lit: e, start: true, end: true}}
		}
		for _, p := range pieces {
			p.add(&out)
		}
	}
	for _, g := range append(append([]string{}, out.charts...), out.oci...) {
		if err := glob.Validate(g); err != nil {
			return names{}, err
		}
	}
	return out, nil
}

func (p piece) add(out *names) {
	lit := p.lit
	if !strings.Contains(lit, "/") {
		g := lit
		if !p.start {
			g = "*" + g
		}
		if !p.end {
			g += "*"
		}
		out.charts = append(out.charts, g)
	}
	// OCI: the package name is a "/"-separated path after "oci://".
	g := lit
	switch {
	case p.start && p.end:
		if !strings.Contains(lit, "/") {
			return // an exact name without a path never equals a docker package name
		}
	case p.start:
		g += "*/**"
	case p.end:
		g = "**/*" + g
	default:
		g = "**/*" + g + "*/**"
	}
	out.oci = append(out.oci, "oci://"+g)
}

// regexPieces converts a simple regular expression; anything else fails.
func regexPieces(re string) ([]piece, error) {
	var out []piece
	for _, alt := range strings.Split(re, "|") {
		p := piece{}
		if strings.HasPrefix(alt, "^") {
			p.start, alt = true, alt[1:]
		}
		if strings.HasSuffix(alt, "$") && !strings.HasSuffix(alt, `\$`) {
			p.end, alt = true, alt[:len(alt)-1]
		}
		var b strings.Builder
		for i := 0; i < len(alt); i++ {
			c := alt[i]
			switch {
			case c == '\\' && i+1 < len(alt) && strings.IndexByte(`/.-_@`, alt[i+1]) >= 0:
				b.WriteByte(alt[i+1])
				i++
			case c == '.' && i+1 < len(alt) && alt[i+1] == '*':
				b.WriteByte('*')
				i++
			case strings.IndexByte(`\.+*?()[]{}^$|`, c) >= 0:
				return nil, fmt.Errorf("regular expression %q is not a literal: no bosun glob equivalent", re)
			default:
				b.WriteByte(c)
			}
		}
		p.lit = b.String()
		if p.lit == "" || strings.HasPrefix(p.lit, "*") || strings.HasSuffix(p.lit, "*") {
			return nil, fmt.Errorf("regular expression %q is not a literal: no bosun glob equivalent", re)
		}
		out = append(out, p)
	}
	return out, nil
}
