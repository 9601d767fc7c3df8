package pipeline

import (
	"context"
	"fmt"

	"github.com/bosunhq/bosun/internal/chart"
)

// Versions lists what src offers for chart name, newest first, describing
// at most limit of the newest undescribed releases (0 = all): for OCI each
// description reads a manifest.
func Versions(ctx context.Context, lookup Lookup, src chart.Source, name string, limit int) ([]chart.Release, error) {
	rels, err := lookup.Releases(ctx, src, name)
	if err != nil {
		return nil, err
	}
	out := make([]chart.Release, 0, len(rels))
	for i, r := range rels {
		if !r.Described && (limit == 0 || i < limit) {
			d, err := lookup.Describe(ctx, src, name, r)
			if err != nil {
				return nil, fmt.Errorf("describe %s: %w", r.Version, err)
			}
			r = d
		}
		out = append(out, r)
	}
	return out, nil
}
