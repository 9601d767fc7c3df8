package datasource

import (
	"context"
	"fmt"

	"github.com/bosunhq/bosun/internal/chart"
)

// lister is what Multi and Memo need of a chart source implementation
// (helmrepo.Source, ocirepo.Source): the consumer's view, declared here.
type lister interface {
	// Releases lists every published version of chart name in src. It may
	// return releases with Described=false when details cost a request each
	// (OCI); Describe fills them in.
	Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error)
	// Describe returns r with its details filled in (Created, AppVersion,
	// Digest, NotChart...). It is called only for candidate versions.
	Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error)
}

// Multi dispatches by Source.Kind. A nil or unknown kind yields a permanent
// *Error wrapping ErrUnsupported.
type Multi struct {
	Helm lister
	OCI  lister
}

// New returns the per-run lookup: dispatch by kind behind a Memo, which is
// the only memo of a run (the implementations memoize nothing but what they
// share between sources, such as a Helm index serving many charts).
func New(helm, oci lister, opts ...Option) *Memo {
	return NewMemo(Multi{Helm: helm, OCI: oci}, opts...)
}

func (m Multi) pick(src chart.Source, name string) (lister, error) {
	var d lister
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

// Releases lists the releases of name in src with the implementation for
// src.Kind.
func (m Multi) Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error) {
	d, err := m.pick(src, name)
	if err != nil {
		return nil, err
	}
	return d.Releases(ctx, src, name)
}

// Describe describes r with the implementation for src.Kind.
func (m Multi) Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error) {
	d, err := m.pick(src, name)
	if err != nil {
		return r, err
	}
	return d.Describe(ctx, src, name, r)
}

// expecter is a lister that prepares for the sources a run will look up
// (ocirepo.Source shares one registry token among them).
type expecter interface {
	Expect(srcs []chart.Source)
}

// Expect tells the implementations that prepare for a run which sources
// it will look up.
func (m Multi) Expect(srcs []chart.Source) {
	for _, l := range []lister{m.Helm, m.OCI} {
		if e, ok := l.(expecter); ok {
			e.Expect(srcs)
		}
	}
}
