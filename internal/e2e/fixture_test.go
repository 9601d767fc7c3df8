package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Masterminds/semver/v3"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/flux"
	"github.com/bosunhq/bosun/internal/testutil/corpus"
	"github.com/bosunhq/bosun/internal/upstream"
)

// repos are the corpus repositories the tests run on.
var repos = corpus.HomeOps

// releaseAge is how old every published release is: far beyond any
// minimum age, and measured against the real clock app.Main uses.
const releaseAge = 30 * 24 * time.Hour

// Synthetic namespaces of the shared OCIRepositories the fixture adds, so
// that refs landing in several namespaces are exercised (the corpus has none).
var sharedNamespaces = map[string][]string{
	"e2e-shared-infra": {"e2e-apps", "kube-system"},
	"e2e-shared-dev":   {"dev-e2e", "e2e-apps"},
}

// fixture is one corpus repository prepared for the tests: a pristine
// template copy (the corpus plus a few perturbations), its scanned refs, and
// an upstream publishing every chart it uses.
type fixture struct {
	name     string
	template string
	refs     []chart.Ref
	// published maps Ref.Key() to every version string published for it.
	published map[string][]string
	up        *upstream.Upstream
	// notes says what the fixture changed in its copy of the corpus.
	notes []string
	// crlfFile and execFile are files holding a ref that were converted to
	// CRLF line endings and made executable.
	crlfFile, execFile string
}

type fixtureOnce struct {
	once sync.Once
	f    *fixture
	err  error
}

var (
	fixMu    sync.Mutex
	fixtures = map[string]*fixtureOnce{}
)

func TestMain(m *testing.M) {
	code := m.Run()
	fixMu.Lock()
	for _, fo := range fixtures {
		if fo.f != nil {
			fo.f.up.Close()
			os.RemoveAll(fo.f.template)
		}
	}
	fixMu.Unlock()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// getFixture returns the shared fixture of a corpus repository, building it
// on first use; it skips when the corpus is absent.
func getFixture(tb testing.TB, name string) *fixture {
	tb.Helper()
	src := corpus.Repo(tb, name)
	fixMu.Lock()
	fo := fixtures[name]
	if fo == nil {
		fo = &fixtureOnce{}
		fixtures[name] = fo
	}
	fixMu.Unlock()
	fo.once.Do(func() { fo.f, fo.err = newFixture(context.Background(), name, src) })
	if fo.err != nil {
		tb.Fatalf("fixture %s: %v", name, fo.err)
	}
	return fo.f
}

// copyTo copies the fixture's template into a fresh temporary directory.
func (f *fixture) copyTo(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	if err := copyTree(f.template, dir); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// writeConfig writes bosun.yaml into dir: the upstream mirrors plus policy.
func (f *fixture) writeConfig(tb testing.TB, dir, policy string) {
	tb.Helper()
	cfg := "version: 1\n" + f.up.RegistriesYAML() + policy
	if err := os.WriteFile(filepath.Join(dir, "bosun.yaml"), []byte(cfg), 0o644); err != nil {
		tb.Fatal(err)
	}
}

func newFixture(ctx context.Context, name, src string) (f *fixture, err error) {
	dir, err := os.MkdirTemp("", "bosun-e2e-"+name+"-")
	if err != nil {
		return nil, fmt.Errorf("fixture dir: %w", err)
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	if err := copyTree(src, dir); err != nil {
		return nil, err
	}
	f = &fixture{name: name, template: dir, published: map[string][]string{}}
	before, err := scanRefs(ctx, dir)
	if err != nil {
		return nil, err
	}
	if err := f.perturb(before); err != nil {
		return nil, err
	}
	f.refs, err = scanRefs(ctx, dir)
	if err != nil {
		return nil, err
	}
	if got, want := len(f.refs), len(before)+len(sharedNamespaces); got != want {
		return nil, fmt.Errorf("after perturbation: %d refs, want %d", got, want)
	}
	if err := f.checkPerturbed(); err != nil {
		return nil, err
	}
	if err := f.computePublished(); err != nil {
		return nil, err
	}
	f.up, err = upstream.Start()
	if err != nil {
		return nil, err
	}
	if err := f.publish(ctx); err != nil {
		f.up.Close()
		return nil, err
	}
	return f, nil
}

// scanRefs scans dir with bosun's scanner; any file error is fatal to the
// fixture (the corpus scans cleanly).
func scanRefs(ctx context.Context, dir string) ([]chart.Ref, error) {
	res, err := flux.Scan(ctx, dir, flux.Options{})
	if err != nil {
		return nil, fmt.Errorf("scan %s: %w", dir, err)
	}
	if len(res.Errors) > 0 {
		return nil, fmt.Errorf("scan %s: %d file errors, first %s", dir, len(res.Errors), res.Errors[0])
	}
	return res.Refs, nil
}

// copyTree copies regular files (with their permission bits, made writable
// by their owner) and symlinks from src to dst, leaving out .git and
// .archive directories.
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			if d.Name() == ".git" || d.Name() == ".archive" {
				return filepath.SkipDir
			}
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			// The corpus is read-only on disk; a checkout is writable.
			perm := info.Mode().Perm() | 0o200
			if err := os.WriteFile(target, b, perm); err != nil {
				return err
			}
			return os.Chmod(target, perm) // umask-proof
		}
		return nil
	})
}

