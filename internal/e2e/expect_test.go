package e2e

import (
	"bytes"
	"context"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/app"
	"github.com/bosunhq/bosun/internal/chart"
)

// policyCase is a config policy and, independently, the update types it
// allows in a namespace.
type policyCase struct {
	name string
	// yaml is appended to the config file after the registries section.
	yaml string
	// allow returns the update types allowed in namespace ns ("" = unresolved).
	allow func(ns string) []chart.UpdateType
}

var allTypes = []chart.UpdateType{chart.UpdateMajor, chart.UpdateMinor, chart.UpdatePatch, chart.UpdateDigest}

var noMajor = []chart.UpdateType{chart.UpdateMinor, chart.UpdatePatch, chart.UpdateDigest}

var patchOnly = []chart.UpdateType{chart.UpdatePatch, chart.UpdateDigest}

var policies = []policyCase{
	{
		name:  "default",
		yaml:  "",
		allow: func(string) []chart.UpdateType { return allTypes },
	},
	{
		name:  "no-majors",
		yaml:  "defaults:\n  updateTypes: [minor, patch, digest]\n",
		allow: func(string) []chart.UpdateType { return noMajor },
	},
	{
		name: "per-namespace",
		yaml: `rules:
  - description: infrastructure takes patches only
    match: {namespaces: [kube-system, flux-system]}
    updateTypes: [patch, digest]
  - description: dev, game and observability namespaces take minors
    match: {namespaces: ["dev-*", development, media, "game-*", o11y, observability]}
    updateTypes: [minor, patch, digest]
`,
		allow: func(ns string) []chart.UpdateType {
			switch ns {
			case "kube-system", "flux-system":
				return patchOnly
			case "development", "media", "o11y", "observability":
				return noMajor
			}
			if m, _ := path.Match("dev-*", ns); m {
				return noMajor
			}
			if m, _ := path.Match("game-*", ns); m {
				return noMajor
			}
			return allTypes
		},
	},
}

// allowedFor is the intersection of the types allowed in every namespace
// of ref: the most restrictive policy wins.
func (pc policyCase) allowedFor(ref chart.Ref) []chart.UpdateType {
	if len(ref.Namespaces) == 0 {
		return pc.allow("")
	}
	out := slices.Clone(allTypes)
	for _, ns := range ref.Namespaces {
		a := pc.allow(ns)
		out = slices.DeleteFunc(out, func(t chart.UpdateType) bool { return !slices.Contains(a, t) })
	}
	return out
}

// classify is the update type of cur → next (different major, else minor,
// else anything else).
func classify(cur, next *semver.Version) chart.UpdateType {
	switch {
	case cur.Major() != next.Major():
		return chart.UpdateMajor
	case cur.Minor() != next.Minor():
		return chart.UpdateMinor
	case cur.Equal(next) && cur.Metadata() == next.Metadata():
		return chart.UpdateDigest
	default:
		return chart.UpdatePatch
	}
}

// expected is what a clean ref should move to: the highest published
// version above the current one whose update type is allowed, pre-releases
// only from a pre-release. ok is false when the ref is up to date.
type expected struct {
	to  string // the version string as published
	typ chart.UpdateType
}

func expect(ref chart.Ref, published []string, allowed []chart.UpdateType) (expected, bool) {
	cur, err := semver.NewVersion(ref.Version)
	if err != nil {
		return expected{}, false
	}
	var best *semver.Version
	var out expected
	for _, p := range published {
		v, err := semver.NewVersion(p)
		if err != nil || !v.GreaterThan(cur) {
			continue
		}
		if v.Prerelease() != "" && cur.Prerelease() == "" {
			continue
		}
		t := classify(cur, v)
		if !slices.Contains(allowed, t) {
			continue
		}
		if best == nil || v.GreaterThan(best) {
			best, out = v, expected{to: p, typ: t}
		}
	}
	return out, best != nil
}

// newValueOf is what bosun must write for a ref moving to version: OCI tags
// hold "_" for "+".
func newValueOf(ref chart.Ref, version string) string {
	if ref.Field == chart.FieldTag {
		return strings.ReplaceAll(version, "+", "_")
	}
	return version
}

// planDoc is the part of the `bosun plan -o json` document the tests read.
type planDoc struct {
	SchemaVersion int `json:"schemaVersion"`
	Summary       struct {
		References int `json:"references"`
		Updates    int `json:"updates"`
		Groups     int `json:"groups"`
		UpToDate   int `json:"upToDate"`
		Skipped    int `json:"skipped"`
		Failed     int `json:"failed"`
	} `json:"summary"`
	Groups []struct {
		Branch  string       `json:"branch"`
		Type    string       `json:"type"`
		Updates []updateJSON `json:"updates"`
	} `json:"groups"`
	Skipped []struct {
		File   string `json:"file"`
		Line   int    `json:"line"`
		Kind   string `json:"kind"`
		Name   string `json:"name"`
		Reason string `json:"reason"`
		Detail string `json:"detail"`
	} `json:"skipped"`
	Failed []struct {
		Source chart.Source `json:"source"`
		Chart  string       `json:"chart"`
		Error  string       `json:"error"`
	} `json:"failed"`
	Errors []any `json:"errors"`
}

type updateJSON struct {
	File       string       `json:"file"`
	Line       int          `json:"line"`
	Kind       string       `json:"kind"`
	Name       string       `json:"name"`
	Namespaces []string     `json:"namespaces"`
	Chart      string       `json:"chart"`
	Source     chart.Source `json:"source"`
	From       string       `json:"from"`
	To         string       `json:"to"`
	NewValue   string       `json:"newValue"`
	Digest     string       `json:"digest"`
	Type       string       `json:"type"`
}

// refID identifies a ref in a plan document.
func refID(file string, line int, kind, name string) string {
	return file + ":" + strconv.Itoa(line) + " " + kind + "/" + name
}

func idOf(r chart.Ref) string { return refID(r.Loc.File, r.Loc.Line, r.Kind, r.Name) }

type runResult struct {
	code           int
	stdout, stderr string
}

// runBosun runs the bosun CLI in process.
func runBosun(tb testing.TB, args ...string) runResult {
	tb.Helper()
	var out, errb bytes.Buffer
	code := app.Main(context.Background(), args, app.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return runResult{code, out.String(), errb.String()}
}
