package plan

import "github.com/bosunhq/bosun/internal/rewrite"

// Edits returns the byte edits that carry out updates: the version field,
// and for tag + digest references the digest too, in the same edit set (in
// Flux the digest wins, so a tag moved alone would be a silent no-op).
//
// A field written once may have updates in several buckets (the newest
// non-major and the newest major): applied together, each field moves once,
// to the highest version among them.
func Edits(us []Update) []rewrite.Edit {
	var out []rewrite.Edit
	for _, u := range highestPerField(us) {
		if u.NewValue != u.Ref.Version {
			out = append(out, rewrite.Edit{
				File: u.Ref.Loc.File, Start: u.Ref.Loc.Start, End: u.Ref.Loc.End,
				Old: u.Ref.Version, New: u.NewValue, Line: u.Ref.Loc.Line,
			})
		}
		if d := u.Ref.DigestLoc; d != nil && u.NewDigest != "" && u.NewDigest != u.Ref.Digest {
			out = append(out, rewrite.Edit{
				File: d.File, Start: d.Start, End: d.End,
				Old: u.Ref.Digest, New: u.NewDigest, Line: d.Line,
			})
		}
	}
	return out
}

// highestPerField keeps, of the updates editing the same version field, the
// one moving to the highest version; the order is otherwise kept.
func highestPerField(us []Update) []Update {
	type field struct {
		file       string
		start, end int
	}
	best := map[field]int{}
	for i, u := range us {
		f := field{u.Ref.Loc.File, u.Ref.Loc.Start, u.Ref.Loc.End}
		j, seen := best[f]
		if !seen || (u.To != nil && us[j].To != nil && compareVersions(u.To.Version, us[j].To.Version) > 0) {
			best[f] = i
		}
	}
	out := make([]Update, 0, len(best))
	for i, u := range us {
		if best[field{u.Ref.Loc.File, u.Ref.Loc.Start, u.Ref.Loc.End}] == i {
			out = append(out, u)
		}
	}
	return out
}
