package tabletest_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/bosunhq/bosun/internal/testutil/tabletest"
)

func TestRun(t *testing.T) {
	t.Parallel()
	tabletest.Run(t, "strings.ToUpper", strings.ToUpper, map[string]string{
		"a": "A",
		"":  "",
	})
	tabletest.Run2(t, "strings.Repeat", func(s, n string) string { return strings.Repeat(s, len(n)) }, map[[2]string]string{
		{"ab", "xyz"}: "ababab",
		{"ab", ""}:    "",
	})
	tabletest.RunNamed(t, "strconv.Itoa", strconv.Itoa, []tabletest.Named[int, string]{
		{Name: "zero", In: 0, Want: "0"},
		{Name: "negative", In: -12, Want: "-12"},
	})
}
