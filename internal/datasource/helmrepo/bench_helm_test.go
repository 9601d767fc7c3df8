//go:build helmbench

package helmrepo

import (
	"os"
	"testing"

	"helm.sh/helm/v3/pkg/repo"
)

// BenchmarkHelmLoadIndexFile measures helm's own loader on the same file as
// BenchmarkParseIndexFile. Run with -tags helmbench (it links client-go).
func BenchmarkHelmLoadIndexFile(b *testing.B) {
	path := benchIndexPath(b)
	st, _ := os.Stat(path)
	b.ReportAllocs()
	b.SetBytes(st.Size())
	for b.Loop() {
		if _, err := repo.LoadIndexFile(path); err != nil {
			b.Fatal(err)
		}
	}
}
