package e2e

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/bosunhq/bosun/internal/chart"
)

// TestPlan_Corpus runs `bosun plan -o json` on copies of the corpus
// repositories under several policies and checks every reference against
// an expectation computed from what the upstream publishes.
func TestPlan_Corpus(t *testing.T) {
	t.Parallel()
	for _, repo := range repos {
		t.Run(repo, func(t *testing.T) {
			t.Parallel()
			fx := getFixture(t, repo)
			for _, n := range fx.notes {
				t.Logf("fixture: %s", n)
			}
			for _, pc := range policies {
				t.Run(pc.name, func(t *testing.T) {
					t.Parallel()
					dir := fx.copyTo(t)
					fx.writeConfig(t, dir, pc.yaml)
					r := runBosun(t, "plan", "-o", "json", "--no-cache", "--detailed-exitcode", dir)
					var doc planDoc
					if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
						t.Fatalf("plan output is not JSON (exit %d): %v\nstderr:\n%s", r.code, err, r.stderr)
					}
					checkPlan(t, fx, pc, doc, r)
				})
			}
		})
	}
}

// wantPlan computes the updates each clean ref should get, keyed by
// bucketKey: its newest allowed release and, when that is a major update,
// also its newest allowed non-major release (each in its own bucket, as
// Renovate proposes them). Refs absent from the map are up to date.
func wantPlan(fx *fixture, pc policyCase) map[string]expected {
	want := map[string]expected{}
	for _, ref := range fx.refs {
		if ref.Skip != "" {
			continue
		}
		allowed := pc.allowedFor(ref)
		e, ok := expect(ref, fx.published[ref.Key()], allowed)
		if !ok {
			continue
		}
		want[bucketKey(idOf(ref), string(e.typ))] = e
		if e.typ == chart.UpdateMajor {
			minor := slices.DeleteFunc(slices.Clone(allowed), func(t chart.UpdateType) bool { return t == chart.UpdateMajor })
			if n, ok := expect(ref, fx.published[ref.Key()], minor); ok {
				want[bucketKey(idOf(ref), string(n.typ))] = n
			}
		}
	}
	return want
}

// bucketKey names one update of a ref: majors and non-majors are proposed
// apart.
func bucketKey(id, typ string) string {
	if typ == string(chart.UpdateMajor) {
		return id + " (major)"
	}
	return id + " (non-major)"
}

func checkPlan(t *testing.T, fx *fixture, pc policyCase, doc planDoc, r runResult) {
	t.Helper()
	want := wantPlan(fx, pc)
	wantCode := 0
	if len(want) > 0 {
		wantCode = 4
	}
	if r.code != wantCode {
		t.Errorf("exit code = %d, want %d (%d updates expected); stderr:\n%s", r.code, wantCode, len(want), r.stderr)
	}
	if doc.SchemaVersion != 1 {
		t.Errorf("schemaVersion = %d, want 1", doc.SchemaVersion)
	}
	if len(doc.Failed) != 0 || len(doc.Errors) != 0 {
		t.Errorf("failed = %+v, errors = %+v; want none", doc.Failed, doc.Errors)
	}

	refs := map[string]chart.Ref{}
	for _, ref := range fx.refs {
		id := idOf(ref)
		if _, dup := refs[id]; dup {
			t.Fatalf("two scanned refs share the ID %s: the test cannot match them", id)
		}
		refs[id] = ref
	}

	// Every update names a scanned ref, once per bucket.
	updated := map[string]updateJSON{}
	updatedRefs := map[string]bool{}
	branchOf := map[string]string{}
	for _, g := range doc.Groups {
		for _, u := range g.Updates {
			id := refID(u.File, u.Line, u.Kind, u.Name)
			if _, ok := refs[id]; !ok {
				t.Errorf("group %s updates %s, which the scan did not find", g.Branch, id)
				continue
			}
			k := bucketKey(id, u.Type)
			if _, dup := updated[k]; dup {
				t.Errorf("%s is updated twice (again in %s)", k, g.Branch)
			}
			updated[k], updatedRefs[id] = u, true
			branchOf[k] = g.Branch
		}
	}
	// Every skip names a scanned ref, has a reason, is not also updated, and
	// is not a clean ref (none of these policies holds or ignores anything).
	skipped := map[string]bool{}
	for _, s := range doc.Skipped {
		id := refID(s.File, s.Line, s.Kind, s.Name)
		ref, ok := refs[id]
		switch {
		case !ok:
			t.Errorf("skipped %s, which the scan did not find", id)
		case s.Reason == "":
			t.Errorf("skipped %s without a reason", id)
		case ref.Skip == "":
			t.Errorf("clean ref %s skipped: %s: %s", id, s.Reason, s.Detail)
		}
		if updatedRefs[id] {
			t.Errorf("%s is both updated and skipped", id)
		}
		if skipped[id] {
			t.Errorf("%s is skipped twice", id)
		}
		skipped[id] = true
	}

	// Exactly the expected versions for every clean ref, per bucket.
	upToDate := 0
	for id, ref := range refs {
		if ref.Skip != "" {
			if !skipped[id] {
				t.Errorf("%s has skip reason %q but is not listed as skipped", id, ref.Skip)
			}
			continue
		}
		if !updatedRefs[id] && want[bucketKey(id, "major")] == (expected{}) && want[bucketKey(id, "minor")] == (expected{}) {
			upToDate++
		}
		for _, k := range []string{bucketKey(id, "major"), bucketKey(id, "minor")} {
			e, wantUpdate := want[k]
			u, gotUpdate := updated[k]
			switch {
			case !wantUpdate && gotUpdate:
				t.Errorf("%s (%s %s in %v): got update to %s (%s), want none (published %v)", k, ref.Chart, ref.Version, ref.Namespaces, u.To, u.Type, fx.published[ref.Key()])
			case !wantUpdate:
			case !gotUpdate:
				t.Errorf("%s (%s %s in %v): no update, want %s (%s)", k, ref.Chart, ref.Version, ref.Namespaces, e.to, e.typ)
			default:
				got := updateJSON{From: u.From, To: u.To, NewValue: u.NewValue, Type: u.Type, Chart: u.Chart, Source: u.Source, Namespaces: u.Namespaces}
				wantU := updateJSON{From: ref.Version, To: e.to, NewValue: newValueOf(ref, e.to), Type: string(e.typ), Chart: ref.Chart, Source: ref.Source, Namespaces: nonNil(ref.Namespaces)}
				if diff := cmp.Diff(wantU, got); diff != "" {
					t.Errorf("%s update mismatch (-want +got):\n%s", k, diff)
				}
			}
		}
	}
	if got, want := len(updatedRefs)+len(skipped)+doc.Summary.UpToDate, len(fx.refs); got != want {
		t.Errorf("updated %d + skipped %d + up to date %d = %d, want the %d scanned refs", len(updatedRefs), len(skipped), doc.Summary.UpToDate, got, want)
	}
	if doc.Summary.References != len(fx.refs) || doc.Summary.UpToDate != upToDate || doc.Summary.Updates != len(want) || doc.Summary.Groups != len(doc.Groups) {
		t.Errorf("summary = %+v, want %d references, %d updates, %d up to date, %d groups", doc.Summary, len(fx.refs), len(want), upToDate, len(doc.Groups))
	}
	checkGroups(t, doc, refs, want)
	types := map[string]int{}
	for _, u := range updated {
		types[u.Type]++
	}
	t.Logf("%d refs: %d updates %v in %d groups, %d up to date, %d skipped", len(fx.refs), len(updated), types, len(doc.Groups), upToDate, len(skipped))
}

