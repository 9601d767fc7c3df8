package pipeline

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/policy"
)

// Lookup lists and describes chart releases (datasource.Datasource).
type Lookup interface {
	Releases(ctx context.Context, src chart.Source, name string) ([]chart.Release, error)
	Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error)
}

// Decider applies the update policy to one reference (policy.Rules).
type Decider interface {
	Decide(ctx context.Context, ref chart.Ref, releases []chart.Release, describe policy.Describer, now time.Time) (policy.Decision, error)
}

// Options tune a run.
type Options struct {
	// Concurrency bounds parallel lookups and decisions; default 8.
	Concurrency int
	// Now is the time release ages are measured against.
	Now          time.Time
	BranchPrefix string
	Logger       *slog.Logger
}

// Skipped is a reference that gets no update, with the reason.
type Skipped struct {
	Ref    chart.Ref
	Reason string // a chart.SkipReason or a policy status ("held", "ignored", …)
	Detail string
}

// Failed is a chart source whose lookup failed in this run.
type Failed struct {
	Source    chart.Source
	Chart     string
	Err       error
	Transient bool
	Refs      []chart.Ref
}

// Result is a complete plan.
type Result struct {
	Decisions []policy.Decision
	Groups    []plan.Group
	Skipped   []Skipped
	Failed    []Failed
	// UpToDate counts references already at the version the policy wants.
	UpToDate int
}

// FailedKeys returns the chart keys (chart.Ref.Key) whose lookup failed.
func (r *Result) FailedKeys() map[string]bool {
	m := map[string]bool{}
	for _, f := range r.Failed {
		for _, ref := range f.Refs {
			m[ref.Key()] = true
		}
	}
	return m
}

type lookupResult struct {
	releases []chart.Release
	err      error
}

// needsLookup reports whether a reference is looked up: clean references,
// and Flux ranges (to say what Flux will deploy).
func needsLookup(r chart.Ref) bool {
	if r.Source.URL == "" || r.Chart == "" {
		return false
	}
	return r.Skip == "" || r.Skip == chart.SkipRange
}

// Plan looks up, decides and groups refs.
func Plan(ctx context.Context, refs []chart.Ref, lookup Lookup, rules Decider, opts Options) *Result {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	log := opts.Logger

	// 1. One lookup per chart source, in parallel.
	type key = string
	bySource := map[key]chart.Ref{}
	for _, r := range refs {
		if needsLookup(r) {
			if _, ok := bySource[r.Key()]; !ok {
				bySource[r.Key()] = r
			}
		}
	}
	results := make(map[key]lookupResult, len(bySource))
	var mu sync.Mutex
	forEach(ctx, opts.Concurrency, slices.Sorted(maps.Keys(bySource)), func(k key) {
		r := bySource[k]
		rels, err := lookup.Releases(ctx, r.Source, r.Chart)
		if err != nil {
			log.Warn("lookup failed", "source", r.Source.URL, "chart", r.Chart, "err", err)
		} else {
			log.Debug("looked up", "source", r.Source.URL, "chart", r.Chart, "releases", len(rels))
		}
		mu.Lock()
		results[k] = lookupResult{rels, err}
		mu.Unlock()
	})

	// 2. Decide each reference.
	res := &Result{}
	decisions := make([]policy.Decision, len(refs))
	errs := make([]error, len(refs))
	idx := make([]int, len(refs))
	for i := range refs {
		idx[i] = i
	}
	forEach(ctx, opts.Concurrency, idx, func(i int) {
		ref := refs[i]
		lr, looked := results[ref.Key()]
		if !needsLookup(ref) {
			lr, looked = lookupResult{}, false
		}
		if looked && lr.err != nil {
			errs[i] = lr.err
			decisions[i] = policy.Decision{Ref: ref, Status: policy.StatusFailed, Reason: lr.err.Error()}
			return
		}
		describe := func(ctx context.Context, r chart.Release) (chart.Release, error) {
			return lookup.Describe(ctx, ref.Source, ref.Chart, r)
		}
		d, err := rules.Decide(ctx, ref, lr.releases, describe, opts.Now)
		if err != nil {
			errs[i] = err
			d = policy.Decision{Ref: ref, Status: policy.StatusFailed, Reason: err.Error()}
		}
		decisions[i] = d
	})
	res.Decisions = decisions

	// 3. Sort the outcome into updates, skips and failures.
	failed := map[string]*Failed{}
	var updates []plan.Update
	for i, d := range decisions {
		ref := refs[i]
		switch {
		case errs[i] != nil:
			f := failed[ref.Key()]
			if f == nil {
				f = &Failed{Source: ref.Source, Chart: ref.Chart, Err: errs[i], Transient: isTransient(errs[i])}
				failed[ref.Key()] = f
			}
			f.Refs = append(f.Refs, ref)
		case d.Status == policy.StatusUpdate && d.To != nil:
			updates = append(updates, d)
		case d.Status == policy.StatusUpToDate:
			res.UpToDate++
		default:
			reason, detail := string(d.Status), d.Reason
			if d.Status == policy.StatusSkipped && ref.Skip != "" {
				reason, detail = string(ref.Skip), ref.SkipDetail
			} else if d.Restrictive != "" {
				detail += "; " + d.Restrictive
			}
			res.Skipped = append(res.Skipped, Skipped{Ref: ref, Reason: reason, Detail: detail})
		}
	}
	for _, f := range failed {
		res.Failed = append(res.Failed, *f)
	}
	sort.Slice(res.Failed, func(i, j int) bool {
		a, b := res.Failed[i], res.Failed[j]
		if a.Source.URL != b.Source.URL {
			return a.Source.URL < b.Source.URL
		}
		return a.Chart < b.Chart
	})
	res.Groups = plan.Build(updates, plan.Options{BranchPrefix: opts.BranchPrefix})
	log.Info("plan done", "refs", len(refs), "sources", len(bySource), "groups", len(res.Groups),
		"updates", len(updates), "skipped", len(res.Skipped), "failed", len(res.Failed))
	return res
}

func isTransient(err error) bool {
	var de *datasource.Error
	return errors.As(err, &de) && de.Transient
}

// forEach runs fn for every item with at most n in flight.
func forEach[T any](ctx context.Context, n int, items []T, fn func(T)) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(it)
		}()
	}
	wg.Wait()
}
