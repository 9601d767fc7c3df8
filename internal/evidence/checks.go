package evidence

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/Masterminds/semver/v3"
	helmchart "helm.sh/helm/v3/pkg/chart"
)

// kubeChecks checks a chart's kubeVersion constraint against each cluster
// the way Helm does (Masterminds constraint Check on the cluster version).
func kubeChecks(constraint string, clusters []Cluster) []KubeCheck {
	if strings.TrimSpace(constraint) == "" {
		return nil
	}
	c, cerr := semver.NewConstraint(constraint)
	var out []KubeCheck
	for _, cl := range clusters {
		k := KubeCheck{Cluster: cl.Name, Version: cl.Version, Constraint: constraint}
		v, err := semver.NewVersion(cl.Version)
		switch {
		case cerr != nil:
			k.Err = "kubeVersion does not parse: " + clip(cerr.Error(), 200)
		case err != nil:
			k.Err = "cluster version does not parse: " + clip(err.Error(), 200)
		default:
			k.OK = c.Check(v)
		}
		out = append(out, k)
	}
	return out
}

// CRDChange says how the CRDs shipped by a chart change between versions.
type CRDChange struct {
	// Added, Removed and Modified list crds/ files (subcharts included) by
	// path inside the chart ("crds/foo.yaml", "charts/sub/crds/bar.yaml").
	Added, Removed, Modified []string
	// Templates lists templates defining a CustomResourceDefinition that
	// were added, removed or changed; Helm applies those as ordinary
	// resources, whatever the CRD policy.
	Templates []string
	// Warning is set when crds/ changes that the release's upgrade.crds
	// policy will not apply.
	Warning string
}

// Changed reports whether any CRD changed.
func (c CRDChange) Changed() bool {
	return len(c.Added)+len(c.Removed)+len(c.Modified)+len(c.Templates) > 0
}

// Flux CRD policies (helm-controller install.crds / upgrade.crds).
const (
	CRDSkip          = "Skip"
	CRDCreate        = "Create"
	CRDCreateReplace = "CreateReplace"
)

func compareCRDs(from, to *helmchart.Chart, policy CRDPolicy) CRDChange {
	var c CRDChange
	c.Added, c.Removed, c.Modified = diffFiles(crdFiles(from), crdFiles(to))
	ta, tr, tm := diffFiles(crdTemplates(from), crdTemplates(to))
	c.Templates = slices.Concat(ta, tr, tm)
	slices.Sort(c.Templates)
	upgrade := policy.Upgrade
	if upgrade == "" {
		upgrade = CRDSkip
	}
	switch {
	case upgrade == CRDCreateReplace:
	case len(c.Modified) > 0:
		c.Warning = fmt.Sprintf("CRDs in crds/ change, and upgrade.crds is %s: Flux will not update existing CRDs; set spec.upgrade.crds: CreateReplace", upgrade)
	case len(c.Added) > 0 && upgrade == CRDSkip:
		c.Warning = "new CRDs in crds/, and upgrade.crds is Skip: Flux will not create them on upgrade; set spec.upgrade.crds: CreateReplace"
	}
	return c
}

// crdFiles maps every crds/ file of a chart and its subcharts, by path
// relative to the chart root, to its content.
func crdFiles(ch *helmchart.Chart) map[string][]byte {
	out := map[string][]byte{}
	for _, crd := range ch.CRDObjects() {
		if crd.File == nil {
			continue
		}
		out[relToRoot(crd.Filename)] = crd.File.Data
	}
	return out
}

var crdKind = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\s*kind:\s*["']?CustomResourceDefinition["']?\s*$`)
})

// crdTemplates maps the templates (subcharts included) that define a
// CustomResourceDefinition to their content.
func crdTemplates(ch *helmchart.Chart) map[string][]byte {
	out := map[string][]byte{}
	var walk func(c *helmchart.Chart, prefix string)
	walk = func(c *helmchart.Chart, prefix string) {
		for _, t := range c.Templates {
			if t != nil && crdKind().Match(t.Data) {
				out[prefix+t.Name] = t.Data
			}
		}
		for _, d := range c.Dependencies() {
			walk(d, prefix+"charts/"+d.Name()+"/")
		}
	}
	walk(ch, "")
	return out
}

func relToRoot(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	if _, rest, ok := strings.Cut(p, "/"); ok {
		return rest
	}
	return p
}

// diffFiles compares two name → content maps; each result is sorted.
func diffFiles(a, b map[string][]byte) (added, removed, modified []string) {
	for n, bb := range b {
		ab, ok := a[n]
		switch {
		case !ok:
			added = append(added, n)
		case !bytes.Equal(ab, bb):
			modified = append(modified, n)
		}
	}
	for n := range a {
		if _, ok := b[n]; !ok {
			removed = append(removed, n)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	slices.Sort(modified)
	return added, removed, modified
}
