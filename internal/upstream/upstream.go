package upstream

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/chartbuild"
	"github.com/bosunhq/bosun/internal/datasource"
	"github.com/bosunhq/bosun/internal/versioning"
)

// Release is one chart version to publish.
type Release struct {
	Version, AppVersion string
	Created             time.Time
	Deprecated          bool
	// Changes becomes the artifacthub.io/changes annotation.
	Changes string
}

// Upstream is a running set of chart sources.
type Upstream struct {
	oci, helm         *http.Server
	ociAddr, helmAddr string
	registry          *registry

	mu        sync.Mutex
	ociHosts  map[string]bool               // real hosts published to
	helmRepos map[string][]chartbuild.Chart // repo key → charts
	helmURLs  map[string]string             // repo key → real URL
	indexes   map[string][]byte             // repo key → rendered index
	archives  map[string][]byte             // "/key/charts/x.tgz" → bytes
}

// Start starts the servers on 127.0.0.1.
func Start() (*Upstream, error) {
	u := &Upstream{
		ociHosts: map[string]bool{}, helmRepos: map[string][]chartbuild.Chart{},
		helmURLs: map[string]string{}, indexes: map[string][]byte{}, archives: map[string][]byte{},
		registry: newRegistry(),
	}

	ociL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("upstream: listen: %w", err)
	}
	helmL, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		ociL.Close()
		return nil, fmt.Errorf("upstream: listen: %w", err)
	}
	u.ociAddr, u.helmAddr = ociL.Addr().String(), helmL.Addr().String()
	u.oci = &http.Server{Handler: u.registry, ReadHeaderTimeout: 10 * time.Second}
	u.helm = &http.Server{Handler: http.HandlerFunc(u.serveHelm), ReadHeaderTimeout: 10 * time.Second}
	go u.oci.Serve(ociL)   //nolint:errcheck // ends with Close
	go u.helm.Serve(helmL) //nolint:errcheck // ends with Close
	return u, nil
}

// Close stops the servers.
func (u *Upstream) Close() {
	u.oci.Close()
	u.helm.Close()
}

// OCIAddr and HelmAddr are the servers' "127.0.0.1:PORT".
func (u *Upstream) OCIAddr() string  { return u.ociAddr }
func (u *Upstream) HelmAddr() string { return u.helmAddr }

// helmKey is where a Helm repository URL lives on the Helm server.
func helmKey(url string) string {
	k := strings.TrimSuffix(url, "/")
	k = strings.TrimPrefix(strings.TrimPrefix(k, "https://"), "http://")
	return k
}

// ociRepo is the repository path on the registry for an oci:// URL.
func ociRepo(url string) (host, repo string, err error) {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(url, "/"), "oci://")
	if !ok {
		return "", "", fmt.Errorf("not an oci:// URL: %s", url)
	}
	host, _, _ = strings.Cut(rest, "/")
	return host, strings.ToLower(rest), nil
}

// Publish makes release r of chart name available at src (a Helm
// repository URL, or the OCI repository of the chart itself).
func (u *Upstream) Publish(ctx context.Context, src chart.Source, name string, r Release) (digest string, err error) {
	c := chartbuild.Chart{Name: name, Version: r.Version, AppVersion: r.AppVersion, Created: r.Created, Deprecated: r.Deprecated, Changes: r.Changes}
	if c.Created.IsZero() {
		c.Created = chartbuild.DefaultCreated
	}
	switch src.Kind {
	case chart.SourceHelm:
		return "", u.publishHelm(src.URL, c)
	case chart.SourceOCI:
		return u.publishOCI(ctx, src.URL, c)
	default:
		return "", fmt.Errorf("publish %s: unknown source kind %q", src.URL, src.Kind)
	}
}

func (u *Upstream) publishHelm(url string, c chartbuild.Chart) error {
	key := helmKey(url)
	arch, err := chartbuild.Archive(c)
	if err != nil {
		return fmt.Errorf("publish %s %s: %w", url, c.Name, err)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	charts := u.helmRepos[key]
	for i, old := range charts {
		if old.Name == c.Name && old.Version == c.Version {
			charts = append(charts[:i], charts[i+1:]...)
			break
		}
	}
	charts = append(charts, c)
	idx, err := chartbuild.IndexYAML("", charts...)
	if err != nil {
		return fmt.Errorf("publish %s: %w", url, err)
	}
	u.helmRepos[key] = charts
	u.helmURLs[key] = strings.TrimSuffix(url, "/")
	u.indexes[key] = idx
	u.archives["/"+key+"/charts/"+c.ArchiveName()] = arch
	return nil
}

func (u *Upstream) serveHelm(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	u.mu.Lock()
	var body []byte
	if key, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), "/index.yaml"); ok {
		body = u.indexes[key]
	} else {
		body = u.archives[r.URL.Path]
	}
	u.mu.Unlock()
	if body == nil {
		http.NotFound(w, r)
		return
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/x-yaml")
	w.Write(body) //nolint:errcheck // client went away
}

func (u *Upstream) publishOCI(ctx context.Context, url string, c chartbuild.Chart) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("publish %s: %w", url, err)
	}
	host, repoPath, err := ociRepo(url)
	if err != nil {
		return "", err
	}
	art, err := chartbuild.HelmArtifact(c)
	if err != nil {
		return "", fmt.Errorf("publish %s: %w", url, err)
	}
	md, err := u.registry.put(repoPath, versioning.ToTag(c.Version), art)
	if err != nil {
		return "", fmt.Errorf("publish %s: %w", url, err)
	}
	u.mu.Lock()
	u.ociHosts[host] = true
	u.mu.Unlock()
	return md.String(), nil
}

// Hosts returns the mirrors that send every published source here.
func (u *Upstream) Hosts() datasource.Hosts {
	u.mu.Lock()
	defer u.mu.Unlock()
	var hs datasource.Hosts
	for h := range u.ociHosts {
		hs = append(hs, datasource.Host{Match: h, Mirror: "http://" + u.ociAddr + "/" + strings.ToLower(h)})
	}
	for key, url := range u.helmURLs {
		hs = append(hs, datasource.Host{Match: url, Mirror: "http://" + u.helmAddr + "/" + key})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Match < hs[j].Match })
	return hs
}

// RegistriesYAML renders Hosts as the config file's registries section.
func (u *Upstream) RegistriesYAML() string {
	var b strings.Builder
	b.WriteString("registries:\n")
	for _, h := range u.Hosts() {
		fmt.Fprintf(&b, "  - host: %q\n    mirror: %q\n", h.Match, h.Mirror)
	}
	return b.String()
}
