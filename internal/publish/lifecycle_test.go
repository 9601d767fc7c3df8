package publish

import (
	"testing"

	"github.com/bosunhq/bosun/internal/forge"
)

func TestForeignSince(t *testing.T) {
	t.Parallel()
	bosun := forge.Commit{SHA: "b1", Parents: []string{"m1"}, Message: "update\n\nBosun-Plan: abc\n"}
	amended := forge.Commit{SHA: "b2", Parents: []string{"m1"}, Message: bosun.Message, Author: "alice"}
	update := forge.Commit{SHA: "u1", Parents: []string{"b1", "m2"}, Author: "bob"}
	fromBranch := forge.Commit{SHA: "u2", Parents: []string{"b1", "x1"}, Author: "bob"}
	x1 := forge.Commit{SHA: "x1", Parents: []string{"m1"}, Author: "carol"}
	tests := []struct {
		name        string
		commits     []forge.Commit
		wantForeign bool
		wantMerged  bool
	}{
		{"bosun's commit", []forge.Commit{bosun}, false, false},
		{"amended, trailer kept", []forge.Commit{amended}, true, false},
		{"Update branch merge", []forge.Commit{bosun, update}, false, true},
		{"two Update branch merges", []forge.Commit{bosun, update, {SHA: "u3", Parents: []string{"u1", "m3"}}}, false, true},
		{"merge of another branch", []forge.Commit{bosun, x1, fromBranch}, true, false},
		{"commit on top", []forge.Commit{bosun, {SHA: "c1", Parents: []string{"b1"}}}, true, false},
	}
	for _, tt := range tests {
		foreign, merged := foreignSince(tt.commits, "b1")
		if (foreign != "") != tt.wantForeign || merged != tt.wantMerged {
			t.Errorf("%s: foreign %q merged %v, want foreign %v merged %v", tt.name, foreign, merged, tt.wantForeign, tt.wantMerged)
		}
	}
}

func TestNotGreen(t *testing.T) {
	t.Parallel()
	run := func(status, concl string) forge.CheckRun {
		return forge.CheckRun{Name: "ci", Status: status, Conclusion: concl}
	}
	tests := []struct {
		c     forge.Checks
		green bool
	}{
		{forge.Checks{State: "pending"}, false}, // nothing reported yet
		{forge.Checks{State: "success", Statuses: 1}, true},
		{forge.Checks{State: "pending", Runs: []forge.CheckRun{run("completed", "success"), run("completed", "skipped")}}, true},
		{forge.Checks{State: "pending", Runs: []forge.CheckRun{run("completed", "neutral")}}, true},
		{forge.Checks{State: "failure", Statuses: 1, Runs: []forge.CheckRun{run("completed", "success")}}, false},
		{forge.Checks{State: "pending", Statuses: 1, Runs: []forge.CheckRun{run("completed", "success")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("completed", "failure")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("completed", "cancelled")}}, false},
		{forge.Checks{Runs: []forge.CheckRun{run("in_progress", "")}}, false},
	}
	for i, tt := range tests {
		if why := notGreen(tt.c); (why == "") != tt.green {
			t.Errorf("%d: %+v: notGreen = %q, want green %v", i, tt.c, why, tt.green)
		}
	}
}

func TestRebaseTicked(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]bool{
		"x\n- [ ] <!-- bosun-rebase -->tick\n":       false,
		"x\n- [x] <!-- bosun-rebase -->tick\n":       true,
		"x\n- [X] <!-- bosun-rebase -->tick\n":       true,
		"quoted: `- [x] <!-- bosun-rebase -->` here": false,
	} {
		if got := rebaseTicked(body); got != want {
			t.Errorf("rebaseTicked(%q) = %v, want %v", body, got, want)
		}
	}
}
