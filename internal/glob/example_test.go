package glob_test

import (
	"fmt"

	"github.com/bosunhq/bosun/internal/glob"
)

func ExampleMatch() {
	fmt.Println(glob.Match("kubernetes/**/helmrelease.yaml", "kubernetes/apps/media/plex/helmrelease.yaml"))
	fmt.Println(glob.Match("kubernetes/*/helmrelease.yaml", "kubernetes/apps/media/helmrelease.yaml"))
	fmt.Println(glob.Match(".archive/**", ".archive"))
	// Output:
	// true
	// false
	// true
}
