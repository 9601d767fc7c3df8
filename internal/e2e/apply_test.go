package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestApply_Corpus runs `bosun apply` (default policy) on a git copy of each
// corpus repository and checks, through git and byte for byte, that only the
// planned version tokens changed; a second plan and apply do nothing.
func TestApply_Corpus(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found in PATH")
	}
	for _, repo := range repos {
		t.Run(repo, func(t *testing.T) {
			t.Parallel()
			fx := getFixture(t, repo)
			pc := policies[0] // default
			dir := fx.copyTo(t)
			fx.writeConfig(t, dir, pc.yaml)
			git(t, dir, "init", "-q", "-b", "main")
			git(t, dir, "add", "-A")
			git(t, dir, "commit", "-q", "-m", "corpus")

			r := runBosun(t, "apply", "--no-cache", dir)
			if r.code != 0 {
				t.Fatalf("apply: exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
			}

			edits := wantEdits(t, fx, pc)
			checkFiles(t, fx, dir, edits)
			checkGitDiff(t, dir, edits)

			status := git(t, dir, "status", "--porcelain")
			diff := git(t, dir, "diff", "--no-color", "--no-ext-diff")

			// Nothing is left to do.
			p := runBosun(t, "plan", "-o", "json", "--no-cache", "--detailed-exitcode", dir)
			var doc planDoc
			if err := json.Unmarshal([]byte(p.stdout), &doc); err != nil {
				t.Fatalf("second plan: not JSON (exit %d): %v\n%s", p.code, err, p.stderr)
			}
			if p.code != 0 || len(doc.Groups) != 0 || len(doc.Failed) != 0 || doc.Summary.UpToDate != len(fx.refs) {
				t.Errorf("second plan: exit %d, %d groups, %d failed, summary %+v; want exit 0, nothing to do", p.code, len(doc.Groups), len(doc.Failed), doc.Summary)
			}
			again := runBosun(t, "apply", "--no-cache", dir)
			if again.code != 0 {
				t.Errorf("second apply: exit %d\n%s%s", again.code, again.stdout, again.stderr)
			}
			if got := git(t, dir, "status", "--porcelain"); got != status {
				t.Errorf("second apply changed the status:\n%s", cmp.Diff(status, got))
			}
			if got := git(t, dir, "diff", "--no-color", "--no-ext-diff"); got != diff {
				t.Errorf("second apply changed the tree:\n%s", cmp.Diff(diff, got))
			}
		})
	}
}

// fileEdits are the splices expected in one file.
type fileEdits []splice

// wantEdits computes every expected edit, by file.
func wantEdits(t *testing.T, fx *fixture, pc policyCase) map[string]fileEdits {
	t.Helper()
	out := map[string]fileEdits{}
	for _, ref := range fx.refs {
		if ref.Skip != "" {
			continue
		}
		e, ok := expect(ref, fx.published[ref.Key()], pc.allowedFor(ref))
		if !ok {
			continue
		}
		out[ref.Loc.File] = append(out[ref.Loc.File], splice{loc: ref.Loc, from: ref.Version, to: newValueOf(ref, e.to)})
	}
	if len(out) == 0 {
		t.Fatal("no edits expected: the test would prove nothing")
	}
	return out
}

