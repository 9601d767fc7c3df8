package migrate

import (
	"testing"

	"github.com/bosunhq/bosun/internal/config"
)

// FuzzConvert: whatever the Renovate config, the migration does not panic
// and writes a config bosun's loader accepts (what it cannot express it
// lists instead).
func FuzzConvert(f *testing.F) {
	f.Add([]byte(`{packageRules: [{matchPackageNames: ["/^a-/"], groupName: "A B", labels: ["x"], enabled: false}], ignorePaths: ["**/x/**"]}`))
	f.Add([]byte(`{packageRules: [{matchFileNames: ["a/[b"], minimumReleaseAge: "2 weeks", allowedVersions: "<2"}], prConcurrentLimit: 3}`))
	f.Add([]byte(`{labels: [""], separateMajorMinor: false, packageRules: [{matchDatasources: ["docker"], matchDepNames: ["x/y"], groupName: "!!"}]}`))
	f.Add([]byte(`{extends: [":timezone(Europe/Berlin)"], timezone: "Mars/Base", schedule: ["before 4am", "* 0-3 * * 1"], dependencyDashboardTitle: "t", rebaseWhen: "behind-base-branch", reviewers: ["team:a", "b"], packageRules: [{matchDatasources: ["helm"], automerge: true, automergeStrategy: "merge-commit", platformAutomerge: false, schedule: "after 10pm every weekday", assignees: ["x"], dependencyDashboardApproval: true, separateMinorPatch: true}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseJSON5(b)
		if err != nil || v.Kind != Object {
			return
		}
		res, err := Convert([]File{{Name: "renovate.json5", Root: v}}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := config.Parse("bosun.yaml", res.Config); err != nil {
			t.Fatalf("the loader rejects the migration of %q: %v\n%s", b, err, res.Config)
		}
	})
}
