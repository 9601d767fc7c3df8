package evidence

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"

	helmchart "helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/datasource"
)

// Update is one chart update to gather evidence for.
type Update struct {
	Source chart.Source
	Chart  string
	// From and To are the current and the proposed release, as the
	// datasource lists them (Helm HTTP: URLs and Digest; OCI: Tag and, once
	// described, the manifest Digest).
	From, To chart.Release
	// Type classifies the update (major, minor…) for the risk line.
	Type chart.UpdateType
	// Releases are the chart's known releases, in any order; the changelog
	// covers those after From up to To. nil limits it to To.
	Releases []chart.Release
	// Values are the HelmRelease's values (inline spec.values merged with
	// its valuesFrom ConfigMaps); nil when the release sets none.
	Values map[string]any
	// CRDs is the HelmRelease's CRD policy as written.
	CRDs CRDPolicy
	// Clusters are the Kubernetes versions the release is deployed to.
	Clusters []Cluster
}

// CRDPolicy holds a HelmRelease's spec.install.crds and spec.upgrade.crds
// exactly as written; "" means unset (Flux defaults: Create and Skip).
type CRDPolicy struct{ Install, Upgrade string }

// Cluster is a Kubernetes cluster a release runs on.
type Cluster struct {
	Name    string // "" for the only cluster
	Version string // "1.31", "v1.31.2"
}

// Describer fills in a release's details (Changes) when a listing left them
// out, as OCI listings do; datasource.Datasource implements it.
type Describer interface {
	Describe(ctx context.Context, src chart.Source, name string, r chart.Release) (chart.Release, error)
}

// Options tune Analyze. The zero value works.
type Options struct {
	// Describer, when set, describes undescribed releases between From and
	// To so their changelogs show (at most MaxChangelogVersions of them).
	Describer Describer
	// MaxChangelogVersions caps the versions whose changelog is gathered;
	// 0 means 50.
	MaxChangelogVersions int
	// MaxValuesDiff caps the values.yaml diff in bytes; 0 means 20000.
	MaxValuesDiff int
}

// Evidence is what an update changes, for a reviewer.
type Evidence struct {
	Source      chart.Source
	Chart       string
	From, To    string // chart versions
	Type        chart.UpdateType
	AppFrom     string
	AppTo       string
	Deprecated  bool // the proposed version is marked deprecated
	Changelog   []ChangeGroup
	Links       []Link // home and sources of the proposed version
	GitHub      []Link // compare and release-notes links, built without any request
	ValuesDiff  string // unified diff of values.yaml, "" when unchanged or unknown
	DiffTrimmed int    // lines of ValuesDiff left out for size
	SchemaFound bool   // the proposed chart ships values.schema.json
	Violations  []Violation
	RemovedKeys []string // value paths the release sets that the new defaults dropped
	KubeFrom    string   // kubeVersion constraint of the current version
	KubeTo      string   // kubeVersion constraint of the proposed version
	Kube        []KubeCheck
	CRDs        CRDChange
	Notes       []string // evidence that could not be gathered, and why
	NotFetched  bool     // an archive could not be had (too large, or failed)
	HasArchives bool     // both archives were loaded
	// ChangelogCapped is set when older versions' changelogs were left out.
	ChangelogCapped bool
}

// Risk lists the findings a reviewer triages by, most important first:
// the update type, then deprecation, values violations, removed values,
// Kubernetes mismatches, CRD changes and missing evidence. A clean update
// gives only its type.
func (e Evidence) Risk() []string {
	var out []string
	if e.Type != "" {
		out = append(out, string(e.Type))
	}
	if e.Deprecated {
		out = append(out, "deprecated")
	}
	if n := len(e.Violations); n > 0 {
		out = append(out, plural(n, "values violation", "values violations"))
	}
	if n := len(e.RemovedKeys); n > 0 {
		out = append(out, plural(n, "value no longer in the chart", "values no longer in the chart"))
	}
	bad := 0
	for _, k := range e.Kube {
		if !k.OK {
			bad++
		}
	}
	if bad > 0 {
		out = append(out, "kubeVersion mismatch")
	}
	switch {
	case e.CRDs.Warning != "":
		out = append(out, "CRDs changed (not applied by upgrade.crds)")
	case e.CRDs.Changed():
		out = append(out, "CRDs changed")
	}
	if e.NotFetched {
		out = append(out, "evidence incomplete")
	}
	return out
}

// RiskLine is Risk joined with " · ".
func (e Evidence) RiskLine() string { return strings.Join(e.Risk(), " · ") }

