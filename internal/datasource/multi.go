package datasource

import (
	"context"
	"fmt"

	"github.com/bosunhq/bosun/internal/chart"
)

// Multi dispatches by Source.Kind. A nil or unknown kind yields a permanent
// *Error wrapping ErrUnsupported.
type Multi struct {
	Helm Datasource
	OCI  Datasource
}

// New returns the per-run datasource: dispatch by kind behind a Memo.
func New(helm, oci Datasource) Datasource { return NewMemo(Multi{Helm: helm, OCI: oci}) }

func (m Multi) pick(src chart.Source, name string) (Datasource, error) {
	var d Datasource
	switch src.Kind {
	case chart.SourceHelm:
		d = m.Helm
	case chart.SourceOCI:
		d = m.OCI
	}
	if d == nil {
		return nil, &Error{Source: src, Chart: name, Err: fmt.Errorf("%w: kind %q", ErrUnsupported, src.Kind)}
	}
	return d, nil
}

// Releases implements Datasource.
func (m Multi) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	d, err := m.pick(src, name)
	if err != nil {
		return nil, err
	}
	return d.Releases(ctx, src, name)
}

// Describe implements Datasource.
func (m Multi) Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error) {
	d, err := m.pick(src, name)
	if err != nil {
		return r, err
	}
	return d.Describe(ctx, src, name, r)
}
