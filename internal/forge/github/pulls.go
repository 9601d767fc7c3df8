package github

import (
	"context"
	"errors"
	"fmt"
	"strings"

	gh "github.com/google/go-github/v60/github"

	"github.com/bosunhq/bosun/internal/forge"
)

// LabelColor is the color a missing label is created with: type/major red,
// type/minor yellow, type/patch green, type/digest grey, others GitHub's ededed.
func LabelColor(name string) string {
	switch strings.ToLower(name) {
	case "type/major":
		return "d73a4a"
	case "type/minor":
		return "fbca04"
	case "type/patch":
		return "0e8a16"
	case "type/digest":
		return "bfbfbf"
	}
	return "ededed"
}

func (c *Client) toPR(p *gh.PullRequest) forge.PullRequest {
	out := forge.PullRequest{
		Number:  p.GetNumber(),
		URL:     p.GetHTMLURL(),
		State:   p.GetState(),
		Merged:  p.GetMerged() || p.MergedAt != nil,
		Title:   p.GetTitle(),
		Body:    p.GetBody(),
		Head:    p.GetHead().GetRef(),
		Base:    p.GetBase().GetRef(),
		HeadSHA: p.GetHead().GetSHA(),
		User:    p.GetUser().GetLogin(),
		Draft:   p.GetDraft(),
		NodeID:  p.GetNodeID(),
		// Mergeable stays nil while GitHub computes it.
		Mergeable:      p.Mergeable,
		MergeableState: p.GetMergeableState(),
		AutoMerge:      p.AutoMerge != nil,
	}
	for _, l := range p.Labels {
		out.Labels = append(out.Labels, l.GetName())
	}
	return out
}

// fromThisRepo reports whether a PR's head branch lives in this repository
// (not a fork that happens to use the same branch name).
func (c *Client) fromThisRepo(p *gh.PullRequest) bool {
	full := p.GetHead().GetRepo().GetFullName()
	return full == "" || strings.EqualFold(full, c.owner+"/"+c.repo)
}

// eachPull calls each for the pull requests of this repository (not forks)
// the listing opts selects, newest first, until it returns false; pages
// are read only as far as that.
func (c *Client) eachPull(ctx context.Context, op string, opts *gh.PullRequestListOptions, each func(*gh.PullRequest) bool) error {
	if opts.State == "" {
		opts.State = forge.StateOpen
	}
	opts.PerPage = 100
	return eachPage(ctx, c, op, &opts.Page, 0, func(g *gh.Client) ([]*gh.PullRequest, *gh.Response, error) {
		return g.PullRequests.List(ctx, c.owner, c.repo, opts)
	}, func(p *gh.PullRequest) bool {
		return !c.fromThisRepo(p) || each(p)
	})
}

