package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/policy"
)

// stageOptions tune the lookup, decide and group stages.
type stageOptions struct {
	// concurrency bounds parallel lookups and decisions; default 8.
	concurrency  int
	now          time.Time
	branchPrefix string
	log          *slog.Logger
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

// decideRefs looks up, decides and groups refs.
func decideRefs(ctx context.Context, refs []chart.Ref, lookup Lookup, rules Decider, opts stageOptions) *Result {
	if opts.concurrency <= 0 {
		opts.concurrency = 8
	}
	if opts.log == nil {
		opts.log = slog.New(slog.DiscardHandler)
	}
	if opts.now.IsZero() {
		opts.now = time.Now()
	}
	looked := lookupSources(ctx, refs, lookup, opts)
	decisions, lower, errs := decideEach(ctx, refs, looked, lookup, rules, opts)
	res := sortOut(refs, decisions, errs)
	res.updates = append(res.updates, lower...)
	res.Groups = plan.Build(res.updates, plan.Options{BranchPrefix: opts.branchPrefix})
	opts.log.Info("plan done", "refs", len(refs), "sources", len(looked), "groups", len(res.Groups),
		"updates", len(res.updates), "skipped", len(res.Skipped), "failed", len(res.Failed))
	return &res.Result
}

// expecter is a Lookup that prepares for the sources it will be asked
// about (one registry token for all of them).
type expecter interface {
	Expect(srcs []chart.Source)
}

// lookupKey is the chart a reference follows, its source URL as written:
// unlike chart.Ref.Key, which is redacted for reports and markers, it
// tells apart sources that differ only in credentials or query values,
// which may well serve different charts.
type lookupKey struct {
	src   chart.Source
	chart string
}

func keyOf(r chart.Ref) lookupKey { return lookupKey{r.Source, r.Chart} }

func compareKeys(a, b lookupKey) int {
	return cmp.Or(cmp.Compare(a.src.Kind, b.src.Kind), cmp.Compare(a.src.URL, b.src.URL), cmp.Compare(a.chart, b.chart))
}

// lookupSources lists the releases of each chart source once, in parallel;
// the result is keyed by lookupKey.
func lookupSources(ctx context.Context, refs []chart.Ref, lookup Lookup, opts stageOptions) map[lookupKey]lookupResult {
	bySource := map[lookupKey]chart.Ref{}
	for _, r := range refs {
		if _, ok := bySource[keyOf(r)]; !ok && needsLookup(r) {
			bySource[keyOf(r)] = r
		}
	}
	keys := slices.SortedFunc(maps.Keys(bySource), compareKeys)
	if e, ok := lookup.(expecter); ok {
		srcs := make([]chart.Source, 0, len(keys))
		for _, k := range keys {
			srcs = append(srcs, bySource[k].Source)
		}
		e.Expect(srcs)
	}
	results := make(map[lookupKey]lookupResult, len(bySource))
	var mu sync.Mutex
	forEach(ctx, opts.concurrency, keys, func(k lookupKey) {
		r := bySource[k]
		rels, err := lookup.Releases(ctx, r.Source, r.Chart)
		// A failure is printed once, by the report of the Result; the
		// debug log keeps it in order with the requests.
		if err != nil {
			opts.log.Debug("lookup failed", "source", r.Source.String(), "chart", r.Chart, "err", err)
		} else {
			opts.log.Debug("looked up", "source", r.Source.String(), "chart", r.Chart, "releases", len(rels))
		}
		mu.Lock()
		results[k] = lookupResult{rels, err}
		mu.Unlock()
	})
	return results
}

// decideEach applies the policy to every reference: decisions[i] is refs[i]'s
// decision (its highest bucket), lower holds the updates of its lower
// buckets (a non-major update next to a major one), and errs[i] is set when
// refs[i] could not be decided (its lookup failed, or describing failed).
func decideEach(ctx context.Context, refs []chart.Ref, looked map[lookupKey]lookupResult, lookup Lookup, rules Decider, opts stageOptions) (decisions, lower []policy.Decision, errs []error) {
	decisions = make([]policy.Decision, len(refs))
	lowers := make([][]policy.Decision, len(refs))
	errs = make([]error, len(refs))
	forEach(ctx, opts.concurrency, indexes(len(refs)), func(i int) {
		ref := refs[i]
		var lr lookupResult
		if needsLookup(ref) {
			lr = looked[keyOf(ref)]
		}
		if lr.err != nil {
			errs[i] = lr.err
			decisions[i] = policy.Decision{Ref: ref, Status: policy.StatusFailed, Reason: lr.err.Error()}
			return
		}
		describe := func(ctx context.Context, r chart.Release) (chart.Release, error) {
			return lookup.Describe(ctx, ref.Source, ref.Chart, r)
		}
		ds, err := rules.DecideBuckets(ctx, ref, lr.releases, describe, opts.now)
		if err != nil || len(ds) == 0 {
			errs[i] = err
			decisions[i] = policy.Decision{Ref: ref, Status: policy.StatusFailed, Reason: fmt.Sprint(err)}
			return
		}
		decisions[i], lowers[i] = ds[0], ds[1:]
	})
	for _, l := range lowers {
		lower = append(lower, l...)
	}
	return decisions, lower, errs
}

// sorted is a Result in the making, with the updates still ungrouped.
type sorted struct {
	Result
	updates []plan.Update
}

// sortOut sorts decisions into updates, skips, up-to-date counts and
// failures (one per chart source, with every reference using it).
func sortOut(refs []chart.Ref, decisions []policy.Decision, errs []error) sorted {
	out := sorted{Result: Result{Decisions: decisions}}
	failed := map[lookupKey]*Failed{}
	for i, d := range decisions {
		ref := refs[i]
		switch {
		case errs[i] != nil:
			f := failed[keyOf(ref)]
			if f == nil {
				f = &Failed{Source: ref.Source, Chart: ref.Chart, Err: errs[i], Transient: isTransient(errs[i])}
				failed[keyOf(ref)] = f
			}
			f.Refs = append(f.Refs, ref)
		case d.Status == policy.StatusUpdate && d.To != nil:
			out.updates = append(out.updates, d)
		case d.Status == policy.StatusUpToDate:
			out.UpToDate++
		default:
			out.Skipped = append(out.Skipped, skipped(ref, d))
		}
	}
	for _, f := range failed {
		out.Failed = append(out.Failed, *f)
	}
	slices.SortFunc(out.Failed, func(a, b Failed) int {
		return cmp.Or(cmp.Compare(a.Source.URL, b.Source.URL), cmp.Compare(a.Chart, b.Chart))
	})
	return out
}

func skipped(ref chart.Ref, d policy.Decision) Skipped {
	reason, detail := string(d.Status), d.Reason
	if d.Status == policy.StatusSkipped && ref.Skip != "" {
		reason, detail = string(ref.Skip), ref.SkipDetail
	} else if d.Restrictive != "" {
		detail += "; " + d.Restrictive
	}
	return Skipped{Ref: ref, Reason: reason, Detail: detail}
}

func isTransient(err error) bool {
	var de *datasource.Error
	return errors.As(err, &de) && de.Transient
}

func indexes(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// forEach runs fn for every item with at most n in flight; once ctx is
// done it starts no more.
func forEach[T any](ctx context.Context, n int, items []T, fn func(T)) {
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, it := range items {
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(it)
		}()
	}
	wg.Wait()
}
