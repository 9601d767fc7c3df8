package plan

import "github.com/bosunhq/bosun/internal/rewrite"

// Edits returns the byte edits that carry out updates: the version field,
// and for tag + digest references the digest too, in the same edit set (in
// Flux the digest wins, so a tag moved alone would be a silent no-op).
func Edits(us []Update) []rewrite.Edit {
	var out []rewrite.Edit
	for _, u := range us {
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
