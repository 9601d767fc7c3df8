package evidence_test

import (
	"fmt"

	"github.com/bosunhq/bosun/internal/chart"
	"github.com/bosunhq/bosun/internal/evidence"
)

// A section of a pull request body: registry text is escaped, mentions and
// references are neutralised, GitHub links go through redirect.github.com.
func ExampleEvidence_Markdown() {
	ev := evidence.Evidence{
		Chart: "podinfo", From: "6.5.0", To: "7.0.0", Type: chart.UpdateMajor,
		AppFrom: "6.5.0", AppTo: "7.0.0",
		Violations:  []evidence.Violation{{Path: "/service", Message: "additional properties 'port' not allowed"}},
		RemovedKeys: []string{".service.port"},
		Changelog: []evidence.ChangeGroup{{Kind: "changed", Entries: []evidence.ChangeEntry{
			{Version: "7.0.0", Description: "Rename service.port (thanks @someone, #12)"}}}},
		GitHub: []evidence.Link{{Name: "compare 6.5.0...7.0.0", URL: "https://github.com/stefanprodan/podinfo/compare/6.5.0...7.0.0"}},
	}
	fmt.Print(ev.Markdown())
	// Output:
	// #### `podinfo` `6.5.0` → `7.0.0`
	//
	// **Risk:** major · 1 values violation · 1 value no longer in the chart
	//
	// - **appVersion:** `6.5.0` → `7.0.0`
	//
	// **Values check:** the release's values fail the new values.schema.json (1 violation):
	//
	// - `/service`: additional properties 'port' not allowed
	//
	// **Values no longer in the chart:** the release sets `.service.port`, which the new default values no longer have (removed or renamed).
	//
	// **Changelog**
	//
	// - _Changed_
	//   - Rename service.port \(thanks @‍someone, \#‍12\) (`7.0.0`)
	//
	// **Links:** [compare 6.5.0...7.0.0](https://redirect.github.com/stefanprodan/podinfo/compare/6.5.0...7.0.0)
}