// perturb changes the template copy so that the tests cover what the corpus
// lacks: refs of one chart pinned on an older major and an older minor line,
// OCIRepositories landing in several namespaces, a CRLF file and an
// executable file.
func (f *fixture) perturb(refs []chart.Ref) error {
	byKey := map[string][]chart.Ref{}
	for _, r := range refs {
		if r.Skip == "" {
			byKey[r.Key()] = append(byKey[r.Key()], r)
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	best := func(ok func(k string) bool) string {
		b := ""
		for _, k := range keys {
			if ok(k) && (b == "" || len(byKey[k]) > len(byKey[b])) {
				b = k
			}
		}
		return b
	}
	touched := map[string]bool{}

	// 1. Older lines of the most used chart.
	multi := best(func(k string) bool {
		h, _ := highest(versionsOf(byKey[k]))
		return len(byKey[k]) >= 3 && h != nil && h.Major() >= 1
	})
	if multi == "" {
		return fmt.Errorf("no chart with 3 refs to pin on older lines")
	}
	mrefs := byKey[multi]
	sort.Slice(mrefs, func(i, j int) bool { return mrefs[i].Loc.File < mrefs[j].Loc.File })
	h, hs := highest(versionsOf(mrefs))
	pre := prefixOf(hs)
	older := []string{
		fmt.Sprintf("%s%d.5.0", pre, h.Major()-1),
		fmt.Sprintf("%s%d.6.2", pre, h.Major()-1),
	}
	if len(mrefs) >= 4 && h.Minor() > 0 {
		older = append(older, fmt.Sprintf("%s%d.0.0", pre, h.Major()))
	}
	edits := map[string][]splice{}
	for i, v := range older {
		r := mrefs[len(mrefs)-1-i]
		edits[r.Loc.File] = append(edits[r.Loc.File], splice{loc: r.Loc, from: r.Version, to: v})
		touched[r.Loc.File] = true
		f.notes = append(f.notes, fmt.Sprintf("%s: %s %s → %s", r.Loc, r.Chart, r.Version, v))
	}
	for file, es := range edits {
		p := filepath.Join(f.template, filepath.FromSlash(file))
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		nb, err := applySplices(b, es)
		if err != nil {
			return fmt.Errorf("perturb %s: %w", file, err)
		}
		if err := os.WriteFile(p, nb, 0o644); err != nil {
			return err
		}
	}

	// 2. OCIRepositories shared by kustomizations of several namespaces.
	oci := best(func(k string) bool {
		r := byKey[k][0]
		return r.Kind == "OCIRepository" && r.Field == chart.FieldTag
	})
	if oci == "" {
		return fmt.Errorf("no OCIRepository to share")
	}
	_, ociH := highest(versionsOf(byKey[oci]))
	url := byKey[oci][0].Source.URL
	names := make([]string, 0, len(sharedNamespaces))
	for n := range sharedNamespaces {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		base := filepath.Join(f.template, "e2e-bosun", n)
		files := map[string]string{
			"shared/kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ./ocirepository.yaml\n",
			"shared/ocirepository.yaml": fmt.Sprintf("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: %s\nspec:\n  interval: 1h\n  ref:\n    tag: %s\n  url: %s\n", n, ociH, url),
		}
		for _, ns := range sharedNamespaces[n] {
			files["ns-"+ns+"/kustomization.yaml"] = fmt.Sprintf("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: %s\nresources:\n  - ../shared\n", ns)
		}
		for rel, content := range files {
			p := filepath.Join(base, filepath.FromSlash(rel))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return err
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return err
			}
		}
		f.notes = append(f.notes, fmt.Sprintf("added OCIRepository %s (%s %s) in namespaces %v", n, url, ociH, sharedNamespaces[n]))
	}

	// 3. A CRLF file and an executable file, each holding one clean ref.
	perFile := map[string]int{}
	for _, r := range refs {
		perFile[r.Loc.File]++
	}
	var single []string
	for _, r := range refs {
		if r.Skip == "" && perFile[r.Loc.File] == 1 && !touched[r.Loc.File] {
			single = append(single, r.Loc.File)
		}
	}
	sort.Strings(single)
	if len(single) < 2 {
		return fmt.Errorf("no files to convert to CRLF and executable")
	}
	f.crlfFile, f.execFile = single[0], single[len(single)-1]
	p := filepath.Join(f.template, filepath.FromSlash(f.crlfFile))
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if bytes.Contains(b, []byte("\r")) {
		return fmt.Errorf("%s already holds CR bytes", f.crlfFile)
	}
	if err := os.WriteFile(p, bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n")), 0o644); err != nil {
		return err
	}
	if err := os.Chmod(filepath.Join(f.template, filepath.FromSlash(f.execFile)), 0o755); err != nil {
		return err
	}
	f.notes = append(f.notes, "CRLF: "+f.crlfFile, "mode 0755: "+f.execFile)
	return nil
}

// checkPerturbed verifies that the scanner sees the synthetic refs in the
// namespaces their kustomizations give them.
func (f *fixture) checkPerturbed() error {
	for name, want := range sharedNamespaces {
		found := false
		for _, r := range f.refs {
			if r.Kind == "OCIRepository" && r.Name == name {
				found = true
				if strings.Join(r.Namespaces, ",") != strings.Join(want, ",") {
					return fmt.Errorf("%s: namespaces %v, want %v", r.Loc, r.Namespaces, want)
				}
			}
		}
		if !found {
			return fmt.Errorf("synthetic OCIRepository %s not scanned", name)
		}
	}
	return nil
}

// computePublished decides what each chart publishes: every version pinned
// in the repository, exactly as written, plus the next patch, minor and
// major of the highest pinned version and a pre-release of that major.
func (f *fixture) computePublished() error {
	pinned := map[string]map[string]bool{}
	for _, r := range f.refs {
		if r.Skip != "" {
			continue
		}
		if r.Digest != "" {
			return fmt.Errorf("%s: tag+digest refs are not covered by these tests (the corpus has none)", r.Loc)
		}
		if pinned[r.Key()] == nil {
			pinned[r.Key()] = map[string]bool{}
		}
		pinned[r.Key()][r.Version] = true
	}
	for key, set := range pinned {
		var vs []string
		for v := range set {
			vs = append(vs, v)
		}
		h, hs := highest(vs)
		if h == nil {
			return fmt.Errorf("%s: no parseable version in %v", key, vs)
		}
		p := prefixOf(hs)
		vs = append(vs,
			fmt.Sprintf("%s%d.%d.%d", p, h.Major(), h.Minor(), h.Patch()+1),
			fmt.Sprintf("%s%d.%d.0", p, h.Major(), h.Minor()+1),
			fmt.Sprintf("%s%d.0.0", p, h.Major()+1),
			fmt.Sprintf("%s%d.0.0-rc.1", p, h.Major()+1),
		)
		sort.Strings(vs)
		// The expectation must be unambiguous: no two strings of one version.
		seen := map[string]string{}
		for _, v := range vs {
			sv, err := semver.NewVersion(v)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			if o, dup := seen[sv.String()]; dup {
				return fmt.Errorf("%s: %q and %q are the same version", key, o, v)
			}
			seen[sv.String()] = v
		}
		f.published[key] = vs
	}
	return nil
}

// publish pushes every release, a few charts at a time.
func (f *fixture) publish(ctx context.Context) error {
	srcOf := map[string]chart.Ref{}
	for _, r := range f.refs {
		if r.Skip == "" {
			srcOf[r.Key()] = r
		}
	}
	keys := make([]string, 0, len(f.published))
	for k := range f.published {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	created := time.Now().Add(-releaseAge).UTC().Truncate(time.Second)
	sem := make(chan struct{}, 4)
	errs := make([]error, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := srcOf[k]
			for _, v := range f.published[k] {
				rel := upstream.Release{Version: v, AppVersion: "app-" + strings.TrimPrefix(v, "v"), Created: created}
				if _, err := f.up.Publish(ctx, r.Source, r.Chart, rel); err != nil {
					errs[i] = fmt.Errorf("publish %s %s: %w", k, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func versionsOf(refs []chart.Ref) []string {
	out := make([]string, 0, len(refs))
	for _, r := range refs {
		out = append(out, r.Version)
	}
	return out
}

// highest returns the highest parseable version of vs and its string.
func highest(vs []string) (*semver.Version, string) {
	var best *semver.Version
	bs := ""
	for _, s := range vs {
		v, err := semver.NewVersion(s)
		if err != nil {
			continue
		}
		if best == nil || v.GreaterThan(best) {
			best, bs = v, s
		}
	}
	return best, bs
}

func prefixOf(v string) string {
	if strings.HasPrefix(v, "v") || strings.HasPrefix(v, "V") {
		return v[:1]
	}
	return ""
}

// splice replaces a version inside the token at loc (quotes kept).
type splice struct {
	loc      chart.Location
	from, to string
}

// applySplices applies edits to b, each checked against the bytes it replaces.
func applySplices(b []byte, edits []splice) ([]byte, error) {
	es := append([]splice(nil), edits...)
	sort.Slice(es, func(i, j int) bool { return es[i].loc.Start > es[j].loc.Start })
	out := append([]byte(nil), b...)
	for _, e := range es {
		if e.loc.Start < 0 || e.loc.End > len(out) || e.loc.Start > e.loc.End {
			return nil, fmt.Errorf("%s: offsets %d-%d out of range", e.loc, e.loc.Start, e.loc.End)
		}
		tok := string(out[e.loc.Start:e.loc.End])
		if strings.Count(tok, e.from) != 1 {
			return nil, fmt.Errorf("%s: token %q does not hold %q once", e.loc, tok, e.from)
		}
		nt := strings.Replace(tok, e.from, e.to, 1)
		out = append(out[:e.loc.Start:e.loc.Start], append([]byte(nt), out[e.loc.End:]...)...)
	}
	return out, nil
}
