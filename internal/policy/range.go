package policy

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/versioning"
)

// decideRange handles a version field holding a constraint, which Flux
// resolves itself to the highest release satisfying it (pre-releases only
// when the constraint names one).
func (e *evaluation) decideRange(ctx context.Context, d Decision) (Decision, error) {
	c, err := versioning.ParseConstraint(e.ref.Version)
	if err != nil {
		return e.fail(d, err)
	}
	var inRange *candidate
	for i := range e.cands {
		if !e.cands[i].rel.NotChart && c.Check(e.cands[i].v) {
			inRange = &e.cands[i]
			break
		}
	}
	var cur *semver.Version
	curPre := false
	deploys := "no release satisfies " + e.ref.Version
	if inRange != nil {
		cur = inRange.v
		curPre = cur.Prerelease() != ""
		rel := inRange.rel
		d.From = &rel
		deploys = "Flux will deploy " + rel.Version
	}
	newer := func(x candidate) bool { return cur == nil || x.v.GreaterThan(cur) }
	var notes []string
	if n := e.deprecatedNote(); n != "" {
		notes = append(notes, n)
	}
	res, _ := e.r.effective(e.ref, "")
	strategy := rangeStrategy(res.s.RangeStrategy)
	if strategy == RangeKeep {
		// Report only: the newest release the policy would allow, without
		// describing candidates (no age or content checks).
		e.cheap = true
	}
	best, typ, passed, held, err := e.choose(ctx, cur, curPre, newer)
	e.cheap = false
	if err != nil {
		return e.fail(d, err)
	}
	switch {
	case best != nil && strategy == RangeKeep:
		d.Status = StatusOutOfRange
		d.Type = typ
		d.Reason = join(fmt.Sprintf("out-of-range: newest is %s, %s (rangeStrategy keep, %s)", best.rel.Version, deploys, res.why("rangeStrategy")), "", notes)
		return d, nil
	case best != nil:
		var nv string
		if strategy == RangeWiden {
			nv, err = WidenRange(e.ref.Version, best.v)
		} else {
			nv, err = ReplaceRange(e.ref.Version, best.v)
		}
		if err != nil {
			return e.fail(d, err)
		}
		d.Status = StatusUpdate
		d.Type = typ
		d.To = &best.rel
		d.NewValue = nv
		d.Reason = join(fmt.Sprintf("%s update: %s range %q → %q for %s (was: %s)", typ, strategy, e.ref.Version, nv, best.rel.Version, deploys), passedNote(passed), notes)
		return d, nil
	case held:
		d.Status = StatusHeld
		d.Reason = join(passed[0]+", "+deploys, passedNote(passed[1:]), notes)
		return d, nil
	case inRange == nil:
		d.Status = StatusOutOfRange
		d.Reason = join("out-of-range: "+deploys, passedNote(passed), notes)
		return d, nil
	default:
		d.Status = StatusInRange
		d.Reason = join("in-range: "+deploys, passedNote(passed), notes)
		return d, nil
	}
}

var (
	upperBound = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<=?\s*v?[0-9][^\s,|]*`) })
	singleTerm = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(\^|~>|~|=|>=)?\s*(v?)([0-9xX*]+(?:\.[0-9xX*]+){0,2})$`)
	})
)

// WidenRange returns constraint widened to admit v: a single upper bound
// "<X" becomes "<(v.major+1).0.0" and "<=X" becomes "<=v"; any other
// constraint gets " || ^v" appended. The result is checked to admit v.
//
//	">=1.0.0 <2.0.0" → ">=1.0.0 <3.0.0" (for 2.1.0)
//	"1.x"            → "1.x || ^2.1.0"
func WidenRange(constraint string, v *semver.Version) (string, error) {
	s := strings.TrimSpace(constraint)
	var out string
	if !strings.Contains(s, "||") {
		if m := upperBound().FindAllStringIndex(s, -1); len(m) == 1 {
			bound := s[m[0][0]:m[0][1]]
			nb := fmt.Sprintf("<%d.0.0", v.Major()+1)
			if strings.HasPrefix(bound, "<=") {
				nb = "<=" + v.Original()
			}
			out = s[:m[0][0]] + nb + s[m[0][1]:]
			if !admits(out, v) {
				out = ""
			}
		}
	}
	if out == "" {
		out = s + " || ^" + v.Original()
	}
	if !admits(out, v) {
		return "", fmt.Errorf("widen range %q to %s: result %q does not admit it", constraint, v.Original(), out)
	}
	return out, nil
}

// ReplaceRange returns a range of the same shape as constraint around v:
// "^1.2.0" → "^2.1.0", "~1.2.0" → "~2.1.0", ">=1.0.0" → ">=2.1.0",
// "1.x" → "2.x", "1.2.x" → "2.1.x", "1.2" → "2.1". A constraint of any
// other shape (several terms, "||") becomes "^v". The result is checked to
// admit v.
func ReplaceRange(constraint string, v *semver.Version) (string, error) {
	s := strings.TrimSpace(constraint)
	var out string
	if m := singleTerm().FindStringSubmatch(s); m != nil {
		op, prefix, ver := m[1], m[2], m[3]
		parts := strings.Split(ver, ".")
		wild := false
		for _, p := range parts {
			if p == "x" || p == "X" || p == "*" {
				wild = true
			}
		}
		switch {
		case op == "" && (wild || len(parts) < 3):
			nums := []uint64{v.Major(), v.Minor(), v.Patch()}
			for i, p := range parts {
				if p != "x" && p != "X" && p != "*" {
					parts[i] = fmt.Sprint(nums[i])
				}
			}
			out = prefix + strings.Join(parts, ".")
		case !wild && len(parts) == 3:
			out = op + v.Original()
		}
	}
	if out == "" || !admits(out, v) {
		out = "^" + v.Original()
	}
	if !admits(out, v) {
		return "", fmt.Errorf("replace range %q with %s: result %q does not admit it", constraint, v.Original(), out)
	}
	return out, nil
}

func admits(constraint string, v *semver.Version) bool {
	c, err := versioning.ParseConstraint(constraint)
	if err != nil {
		return false
	}
	c.IncludePrerelease = v.Prerelease() != ""
	return c.Check(v)
}
