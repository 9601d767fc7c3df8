package helmbench

import (
	"testing"

	"helm.sh/helm/v3/pkg/repo"

	"github.com/bosunhq/bosun/internal/datasource/helmrepo"
	"github.com/bosunhq/bosun/internal/testutil/helmrepotest"
)

// BenchmarkHelmLoadIndexFile measures helm's own loader on helmrepotest's
// benchmark index.
func BenchmarkHelmLoadIndexFile(b *testing.B) {
	path := helmrepotest.BenchIndexFile(b)
	helmrepotest.BenchFile(b, path, func() error {
		_, err := repo.LoadIndexFile(path)
		return err
	})
}

// BenchmarkBosunParseIndexFile measures bosun's parser on the same file,
// reading included, as LoadIndexFile does.
func BenchmarkBosunParseIndexFile(b *testing.B) {
	helmrepotest.BenchParseFile(b, helmrepotest.BenchIndexFile(b), func(body []byte) error {
		_, err := helmrepo.ParseIndex(body)
		return err
	})
}