// Findings counts what a reviewer must look at: everything in Risk but the
// update type.
func (e Evidence) Findings() int {
	n := len(e.Risk())
	if e.Type != "" {
		n--
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Violation is one values.schema.json failure of the release's values.
type Violation struct {
	Path    string // JSON pointer into the values ("/image/tag"), "" for the root
	Message string
}

// KubeCheck is the proposed chart's kubeVersion against one cluster.
type KubeCheck struct {
	Cluster    string
	Version    string
	Constraint string
	OK         bool
	Err        string // the constraint or version does not parse
}

// Analyze gathers the evidence for u from the two archives. It never fails:
// what cannot be had (an archive over the size cap, a registry error, an
// unparsable chart) becomes a note, and the rest is still reported.
func Analyze(ctx context.Context, archives Archives, u Update, opts Options) Evidence {
	ev := Evidence{Source: u.Source, Chart: u.Chart, From: u.From.Version, To: u.To.Version, Type: u.Type,
		AppFrom: u.From.AppVersion, AppTo: u.To.AppVersion, Deprecated: u.To.Deprecated,
		KubeFrom: u.From.KubeVersion, KubeTo: u.To.KubeVersion}
	var from, to *helmchart.Chart
	var wg sync.WaitGroup
	var errFrom, errTo error
	wg.Add(2)
	go func() { defer wg.Done(); from, errFrom = load(ctx, archives, u.Source, u.Chart, u.From) }()
	go func() { defer wg.Done(); to, errTo = load(ctx, archives, u.Source, u.Chart, u.To) }()
	wg.Wait()
	for _, e := range []struct {
		which string
		err   error
	}{{"current", errFrom}, {"proposed", errTo}} {
		if e.err != nil {
			ev.NotFetched = true
			ev.Notes = append(ev.Notes, fmt.Sprintf("%s chart archive not analysed: %s", e.which, describeErr(e.err)))
		}
	}
	if to != nil {
		ev.AppTo, ev.Deprecated, ev.KubeTo = to.Metadata.AppVersion, to.Metadata.Deprecated, to.Metadata.KubeVersion
		ev.Links = chartLinks(to.Metadata)
	}
	if from != nil {
		ev.AppFrom, ev.KubeFrom = from.Metadata.AppVersion, from.Metadata.KubeVersion
	}
	ev.Changelog, ev.ChangelogCapped = changelog(ctx, u, to, opts)
	ev.GitHub = githubLinks(ev.Links, u.Chart, ev.From, ev.To, ev.AppFrom, ev.AppTo)
	ev.Kube = kubeChecks(ev.KubeTo, u.Clusters) // from the index when the archive is missing
	if to != nil {
		ev.SchemaFound = len(to.Schema) > 0
		if ev.SchemaFound && len(u.Values) > 0 {
			vs, err := validateValues(to.Schema, to.Values, u.Values)
			if err != nil {
				ev.Notes = append(ev.Notes, "values.schema.json not usable: "+err.Error())
			}
			ev.Violations = vs
		}
	}
	if from != nil && to != nil {
		ev.HasArchives = true
		ev.RemovedKeys = removedKeys(u.Values, from.Values, to.Values)
		max := opts.MaxValuesDiff
		if max <= 0 {
			max = 20000
		}
		d, err := valuesDiff(rawFile(from, "values.yaml"), rawFile(to, "values.yaml"), ev.From, ev.To)
		if err != nil {
			ev.Notes = append(ev.Notes, "values diff not computed: "+err.Error())
		}
		ev.ValuesDiff, ev.DiffTrimmed = trimLines(d, max)
		ev.CRDs = compareCRDs(from, to, u.CRDs)
	}
	return ev
}

// AnalyzeAll runs Analyze for every update, at most parallel at a time (0
// means 4), and returns the evidence in the order of updates.
func AnalyzeAll(ctx context.Context, archives Archives, updates []Update, opts Options, parallel int) []Evidence {
	if parallel <= 0 {
		parallel = 4
	}
	out := make([]Evidence, len(updates))
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for i, u := range updates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done(): // Analyze notes the cancellation
			}
			out[i] = Analyze(ctx, archives, u, opts)
		}()
	}
	wg.Wait()
	return out
}

func load(ctx context.Context, archives Archives, src chart.Source, name string, rel chart.Release) (*helmchart.Chart, error) {
	if archives == nil {
		return nil, errors.New("no archive fetcher")
	}
	b, err := archives.Archive(ctx, src, name, rel)
	if err != nil {
		return nil, err
	}
	ch, err := loadArchive(b)
	if err != nil {
		if !errors.Is(err, datasource.ErrTooLarge) {
			err = fmt.Errorf("%w: %w", datasource.ErrInvalid, err)
		}
		return nil, fmt.Errorf("chart %s %s: %w", name, rel.Version, err)
	}
	return ch, nil
}

// maxDecompressed caps a chart archive's decompressed size before helm's
// loader (whose own cap is 100 MiB) holds it all in memory.
const maxDecompressed = 64 << 20

// loadArchive loads a chart with helm's loader after checking its
// decompressed size; a panic inside the loader on hostile input becomes an
// error.
func loadArchive(b []byte) (ch *helmchart.Chart, err error) {
	defer func() {
		if r := recover(); r != nil {
			ch, err = nil, fmt.Errorf("unreadable chart archive: %v", r)
		}
	}()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("not a gzip archive: %w", err)
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, maxDecompressed+1))
	if err != nil {
		return nil, fmt.Errorf("corrupt gzip archive: %w", err)
	}
	if n > maxDecompressed {
		return nil, fmt.Errorf("%w: chart decompresses to over %d bytes", datasource.ErrTooLarge, maxDecompressed)
	}
	ch, err = loader.LoadArchive(bytes.NewReader(b))
	if err == nil && ch.Metadata == nil {
		err = errors.New("chart has no Chart.yaml")
	}
	return ch, err
}

func rawFile(ch *helmchart.Chart, name string) []byte {
	for _, f := range ch.Raw {
		if f.Name == name {
			return f.Data
		}
	}
	return nil
}

// describeErr says briefly why an archive could not be had.
func describeErr(err error) string {
	switch {
	case errors.Is(err, datasource.ErrTooLarge):
		return "over the size limit: " + clip(err.Error(), 500)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "cancelled"
	}
	return clip(strings.TrimSpace(err.Error()), 500)
}
