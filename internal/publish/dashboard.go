package publish

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"

	"github.com/bosunhq/bosun/internal/forge"
)

// dashboardMark identifies bosun's dashboard issue.
const dashboardMark = "<!-- bosun:dashboard -->"

// BranchBox is the checkbox line of a group waiting on the dashboard;
// ticked, it opens the group's pull request on the next run.
func BranchBox(branch, text string) string {
	return "- [ ] <!-- bosun-branch=" + branch + " -->" + text
}

var branchTickRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?m)^\s*- \[[xX]\] <!-- bosun-branch=(\S+) -->`) })

// readDashboard finds the dashboard issue and the branches ticked on it.
// The issue is looked for among those opened by the author of bosun's pull
// requests when there are any, so that nobody else's issue quoting the
// marker is taken for it. open are bosun's open pull requests, newest
// first. A failure to read it is logged; the run then neither honours
// ticks nor writes the dashboard (it could duplicate it).
func (p *publisher) readDashboard(ctx context.Context, open []forge.PullRequest) {
	if p.opts.Dashboard == nil {
		return
	}
	var is forge.Issue
	var found bool
	var err error
	if creator := markedAuthor(open); creator != "" {
		// The author of the newest open pull request bosun made. (A closed
		// one newer still, by another account after a change of token, is
		// not looked at: the account maintaining the open ones decides.)
		is, found, err = p.findDashboard(ctx, creator)
	} else {
		is, found, err = p.dashboardWithoutOpen(ctx)
	}
	if err != nil {
		p.noteFatal(err)
		p.opts.Logger.Warn("dashboard not read: ticks are not honoured and it is not written this run", "err", err)
		return
	}
	p.dashOK = true
	if !found {
		return
	}
	p.dash = is
	for _, m := range branchTickRE().FindAllStringSubmatch(is.Body, -1) {
		p.ticked[m[1]] = true
	}
}

// markedAuthor is the author of the first of prs that carries bosun's
// marker, or "".
func markedAuthor(prs []forge.PullRequest) string {
	for _, pr := range prs {
		if _, ok := parseMeta(pr.Body); ok && pr.User != "" {
			return pr.User
		}
	}
	return ""
}

// findDashboard finds the dashboard issue among those creator opened, or
// among all when creator is "".
func (p *publisher) findDashboard(ctx context.Context, creator string) (forge.Issue, bool, error) {
	is, found, err := p.f.FindIssue(ctx, creator, dashboardMark)
	if err == nil && !found && creator != "" {
		// Not every forge filters by a bot's login: look at every open
		// issue, keeping only one bosun's pull requests' author opened.
		is, found, err = p.f.FindIssue(ctx, "", dashboardMark)
		found = found && strings.EqualFold(is.User, creator)
	}
	return is, found, err
}

// dashboardWithoutOpen finds the dashboard issue when no open pull request
// says who bosun is. The author of the newest closed pull request bosun
// made then does, as when every pull request was listed, but those are
// read only when an open issue carries the marker at all (none: there is
// no dashboard, whoever bosun is), and newest first only as far as the
// first one bosun made, not the thousands Renovate may have left. With no
// pull request bosun ever made, any issue carrying the marker is it.
func (p *publisher) dashboardWithoutOpen(ctx context.Context) (forge.Issue, bool, error) {
	is, found, err := p.f.FindIssue(ctx, "", dashboardMark)
	if err != nil || !found {
		return is, found, err
	}
	creator := ""
	err = p.f.EachPullRequest(ctx, forge.StateClosed, p.opts.BranchPrefix, func(pr forge.PullRequest) bool {
		creator = markedAuthor([]forge.PullRequest{pr})
		return creator == ""
	})
	if err != nil {
		return forge.Issue{}, false, wrap(err, "list closed pull requests")
	}
	if creator == "" || strings.EqualFold(is.User, creator) {
		// The newest issue carrying the marker is the creator's newest one.
		return is, true, nil
	}
	return p.findDashboard(ctx, creator)
}

// dashboardBody is the issue body: the rendered Markdown, cut to the
// forge's size limit, and the marker.
func dashboardBody(md string) string {
	tail := "\n" + dashboardMark + "\n"
	if len(md)+len(tail) > maxBody {
		md = strings.ToValidUTF8(md[:maxBody-len(tail)-40], "") + "\n\n*(truncated)*\n"
	}
	return md + tail
}

// writeDashboard creates or updates the dashboard issue when its content
// changed. It returns an outcome only when that failed.
func (p *publisher) writeDashboard(ctx context.Context, outcomes []Outcome) (Outcome, bool) {
	d := p.opts.Dashboard
	if d == nil || !p.dashOK || d.Render == nil {
		return Outcome{}, false
	}
	o := Outcome{Branch: "dashboard", Title: d.Title, Number: p.dash.Number, URL: p.dash.URL}
	if p.stop != nil {
		p.opts.Logger.Info("dashboard not updated: the run stopped early")
		return Outcome{}, false
	}
	body := dashboardBody(d.Render(outcomes))
	switch {
	case p.dash.Number == 0 && len(outcomes) == 0:
		// Nothing proposed and no pull request: a run with nothing to do
		// writes nothing, not even a first dashboard.
	case p.dash.Number == 0:
		is, err := p.f.CreateIssue(ctx, d.Title, body)
		if err != nil {
			return p.dashboardFailed(o, wrap(err, "create dashboard issue"))
		}
		p.opts.Logger.Info("dashboard issue created", "issue", is.Number)
	case p.dash.Body != body || p.dash.Title != d.Title:
		if err := p.f.UpdateIssue(ctx, p.dash.Number, d.Title, body); err != nil {
			return p.dashboardFailed(o, wrap(err, "update dashboard issue #%d", p.dash.Number))
		}
		p.opts.Logger.Info("dashboard issue updated", "issue", p.dash.Number)
	}
	return Outcome{}, false
}

// dashboardFailed reports a dashboard write that failed. A token without
// issues: write only gets a warning, so that a workflow granting just
// contents and pull-requests keeps passing; other failures fail the run.
func (p *publisher) dashboardFailed(o Outcome, err error) (Outcome, bool) {
	if errors.Is(err, forge.ErrPermission) {
		p.opts.Logger.Warn("dashboard not written: give the token issues: write, or set dashboard.enabled: false", "err", err)
		return Outcome{}, false
	}
	o.Action, o.Err = ActionFailed, err
	return o, true
}
