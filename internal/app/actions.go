package app

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/bosunhq/bosun/internal/pipeline"
	"github.com/bosunhq/bosun/internal/report"
)

// ghActions is the GitHub Actions runner environment (nil outside a workflow).
type ghActions struct {
	summary string // $GITHUB_STEP_SUMMARY
	output  string // $GITHUB_OUTPUT
	temp    string // $RUNNER_TEMP
}

func (d *Deps) githubActions() *ghActions {
	if d.Getenv("GITHUB_ACTIONS") != "true" {
		return nil
	}
	return &ghActions{summary: d.Getenv("GITHUB_STEP_SUMMARY"), output: d.Getenv("GITHUB_OUTPUT"), temp: d.Getenv("RUNNER_TEMP")}
}

func appendFile(path, content string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("github actions: %w", err)
	}
	_, werr := f.WriteString(content)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("github actions: write %s: %w", filepath.Base(path), werr)
	}
	return nil
}

// setOutputs writes step outputs in the heredoc form actions/core uses.
func (a *ghActions) setOutputs(outputs []report.StepOutput) error {
	var b strings.Builder
	for _, o := range outputs {
		delim := "ghadelimiter_" + randomHex()
		fmt.Fprintf(&b, "%s<<%s\n%s\n%s\n", o.Name, delim, o.Value, delim)
	}
	return appendFile(a.output, b.String())
}

func randomHex() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// planFile is where the JSON plan goes: --plan-file, else $RUNNER_TEMP in a workflow.
func (a *ghActions) planFile(flag string) string {
	if flag != "" || a == nil || a.temp == "" {
		return flag
	}
	return filepath.Join(a.temp, "bosun-plan.json")
}

func writePlanFile(path string, p *pipeline.Result) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("plan file: %w", err)
	}
	werr := report.WritePlanJSON(f, p)
	if err := f.Close(); werr == nil {
		werr = err
	}
	if werr != nil {
		return fmt.Errorf("plan file %s: %w", path, werr)
	}
	return nil
}

// reportToActions writes the job summary, the step outputs and the
// annotations of a plan (and of the pull requests of a run).
func (d *Deps) reportToActions(a *ghActions, dir, planPath string, p *pipeline.Result, run *report.Run) error {
	var md strings.Builder
	if err := report.WriteSummary(&md, p, run); err != nil {
		return err
	}
	if err := appendFile(a.summary, md.String()); err != nil {
		return err
	}
	outputs, err := report.StepOutputs(planPath, p, run)
	if err != nil {
		return fmt.Errorf("github actions: %w", err)
	}
	if err := a.setOutputs(outputs); err != nil {
		return err
	}
	d.endGroup()
	return report.WriteAnnotations(d.IO.Err, report.PlanAnnotations(p, gitPrefixOf(dir)))
}

// startGroup folds the command's logs in the workflow log.
func (d *Deps) startGroup(title string) {
	if d.githubActions() != nil && !d.groupOpen {
		fmt.Fprintf(d.IO.Err, "::group::%s\n", title)
		d.groupOpen = true
	}
}

func (d *Deps) endGroup() {
	if d.groupOpen {
		fmt.Fprintln(d.IO.Err, "::endgroup::")
		d.groupOpen = false
	}
}
