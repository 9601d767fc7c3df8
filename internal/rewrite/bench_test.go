package rewrite

import (
	"fmt"
	"strings"
	"testing"
)

// benchFile builds a HelmRelease + OCIRepository file with n value entries
// after the ref (n=40 is about the corpus average of 1 KiB per document pair
// times a few; n=1500 is about the largest corpus file, 50 KiB).
func benchFile(n int) (string, []Edit) {
	var b strings.Builder
	b.WriteString("---\n# yaml-language-server: $schema=https://example.com/ocirepository_v1.json\n")
	b.WriteString("apiVersion: source.toolkit.fluxcd.io/v1\nkind: OCIRepository\nmetadata:\n  name: app-template\nspec:\n")
	b.WriteString("  interval: 15m\n  layerSelector:\n    mediaType: application/vnd.cncf.helm.chart.content.v1.tar+gzip\n    operation: copy\n")
	b.WriteString("  ref:\n    tag: 4.2.0\n    digest: sha256:0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0\n")
	b.WriteString("  url: oci://ghcr.io/bjw-s-labs/helm/app-template\n---\n")
	b.WriteString("apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: &app atuin\nspec:\n")
	b.WriteString("  chartRef:\n    kind: OCIRepository\n    name: app-template\n  values:\n    controllers:\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "      c%d:\n        image: {repository: ghcr.io/x/y%d, tag: \"1.%d.0@sha256:abc\"}\n        env: &env%d\n          TZ: Etc/UTC # zone\n", i, i, i, i)
	}
	src := b.String()
	tag := strings.Index(src, "4.2.0")
	dig := strings.Index(src, "sha256:0c0ffee")
	digest := "sha256:0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0"
	return src, []Edit{
		{Start: tag, End: tag + 5, Old: "4.2.0", New: "4.3.0"},
		{Start: dig, End: dig + len(digest), Old: digest, New: "sha256:" + strings.Repeat("1d", 32)},
	}
}

func BenchmarkApply(b *testing.B) {
	for _, n := range []int{10, 400} {
		src, edits := benchFile(n)
		b.Run(fmt.Sprintf("%dKiB", len(src)/1024), func(b *testing.B) {
			in := []byte(src)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Apply(in, edits); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestBenchFile(t *testing.T) {
	t.Parallel()
	src, edits := benchFile(3)
	if _, err := Apply([]byte(src), edits); err != nil {
		t.Fatal(err)
	}
}
