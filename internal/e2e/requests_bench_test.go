package e2e

import (
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

// A cold `bosun plan` with the text report, under a policy that needs no
// release date or digest, sends at most two requests per OCI source (its
// tag list and the chosen candidate's manifest, which proves it is a Helm
// chart) and one per Helm repository (its index), and no config blob. A
// warm run sends the same requests, every one conditional and answered
// 304 Not Modified.
func TestPlan_requestBudget(t *testing.T) {
	for _, repo := range repos {
		t.Run(repo, func(t *testing.T) {
			fx := getFixture(t, repo)
			w := newWorld(t, fx)
			oci, helm := sourcesOf(fx.refs)

			mustPlan(t, "plan", "--no-cache", w.dir)
			cold, _ := w.count.take()
			per := map[string]map[string]int{}
			for _, r := range cold {
				if r.status != http.StatusOK {
					t.Errorf("cold: %s %s answered %d", r.kind, r.repo, r.status)
				}
				if per[r.repo] == nil {
					per[r.repo] = map[string]int{}
				}
				per[r.repo][r.kind]++
			}
			var ociSeen, helmSeen int
			for _, repo := range slices.Sorted(maps.Keys(per)) {
				n := per[repo]
				switch {
				case n["index"] > 0:
					helmSeen++
					if n["index"] != 1 || len(n) != 1 {
						t.Errorf("Helm repository %s: %v, want one index request", repo, n)
					}
				case n["tags"] > 0:
					ociSeen++
					if n["tags"] != 1 || n["manifest"] > 1 || len(n) > 2 || n["tags"]+n["manifest"] > 2 {
						t.Errorf("OCI repository %s: %v, want the tag list and at most one manifest", repo, n)
					}
				default:
					t.Errorf("%s: %v, requests of no source", repo, n)
				}
			}
			if ociSeen != oci || helmSeen != helm {
				t.Errorf("requests reached %d OCI and %d Helm repositories, want %d and %d", ociSeen, helmSeen, oci, helm)
			}
			t.Logf("cold: %d requests: %v", len(cold), byKind(cold))

			cache := t.TempDir()
			mustPlan(t, "plan", "--cache-dir", cache, w.dir)
			w.count.take()
			mustPlan(t, "plan", "--cache-dir", cache, w.dir)
			warm, _ := w.count.take()
			for _, r := range warm {
				if r.status != http.StatusNotModified {
					t.Errorf("warm: %s %s answered %d, want 304", r.kind, r.repo, r.status)
				}
			}
			if got, want := requestSet(warm), requestSet(cold); got != want {
				t.Errorf("warm requests differ from cold ones:\nwarm %s\ncold %s", got, want)
			}
		})
	}
}

// sourcesOf counts the distinct OCI sources (one repository per chart) and
// Helm repositories that plan looks up.
func sourcesOf(refs []chart.Ref) (oci, helm int) {
	seen := map[string]bool{}
	for _, r := range refs {
		if r.Skip != "" || r.Source.URL == "" || seen[r.Key()] {
			continue
		}
		seen[r.Key()] = true
		if r.Source.Kind == chart.SourceOCI {
			oci++
		}
	}
	urls := map[string]bool{}
	for _, r := range refs {
		if r.Skip == "" && r.Source.Kind == chart.SourceHelm {
			urls[r.Source.URL] = true
		}
	}
	return oci, len(urls)
}

// requestSet lists requests by kind and repository, sorted.
func requestSet(reqs []countedRequest) string {
	s := make([]string, len(reqs))
	for i, r := range reqs {
		s[i] = r.kind + " " + r.repo
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

func mustPlan(t *testing.T, args ...string) {
	t.Helper()
	r := runBosun(t, args...)
	if r.code != 0 {
		t.Fatalf("bosun %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
}
