package app

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/config"
	"github.com/bosunhq/bosun/internal/datasource/ocirepo"
	"github.com/bosunhq/bosun/internal/evidence"
	"github.com/bosunhq/bosun/internal/manifest"
	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/plan"
	"github.com/bosunhq/bosun/internal/report"
)

// evidenceRun gathers the evidence of one run's updates. It keeps the
// lookup the pipeline built, so chart archives come through the same HTTP
// client (the same per-host limits and retries) and the changelog reads
// the releases the lookup already listed, without another request.
type evidenceRun struct {
	deps *Deps
	kit  *lookupKit
	cfg  *config.Config
	once sync.Once
	// byGroup is the evidence by group branch, once gathered.
	byGroup map[string][]evidence.Evidence
}

// runPipelineEvidence is runPipeline, also returning what gathers the
// plan's evidence (pull request bodies of `bosun run`, `plan -o markdown
// --evidence`). Nothing is downloaded until gather or groupBody runs.
func (d *Deps) runPipelineEvidence(ctx context.Context, dir string, lo lookupOptions) (*pipeline.Result, *evidenceRun, error) {
	ev := &evidenceRun{deps: d}
	res, err := d.runPipelineKeep(ctx, dir, lo, func(cfg *config.Config, kit *lookupKit) { ev.cfg, ev.kit = cfg, kit })
	return res, ev, err
}

// groupBody returns the pull request body renderer of `bosun run`: the
// group's table, policy and notes (report.WriteGroupMarkdown) followed by
// the evidence of each update. The evidence of every update of the plan is
// gathered on the first call, archives downloaded in parallel, each at most
// once.
func (e *evidenceRun) groupBody(ctx context.Context, dir string, p *pipeline.Result, now time.Time) func(plan.Group) string {
	return func(g plan.Group) string {
		var b strings.Builder
		report.WriteGroupMarkdownEvidence(&b, g, now, e.gather(ctx, dir, p)[g.Branch])
		return b.String()
	}
}

// evidenceOf is gather as report's EvidenceOf.
func (e *evidenceRun) evidenceOf(ctx context.Context, dir string, p *pipeline.Result) report.EvidenceOf {
	byGroup := e.gather(ctx, dir, p)
	return func(g plan.Group) []evidence.Evidence { return byGroup[g.Branch] }
}

// gather analyses every update of the plan (at most once per run) and
// returns its evidence by group branch, in the order of each group's
// updates. Problems (an archive too large or unreachable, a release's
// values unreadable) are notes in the evidence, never errors.
func (e *evidenceRun) gather(ctx context.Context, dir string, p *pipeline.Result) map[string][]evidence.Evidence {
	e.once.Do(func() { e.byGroup = e.analyze(ctx, dir, p) })
	return e.byGroup
}

func (e *evidenceRun) analyze(ctx context.Context, dir string, p *pipeline.Result) map[string][]evidence.Evidence {
	byGroup := map[string][]evidence.Evidence{}
	if e.kit == nil || e.cfg == nil || len(p.Groups) == 0 {
		return byGroup
	}
	repo, err := manifest.Load(ctx, dir, manifest.Options{Ignore: e.cfg.Ignore, NoGit: e.deps.global.NoGit, Logger: e.deps.Logger})
	if err != nil {
		e.deps.Logger.Warn("release values not read: the values checks are left out", "err", err)
	}
	releases := evidence.NewReleases(dir, repo)
	var updates []evidence.Update
	var notes [][]string
	var branches []string
	for _, g := range p.Groups {
		for _, u := range g.Updates {
			eu, n := e.update(ctx, u, releases)
			updates = append(updates, eu)
			notes = append(notes, n)
			branches = append(branches, g.Branch)
		}
	}
	fetcher := e.fetcher()
	evs := evidence.AnalyzeAll(ctx, fetcher, updates, evidence.Options{Describer: e.kit.lookup}, e.cfg.Lookup.Concurrency)
	for i, ev := range evs {
		ev.Notes = append(ev.Notes, notes[i]...)
		byGroup[branches[i]] = append(byGroup[branches[i]], ev)
	}
	return byGroup
}

// fetcher builds the archive fetcher of the run: the lookup's client, hosts
// and credentials, lookup.maxChartSize, the cache directory.
func (e *evidenceRun) fetcher() *evidence.Fetcher {
	opts := evidence.FetcherOptions{
		Client:          e.kit.client,
		Hosts:           e.kit.hosts,
		HelmCredentials: e.kit.helmCreds,
		OCICredentials:  e.kit.ociCreds,
		MaxArchiveSize:  e.cfg.Lookup.MaxChartSize.Bytes(),
		Concurrency:     e.cfg.Lookup.Concurrency,
		CacheDir:        e.kit.cacheDir,
		Logger:          e.deps.Logger,
	}
	if opts.HelmCredentials == nil {
		opts.HelmCredentials = urlCredentials
	}
	if opts.OCICredentials == nil {
		if creds, err := ocirepo.DockerCredentials(e.deps.Getenv); err == nil {
			opts.OCICredentials = creds
		} else {
			e.deps.Logger.Warn("registry credentials not read: chart archives are fetched anonymously", "err", err)
		}
	}
	return evidence.NewFetcher(opts)
}

// urlCredentials are the userinfo of a Helm repository URL, which the
// lookup authenticates with too.
func urlCredentials(repoURL string) (string, string, bool) {
	u, err := url.Parse(repoURL)
	if err != nil || u.User == nil {
		return "", "", false
	}
	pass, _ := u.User.Password()
	return u.User.Username(), pass, true
}

// update is the evidence input of one planned update, and notes about what
// of the release could not be read.
func (e *evidenceRun) update(ctx context.Context, u plan.Update, rv *evidence.Releases) (evidence.Update, []string) {
	eu := evidence.Update{Source: u.Ref.Source, Chart: u.Ref.Chart, Type: u.Type}
	if u.To != nil {
		eu.To = *u.To
	}
	if u.From != nil {
		eu.From = *u.From
	} else {
		eu.From = chart.Release{Version: u.Ref.Version}
	}
	if rs, err := e.kit.lookup.Releases(ctx, u.Ref.Source, u.Ref.Chart); err == nil {
		eu.Releases = rs
	}
	if v := e.cfg.KubernetesVersion; v != "" {
		eu.Clusters = []evidence.Cluster{{Version: v}}
	}
	var notes []string
	if hr := rv.For(u.Ref); hr != nil {
		eu.Values, eu.CRDs, notes = hr.Values, hr.CRDs, hr.Notes
	}
	return eu, notes
}