func (c *Client) listPulls(ctx context.Context, op string, opts *gh.PullRequestListOptions, keep func(*gh.PullRequest) bool) ([]forge.PullRequest, error) {
	out := []forge.PullRequest{}
	err := c.eachPull(ctx, op, opts, func(p *gh.PullRequest) bool {
		if keep(p) {
			out = append(out, c.toPR(p))
		}
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FindPullRequests returns the pull requests whose head is branch head of
// this repository, in state "open", "closed" or "all" (empty means open),
// newest first. GitHub filters them by head: this costs one request
// however many pull requests the repository has.
func (c *Client) FindPullRequests(ctx context.Context, head, state string) ([]forge.PullRequest, error) {
	opts := &gh.PullRequestListOptions{State: state, Head: c.owner + ":" + head}
	return c.listPulls(ctx, "find pull requests for "+head, opts, func(p *gh.PullRequest) bool {
		return p.GetHead().GetRef() == head
	})
}

// ListPullRequests returns every pull request in state whose head branch
// starts with headPrefix ("bosun/"), newest first. GitHub cannot filter by
// a prefix: this reads every pull request in state, 100 per request.
func (c *Client) ListPullRequests(ctx context.Context, state, headPrefix string) ([]forge.PullRequest, error) {
	opts := &gh.PullRequestListOptions{State: state}
	return c.listPulls(ctx, "list pull requests "+headPrefix+"*", opts, func(p *gh.PullRequest) bool {
		return strings.HasPrefix(p.GetHead().GetRef(), headPrefix)
	})
}

// EachPullRequest calls each for the pull requests in state whose head
// branch starts with headPrefix, newest first, until it returns false:
// pages are read only as far as that.
func (c *Client) EachPullRequest(ctx context.Context, state, headPrefix string, each func(forge.PullRequest) bool) error {
	opts := &gh.PullRequestListOptions{State: state}
	return c.eachPull(ctx, "list pull requests "+headPrefix+"*", opts, func(p *gh.PullRequest) bool {
		return !strings.HasPrefix(p.GetHead().GetRef(), headPrefix) || each(c.toPR(p))
	})
}

// GetPullRequest returns pull request number.
func (c *Client) GetPullRequest(ctx context.Context, number int) (forge.PullRequest, error) {
	var p *gh.PullRequest
	err := c.call(ctx, fmt.Sprintf("get pull request #%d", number), func(g *gh.Client) (r *gh.Response, err error) {
		p, r, err = g.PullRequests.Get(ctx, c.owner, c.repo, number)
		return r, err
	})
	if err != nil {
		return forge.PullRequest{}, err
	}
	return c.toPR(p), nil
}

// CreatePullRequest opens a pull request from spec.Head into spec.Base (the
// default branch when empty), then labels it, creating missing labels.
// An open pull request for the branch gives forge.ErrAlreadyExists.
func (c *Client) CreatePullRequest(ctx context.Context, spec forge.Spec) (forge.PullRequest, error) {
	op := "create pull request for " + spec.Head
	base := spec.Base
	if base == "" {
		b, err := c.DefaultBranch(ctx)
		if err != nil {
			return forge.PullRequest{}, fmt.Errorf("%s: %w", op, err)
		}
		base = b
	}
	var p *gh.PullRequest
	err := c.call(ctx, op, func(g *gh.Client) (r *gh.Response, err error) {
		p, r, err = g.PullRequests.Create(ctx, c.owner, c.repo, &gh.NewPullRequest{
			Title: gh.String(spec.Title),
			Head:  gh.String(spec.Head),
			Base:  gh.String(base),
			Body:  gh.String(spec.Body),
			Draft: gh.Bool(spec.Draft),
		})
		return r, err
	})
	if err != nil {
		return forge.PullRequest{}, err
	}
	pr := c.toPR(p)
	if len(spec.Labels) > 0 {
		labels, err := c.addLabels(ctx, pr.Number, spec.Labels)
		if err != nil {
			return pr, err
		}
		pr.Labels = labels
	}
	c.log.Info("opened pull request", "pr", pr.Number, "branch", spec.Head)
	return pr, nil
}

// UpdatePullRequest sets the title, body and (when non-empty) base of pull
// request number, adds the spec's labels it lacks and removes "type/*"
// labels the spec no longer has. Other labels, set by people, are kept.
func (c *Client) UpdatePullRequest(ctx context.Context, number int, spec forge.Spec) error {
	op := fmt.Sprintf("update pull request #%d", number)
	edit := &gh.PullRequest{Title: gh.String(spec.Title), Body: gh.String(spec.Body)}
	if spec.Base != "" {
		edit.Base = &gh.PullRequestBranch{Ref: gh.String(spec.Base)}
	}
	var p *gh.PullRequest
	err := c.call(ctx, op, func(g *gh.Client) (r *gh.Response, err error) {
		p, r, err = g.PullRequests.Edit(ctx, c.owner, c.repo, number, edit)
		return r, err
	})
	if err != nil {
		return err
	}
	want := map[string]bool{}
	for _, l := range spec.Labels {
		want[strings.ToLower(l)] = true
	}
	have := map[string]bool{}
	var remove []string
	for _, l := range p.Labels {
		n := l.GetName()
		have[strings.ToLower(n)] = true
		if strings.HasPrefix(strings.ToLower(n), "type/") && !want[strings.ToLower(n)] {
			remove = append(remove, n)
		}
	}
	var add []string
	for _, l := range spec.Labels {
		if !have[strings.ToLower(l)] {
			add = append(add, l)
			have[strings.ToLower(l)] = true
		}
	}
	if len(add) > 0 {
		if _, err := c.addLabels(ctx, number, add); err != nil {
			return err
		}
	}
	for _, n := range remove {
		err := c.call(ctx, fmt.Sprintf("%s: remove label %s", op, n), func(g *gh.Client) (*gh.Response, error) {
			return g.Issues.RemoveLabelForIssue(ctx, c.owner, c.repo, number, escapeLabel(n))
		})
		if err != nil && !errors.Is(err, forge.ErrNotFound) {
			return err
		}
	}
	return nil
}

func (c *Client) addLabels(ctx context.Context, number int, names []string) ([]string, error) {
	if err := c.EnsureLabels(ctx, names); err != nil {
		return nil, err
	}
	var labels []*gh.Label
	err := c.call(ctx, fmt.Sprintf("label pull request #%d", number), func(g *gh.Client) (r *gh.Response, err error) {
		labels, r, err = g.Issues.AddLabelsToIssue(ctx, c.owner, c.repo, number, names)
		return r, err
	})
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(labels))
	for _, l := range labels {
		out = append(out, l.GetName())
	}
	return out, nil
}

// EnsureLabels creates the named labels the repository lacks, with
// LabelColor colors. The repository's labels are listed once per client.
func (c *Client) EnsureLabels(ctx context.Context, names []string) error {
	c.mu.Lock()
	known := c.labels
	c.mu.Unlock()
	if known == nil {
		known = map[string]bool{}
		opts := &gh.ListOptions{PerPage: 100}
		err := eachPage(ctx, c, "list labels", &opts.Page, 0, func(g *gh.Client) ([]*gh.Label, *gh.Response, error) {
			return g.Issues.ListLabels(ctx, c.owner, c.repo, opts)
		}, func(l *gh.Label) bool {
			known[strings.ToLower(l.GetName())] = true
			return true
		})
		if err != nil {
			return err
		}
		c.mu.Lock()
		if c.labels == nil {
			c.labels = known
		}
		known = c.labels
		c.mu.Unlock()
	}
	for _, n := range names {
		key := strings.ToLower(n)
		c.mu.Lock()
		exists := known[key]
		c.mu.Unlock()
		if exists {
			continue
		}
		err := c.call(ctx, "create label "+n, func(g *gh.Client) (r *gh.Response, err error) {
			_, r, err = g.Issues.CreateLabel(ctx, c.owner, c.repo, &gh.Label{Name: gh.String(n), Color: gh.String(LabelColor(n))})
			return r, err
		})
		if err != nil && !errors.Is(err, forge.ErrAlreadyExists) {
			return err
		}
		c.mu.Lock()
		known[key] = true
		c.mu.Unlock()
	}
	return nil
}

// ClosePullRequest closes pull request number without merging, first
// posting comment when it is non-empty.
func (c *Client) ClosePullRequest(ctx context.Context, number int, comment string) error {
	if comment != "" {
		if err := c.Comment(ctx, number, comment); err != nil {
			return err
		}
	}
	return c.call(ctx, fmt.Sprintf("close pull request #%d", number), func(g *gh.Client) (r *gh.Response, err error) {
		_, r, err = g.PullRequests.Edit(ctx, c.owner, c.repo, number, &gh.PullRequest{State: gh.String(forge.StateClosed)})
		return r, err
	})
}

// Comment posts a comment on pull request number.
func (c *Client) Comment(ctx context.Context, number int, body string) error {
	return c.call(ctx, fmt.Sprintf("comment on #%d", number), func(g *gh.Client) (r *gh.Response, err error) {
		_, r, err = g.Issues.CreateComment(ctx, c.owner, c.repo, number, &gh.IssueComment{Body: gh.String(body)})
		return r, err
	})
}

// ListComments returns the bodies of every comment on pull request number,
// oldest first.
func (c *Client) ListComments(ctx context.Context, number int) ([]string, error) {
	op := fmt.Sprintf("list comments on #%d", number)
	opts := &gh.IssueListCommentsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	out := []string{}
	err := eachPage(ctx, c, op, &opts.Page, 0, func(g *gh.Client) ([]*gh.IssueComment, *gh.Response, error) {
		return g.Issues.ListComments(ctx, c.owner, c.repo, number, opts)
	}, func(cm *gh.IssueComment) bool {
		out = append(out, cm.GetBody())
		return true
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
