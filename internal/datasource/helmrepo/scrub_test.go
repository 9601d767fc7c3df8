package helmrepo

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/chart"
)

// An index that cannot be reached is named in the error without the
// secrets of its URL, even after a redirect to a signed URL.
func TestSource_Releases_unreachableIndexRedacted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close() // nothing listens there
	for _, u := range []string{
		"http://alice:pw-secret@" + closed + "/charts?token=secret",
		"http://" + closed + "/charts?token=secret",
	} {
		_, err := New(http.DefaultClient, Options{}).Releases(t.Context(), chart.Source{Kind: chart.SourceHelm, URL: u}, "app")
		if err == nil || strings.Contains(err.Error(), "secret") || !strings.Contains(err.Error(), "token=REDACTED") {
			t.Errorf("Releases(%s) = %v: want an error naming the index without its secrets", u, err)
		}
	}
}
