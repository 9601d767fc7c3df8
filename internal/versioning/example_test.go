package versioning_test

import (
	"fmt"

	"github.com/bosunhq/bosun/internal/versioning"
)

func ExampleParse() {
	v, _ := versioning.Parse("v1.18.2")
	fmt.Println(v, v.Original())
	_, err := versioning.Parse("1.2")
	fmt.Println(err)
	// Output:
	// 1.18.2 v1.18.2
	// parse version "1.2": not in the form x.y.z
}

func ExampleIsExact() {
	for _, s := range []string{"1.2.3", "v1.2.3", "1.x", "^1.2.0", "*"} {
		fmt.Println(s, versioning.IsExact(s))
	}
	// Output:
	// 1.2.3 true
	// v1.2.3 true
	// 1.x false
	// ^1.2.0 false
	// * false
}

func ExampleClassify() {
	from, _ := versioning.Parse("0.9.1")
	for _, s := range []string{"0.9.2", "0.10.0", "1.0.0", "0.9.1"} {
		to, _ := versioning.Parse(s)
		fmt.Println(s, versioning.Classify(from, to))
	}
	// Output:
	// 0.9.2 patch
	// 0.10.0 minor
	// 1.0.0 major
	// 0.9.1 digest
}

func ExampleParseConstraint() {
	c, _ := versioning.ParseConstraint("1.x")
	for _, s := range []string{"1.4.0", "1.5.0-rc.1", "2.0.0"} {
		v, _ := versioning.Parse(s)
		fmt.Println(s, c.Check(v))
	}
	// Output:
	// 1.4.0 true
	// 1.5.0-rc.1 false
	// 2.0.0 false
}

func ExampleToTag() {
	fmt.Println(versioning.ToTag("1.2.3+build.7"))
	fmt.Println(versioning.FromTag("1.2.3_build.7"))
	// Output:
	// 1.2.3_build.7
	// 1.2.3+build.7
}

func ExampleWithPrefixOf() {
	// Matching only: is the published "1.3.0" the one written "v1.3.0"?
	fmt.Println(versioning.WithPrefixOf("v1.2.3", "1.3.0"))
	fmt.Println(versioning.WithPrefixOf("1.2.3", "v1.3.0"))
	// Output:
	// v1.3.0
	// 1.3.0
}