// checkFiles compares each edited file byte for byte with the template
// spliced independently, and checks that file modes are kept.
func checkFiles(t *testing.T, fx *fixture, dir string, edits map[string]fileEdits) {
	t.Helper()
	for file, es := range edits {
		orig, err := os.ReadFile(filepath.Join(fx.template, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		want, err := applySplices(orig, es)
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s after apply differs from the template with only its versions changed (-want +got):\n%s", file, cmp.Diff(string(want), string(got)))
		}
		fi, err := os.Stat(filepath.Join(fx.template, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		gi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(file)))
		if err != nil {
			t.Fatal(err)
		}
		if gi.Mode() != fi.Mode() {
			t.Errorf("%s: mode %v after apply, want %v", file, gi.Mode(), fi.Mode())
		}
	}
	for _, f := range []string{fx.crlfFile, fx.execFile} {
		if _, ok := edits[f]; !ok {
			t.Errorf("%s (CRLF or executable) gets no edit: the check proves nothing", f)
		}
	}
}

// checkGitDiff checks git's view: only the edited files are modified
// (nothing added or deleted, no mode change), each by exactly one changed
// line per edit, and every changed word is an (old, new) version pair.
func checkGitDiff(t *testing.T, dir string, edits map[string]fileEdits) {
	t.Helper()
	var wantStatus []string
	for f := range edits {
		wantStatus = append(wantStatus, " M "+f)
	}
	sort.Strings(wantStatus)
	gotStatus := strings.Split(strings.TrimRight(git(t, dir, "status", "--porcelain", "--untracked-files=all"), "\n"), "\n")
	if diff := cmp.Diff(wantStatus, gotStatus); diff != "" {
		t.Errorf("git status mismatch (-want +got):\n%s", diff)
	}
	if s := git(t, dir, "diff", "--summary"); strings.TrimSpace(s) != "" {
		t.Errorf("git diff --summary reports mode or file changes:\n%s", s)
	}

	// numstat: one changed line per edit (a line holds at most one version).
	gotNum := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(git(t, dir, "diff", "--numstat")), "\n") {
		parts := strings.SplitN(l, "\t", 3)
		if len(parts) != 3 {
			t.Fatalf("numstat line %q", l)
		}
		gotNum[parts[2]] = parts[0] + " " + parts[1]
	}
	wantNum := map[string]string{}
	for f, es := range edits {
		lines := map[int]bool{}
		for _, e := range es {
			lines[e.loc.Line] = true
		}
		n := strconv.Itoa(len(lines))
		wantNum[f] = n + " " + n
	}
	if diff := cmp.Diff(wantNum, gotNum); diff != "" {
		t.Errorf("git diff --numstat (added deleted) mismatch (-want +got):\n%s", diff)
	}

	// Word diff: per file, the (old → new) word pairs are the planned ones.
	gotWords, err := wordPairs(git(t, dir, "diff", "--no-color", "--no-ext-diff", "--word-diff=porcelain"))
	if err != nil {
		t.Fatal(err)
	}
	wantWords := map[string][]string{}
	for f, es := range edits {
		for _, e := range es {
			wantWords[f] = append(wantWords[f], e.from+" → "+e.to)
		}
		sort.Strings(wantWords[f])
	}
	if diff := cmp.Diff(wantWords, gotWords); diff != "" {
		t.Errorf("changed words mismatch (-want +got):\n%s", diff)
	}
}

// wordPairs parses `git diff --word-diff=porcelain` into, per file, the
// sorted "old → new" pairs of changed words, quotes stripped. A removal or
// an addition without its counterpart is an error.
func wordPairs(out string) (map[string][]string, error) {
	res := map[string][]string{}
	file := ""
	inHunk := false
	var pending *string
	flush := func() error {
		if pending != nil {
			return fmt.Errorf("%s: word %q removed and nothing added", file, *pending)
		}
		return nil
	}
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, "diff --git "):
			if err := flush(); err != nil {
				return nil, err
			}
			inHunk, file = false, ""
		case !inHunk && strings.HasPrefix(l, "+++ b/"):
			file = strings.TrimPrefix(l, "+++ b/")
		case strings.HasPrefix(l, "@@"):
			if err := flush(); err != nil {
				return nil, err
			}
			inHunk = true
		case !inHunk:
		case strings.HasPrefix(l, "-"):
			if err := flush(); err != nil {
				return nil, err
			}
			w := unquote(l[1:])
			pending = &w
		case strings.HasPrefix(l, "+"):
			if pending == nil {
				return nil, fmt.Errorf("%s: word %q added and nothing removed", file, l[1:])
			}
			res[file] = append(res[file], *pending+" → "+unquote(l[1:]))
			pending = nil
		default: // context (" ") and line ends ("~")
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	for f := range res {
		sort.Strings(res[f])
	}
	return res, nil
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// git runs git in dir with a fixed identity and date, isolated from any
// user or system configuration, and returns its stdout.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "core.autocrlf=false", "-c", "core.filemode=true", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
		"GIT_AUTHOR_NAME=bosun e2e", "GIT_AUTHOR_EMAIL=e2e@bosun.invalid",
		"GIT_COMMITTER_NAME=bosun e2e", "GIT_COMMITTER_EMAIL=e2e@bosun.invalid",
		"GIT_AUTHOR_DATE=2026-01-01T00:00:00Z", "GIT_COMMITTER_DATE=2026-01-01T00:00:00Z",
		"LC_ALL=C",
	)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}
