package app

import (
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/cobra"
)

// parse runs a command built with a runF hook that records the options, so
// flag parsing is tested apart from what the command does.
func parse[O any](t *testing.T, newCmd func(*Deps, func(*O) error) *cobra.Command, args ...string) *O {
	t.Helper()
	var got *O
	cmd := newCmd(NewDeps(IO{In: strings.NewReader(""), Out: io.Discard, Err: io.Discard}), func(o *O) error {
		got = o
		return nil
	})
	cmd.SetArgs(args)
	cmd.SetOut(io.Discard)
	cmd.SetErr(io.Discard)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%s %v: %v", cmd.Name(), args, err)
	}
	if got == nil {
		t.Fatalf("%s %v: runF was not called", cmd.Name(), args)
	}
	return got
}

var optionsCmp = []cmp.Option{
	cmp.Comparer(func(a, b *enumFlag) bool { return a.String() == b.String() }),
	cmpopts.IgnoreUnexported(VersionOptions{}, ScanOptions{}, PlanOptions{}, ApplyOptions{}, RunOptions{}, VersionsOptions{}, DemoOptions{}),
}

func assertOptions[O any](t *testing.T, want, got *O) {
	t.Helper()
	if diff := cmp.Diff(want, got, optionsCmp...); diff != "" {
		t.Errorf("options mismatch (-want +got):\n%s", diff)
	}
}

func enum(v string) *enumFlag { return &enumFlag{value: v} }

func TestCommands_FlagsToOptions(t *testing.T) {
	t.Parallel()
	t.Run("version", func(t *testing.T) {
		t.Parallel()
		parse(t, newVersionCmd)
	})
	t.Run("scan", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &ScanOptions{Dir: ".", Output: enum("text")}, parse(t, newScanCmd))
		assertOptions(t, &ScanOptions{Dir: "repo", Output: enum("json"), IncludeArchive: true},
			parse(t, newScanCmd, "-o", "json", "--include-archive", "repo"))
	})
	t.Run("plan", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &PlanOptions{Dir: ".", Output: enum("text")}, parse(t, newPlanCmd))
		assertOptions(t, &PlanOptions{Dir: "repo", Output: enum("markdown"), DetailedExitCode: true, PlanFile: "plan.json",
			Lookup: lookupOptions{CacheDir: "cache", NoCache: true}},
			parse(t, newPlanCmd, "-o", "markdown", "--detailed-exitcode", "--plan-file", "plan.json", "--cache-dir", "cache", "--no-cache", "repo"))
	})
	t.Run("apply", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &ApplyOptions{Dir: "."}, parse(t, newApplyCmd))
		assertOptions(t, &ApplyOptions{Dir: "repo", Groups: []string{"a", "b", "bosun/c"}, Diff: true, DryRun: true, Lookup: lookupOptions{CacheDir: "cache"}},
			parse(t, newApplyCmd, "--group", "a", "--group", "b,bosun/c", "--diff", "--dry-run", "--cache-dir", "cache", "repo"))
	})
	t.Run("run", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &RunOptions{Dir: ".", TokenEnv: "GITHUB_TOKEN", Output: enum("text")}, parse(t, newRunCmd))
		assertOptions(t, &RunOptions{Dir: "repo", Repo: "o/r", TokenEnv: "BOT_TOKEN", BaseBranch: "dev", APIURL: "http://127.0.0.1:1/api/v3",
			DryRun: true, PlanFile: "plan.json", Output: enum("json"), Lookup: lookupOptions{NoCache: true}},
			parse(t, newRunCmd, "--repo", "o/r", "--token-env", "BOT_TOKEN", "--base-branch", "dev", "--api-url", "http://127.0.0.1:1/api/v3",
				"--dry-run", "--plan-file", "plan.json", "-o", "json", "--no-cache", "repo"))
	})
	t.Run("versions", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &VersionsOptions{Source: "oci://ghcr.io/x/app", Limit: 20, Output: enum("text")},
			parse(t, newVersionsCmd, "oci://ghcr.io/x/app"))
		assertOptions(t, &VersionsOptions{Source: "https://charts.example.com", Chart: "app", Limit: 0, Output: enum("json"), Lookup: lookupOptions{NoCache: true}},
			parse(t, newVersionsCmd, "--limit", "0", "-o", "json", "--no-cache", "https://charts.example.com", "app"))
	})
	t.Run("demo", func(t *testing.T) {
		t.Parallel()
		assertOptions(t, &DemoOptions{Output: enum("text")}, parse(t, newDemoCmd))
		assertOptions(t, &DemoOptions{Output: enum("markdown"), Keep: true}, parse(t, newDemoCmd, "-o", "markdown", "--keep"))
	})
}
