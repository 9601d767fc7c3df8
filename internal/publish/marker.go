package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/bosunhq/bosun/internal/plan"
)

// Trailer marks commits bosun made.
const Trailer = "Bosun-Plan:"

const (
	metaPrefix     = "<!-- bosun:meta "
	markSuperseded = "<!-- bosun:superseded -->"
	markForeign    = "<!-- bosun:foreign -->"
	maxBody        = 60000
)

// meta is carried in a hidden comment in each pull request body.
type meta struct {
	Hash string   `json:"hash"`
	Keys []string `json:"keys"` // chart keys (chart.Ref.Key) the group covers
	// Head is the commit bosun last pointed the branch at; when the pull
	// request's head is still that commit, nobody else pushed to the branch.
	Head string `json:"head,omitempty"`
	// Base is the base commit that commit was built on.
	Base string `json:"base,omitempty"`
}

var metaRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<!-- bosun:meta (\{.*?\}) -->`) })

// parseMeta reads the last marker of body (bosun writes it at the end; an
// earlier one would be a person quoting it).
func parseMeta(body string) (meta, bool) {
	all := metaRE().FindAllStringSubmatch(body, -1)
	if len(all) == 0 {
		return meta{}, false
	}
	var md meta
	if err := json.Unmarshal([]byte(all[len(all)-1][1]), &md); err != nil || md.Hash == "" {
		return meta{}, false
	}
	return md, true
}

// rebaseBox is the checkbox ending each pull request body; ticked, it asks
// for a rebuild on the current base.
const rebaseBox = "<!-- bosun-rebase -->"

var rebaseTickedRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*- \[[xX]\] ` + regexp.QuoteMeta(rebaseBox)) })

// rebaseTicked reports whether a person ticked the rebase box of body.
func rebaseTicked(body string) bool { return rebaseTickedRE().MatchString(body) }

var trailerRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(Trailer) + ` ([0-9A-Za-z]+)\s*$`)
})

// trailerHash is the plan hash in a commit message bosun made, or "".
func trailerHash(message string) string {
	m := trailerRE().FindAllStringSubmatch(message, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

func groupMeta(g plan.Group) meta {
	set := map[string]bool{}
	for _, u := range g.Updates {
		set[u.Ref.Key()] = true
	}
	keys := make([]string, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	size := 0
	for _, k := range keys {
		size += len(k) + 3
	}
	if size > maxKeysSize {
		// A huge group: short digests keep the marker within the body limit.
		for i, k := range keys {
			keys[i] = keyDigest(k)
		}
		sort.Strings(keys)
	}
	return meta{Hash: g.Hash, Keys: keys}
}

// maxKeysSize bounds the chart keys written in full in a marker.
const maxKeysSize = 8 << 10

// keyDigest is the short form of a chart key in the marker of a huge group.
func keyDigest(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:6])
}

func (p *publisher) heldBy(keys []string) string {
	var digests map[string]string
	for _, k := range keys {
		if p.failed[k] {
			return k
		}
		if strings.HasPrefix(k, "sha256:") {
			if digests == nil {
				digests = map[string]string{}
				for f := range p.failed {
					digests[keyDigest(f)] = f
				}
			}
			if f, ok := digests[k]; ok {
				return f
			}
		}
	}
	return ""
}

func hasMark(comments []string, mark string) bool {
	return slices.ContainsFunc(comments, func(c string) bool { return strings.Contains(c, mark) })
}

const supersededComment = markSuperseded + "\nbosun closed this pull request: the update is no longer needed (the base branch already has these versions, or the policy no longer proposes them)."

const foreignComment = markForeign + "\nbosun no longer updates this pull request: its branch has commits bosun did not make, and bosun never force-pushes over them. Keep maintaining it by hand, or close it and delete the branch: bosun will then open a fresh one."