// checkGroups asserts one group per chart and major/non-major split, named
// after the chart, and app-template's exact branches.
func checkGroups(t *testing.T, doc planDoc, refs map[string]chart.Ref, want map[string]expected) {
	t.Helper()
	type split struct {
		key   string
		major bool
	}
	groupOf := map[split]string{}
	for _, g := range doc.Groups {
		keys := map[string]bool{}
		largest := ""
		for _, u := range g.Updates {
			ref := refs[refID(u.File, u.Line, u.Kind, u.Name)]
			keys[ref.Key()] = true
			major := u.Type == string(chart.UpdateMajor)
			// "-major" ends the branch, or precedes the host that
			// disambiguates two charts of the same name.
			majorBranch := strings.HasSuffix(g.Branch, "-major") || strings.Contains(g.Branch, "-major-")
			if major != majorBranch {
				t.Errorf("group %s holds a %s update of %s", g.Branch, u.Type, u.Chart)
			}
			if rank(u.Type) > rank(largest) {
				largest = u.Type
			}
			s := split{ref.Key(), major}
			if b, ok := groupOf[s]; ok && b != g.Branch {
				t.Errorf("%s updates (major %v) split over %s and %s", ref.Key(), major, b, g.Branch)
			}
			groupOf[s] = g.Branch
			if !strings.HasPrefix(strings.TrimPrefix(g.Branch, "bosun/"), slugish(u.Chart)) {
				t.Errorf("group %s holds chart %s", g.Branch, u.Chart)
			}
		}
		if len(keys) != 1 {
			t.Errorf("group %s mixes charts %v", g.Branch, slices.Sorted(maps.Keys(keys)))
		}
		if g.Type != largest {
			t.Errorf("group %s type = %s, want its largest update type %s", g.Branch, g.Type, largest)
		}
	}
	// One group per chart and split, named after the chart: for app-template,
	// pinned in many files, bosun/app-template holds every non-major update
	// and bosun/app-template-major every major one. Charts whose name two
	// sources share get a host suffix and are left out.
	sources := map[string]map[string]bool{}
	for _, ref := range refs {
		if sources[ref.Chart] == nil {
			sources[ref.Chart] = map[string]bool{}
		}
		sources[ref.Chart][ref.Key()] = true
	}
	wantBranch, gotBranch := map[string]int{}, map[string]int{}
	for k, e := range want {
		ref := refs[strings.TrimSuffix(strings.TrimSuffix(k, " (major)"), " (non-major)")]
		if len(sources[ref.Chart]) != 1 {
			continue
		}
		b := "bosun/" + slugish(ref.Chart)
		if e.typ == chart.UpdateMajor {
			b += "-major"
		}
		wantBranch[b]++
	}
	for _, g := range doc.Groups {
		for _, u := range g.Updates {
			if len(sources[u.Chart]) == 1 {
				gotBranch[g.Branch]++
			}
		}
	}
	if diff := cmp.Diff(wantBranch, gotBranch); diff != "" {
		t.Errorf("updates per branch mismatch (-want +got):\n%s", diff)
	}
	for _, b := range []string{"bosun/app-template", "bosun/app-template-major"} {
		if n, ok := wantBranch[b]; ok {
			t.Logf("%s: %d app-template updates", b, n)
		}
	}
}

func rank(t string) int {
	return map[string]int{"digest": 1, "patch": 2, "minor": 3, "major": 4}[t]
}

// slugish lower-cases a chart name as branch names do for plain names.
func slugish(s string) string { return strings.ToLower(s) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
