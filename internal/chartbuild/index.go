package chartbuild

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/Masterminds/semver/v3"
	"sigs.k8s.io/yaml"
)

// indexFile and chartVersion have the JSON shape of helm's repo.IndexFile
// and repo.ChartVersion.
type indexFile struct {
	APIVersion string                     `json:"apiVersion"`
	Entries    map[string][]*chartVersion `json:"entries"`
	Generated  time.Time                  `json:"generated"`
}

type chartVersion struct {
	*Metadata
	URLs    []string  `json:"urls"`
	Created time.Time `json:"created,omitempty"`
	Digest  string    `json:"digest,omitempty"`
}

// IndexYAML renders index.yaml for charts the way helm writes it
// (sigs.k8s.io/yaml over the IndexFile JSON shape, so keys are sorted;
// each chart's entries in descending version order, unparsable versions
// last). baseURL "" writes relative URLs ("charts/<name>-<version>.tgz");
// otherwise URLs are baseURL + "/charts/…". A Chart's URL overrides both.
func IndexYAML(baseURL string, charts ...Chart) ([]byte, error) {
	idx := indexFile{APIVersion: "v1", Entries: map[string][]*chartVersion{}, Generated: DefaultCreated}
	for _, c := range charts {
		u := "charts/" + c.ArchiveName()
		if baseURL != "" {
			u = strings.TrimSuffix(baseURL, "/") + "/" + u
		}
		if c.URL != "" {
			u = c.URL
		}
		b, err := Archive(c)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		created := c.CreatedOrDefault()
		idx.Entries[c.Name] = append(idx.Entries[c.Name], &chartVersion{
			Metadata: c.Metadata(), URLs: []string{u}, Created: created, Digest: hex.EncodeToString(sum[:]),
		})
		if created.After(idx.Generated) {
			idx.Generated = created
		}
	}
	for _, vs := range idx.Entries {
		sort.SliceStable(vs, func(i, j int) bool {
			a, errA := semver.NewVersion(vs[i].Version)
			b, errB := semver.NewVersion(vs[j].Version)
			if errA != nil || errB != nil {
				return errA == nil && errB != nil
			}
			return b.LessThan(a)
		})
	}
	out, err := yaml.Marshal(idx)
	if err != nil {
		return nil, fmt.Errorf("marshal index: %w", err)
	}
	return out, nil
}

// WriteRepo writes a static repository to dir: index.yaml (relative URLs)
// and charts/<name>-<version>.tgz.
func WriteRepo(dir string, charts ...Chart) error {
	idx, err := IndexYAML("", charts...)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "charts"), 0o755); err != nil {
		return fmt.Errorf("write repo %s: %w", dir, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.yaml"), idx, 0o644); err != nil {
		return fmt.Errorf("write repo %s: %w", dir, err)
	}
	for _, c := range charts {
		b, err := Archive(c)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, "charts", c.ArchiveName()), b, 0o644); err != nil {
			return fmt.Errorf("write repo %s: %w", dir, err)
		}
	}
	return nil
}
