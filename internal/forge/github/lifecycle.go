package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/bosunhq/bosun/internal/forge"
)

// mergeableWaits are the pauses between GETs of a pull request whose
// mergeability GitHub is still computing (mergeable: null); after the last
// one it is reported unknown.
var mergeableWaits = []time.Duration{250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second}

// PullRequestMergeable returns pull request number with its mergeability,
// re-reading it a bounded number of times while GitHub computes it.
// Mergeable is still nil when GitHub did not finish in time.
func (c *Client) PullRequestMergeable(ctx context.Context, number int) (forge.PullRequest, error) {
	for i := 0; ; i++ {
		pr, err := c.GetPullRequest(ctx, number)
		if err != nil || pr.Mergeable != nil || pr.State != forge.StateOpen || i == len(mergeableWaits) {
			return pr, err
		}
		if err := c.opts.Sleep(ctx, mergeableWaits[i]); err != nil {
			return pr, fmt.Errorf("get pull request #%d: %w", number, err)
		}
	}
}

// Checks returns the combined commit status and the check runs of ref. A
// 403 on check runs (a token without checks: read) counts as none.
func (c *Client) Checks(ctx context.Context, ref string) (forge.Checks, error) {
	var out forge.Checks
	var cs *gh.CombinedStatus
	err := c.call(ctx, "get combined status of "+ref, func(g *gh.Client) (r *gh.Response, err error) {
		cs, r, err = g.Repositories.GetCombinedStatus(ctx, c.owner, c.repo, ref, &gh.ListOptions{PerPage: 100})
		return r, err
	})
	if err != nil {
		return out, err
	}
	out.State, out.Statuses = cs.GetState(), cs.GetTotalCount()
	opts := &gh.ListCheckRunsOptions{ListOptions: gh.ListOptions{PerPage: 100}}
	err = eachPage(ctx, c, "list check runs of "+ref, &opts.Page, 10, func(g *gh.Client) ([]*gh.CheckRun, *gh.Response, error) {
		res, r, err := g.Checks.ListCheckRunsForRef(ctx, c.owner, c.repo, ref, opts)
		if err != nil {
			return nil, r, err
		}
		return res.CheckRuns, r, nil
	}, func(r *gh.CheckRun) bool {
		out.Runs = append(out.Runs, forge.CheckRun{Name: r.GetName(), Status: r.GetStatus(), Conclusion: r.GetConclusion()})
		return true
	})
	if errors.Is(err, forge.ErrPermission) && !errors.Is(err, forge.ErrRateLimited) {
		return out, nil
	}
	return out, err
}

// MergePullRequest merges pull request number with method (merge, squash
// or rebase) if its head is still sha. GitHub answers forge.ErrNotAllowed
// (405) when the pull request cannot be merged, forge.ErrConflict (409)
// when the head moved.
func (c *Client) MergePullRequest(ctx context.Context, number int, sha, method, title string) error {
	return c.call(ctx, fmt.Sprintf("merge pull request #%d", number), func(g *gh.Client) (*gh.Response, error) {
		_, r, err := g.PullRequests.Merge(ctx, c.owner, c.repo, number, "", &gh.PullRequestOptions{
			CommitTitle: title, SHA: sha, MergeMethod: method, DontDefaultIfBlank: true,
		})
		return r, err
	})
}

// RequiresUpToDate reports whether branch protection or a ruleset makes
// pull requests into branch be up to date with it before merging. A
// forbidden or missing answer (no admin rights, no protection) counts as
// not required; only a rate limit or a cancelled context is an error.
func (c *Client) RequiresUpToDate(ctx context.Context, branch string) (bool, error) {
	var prot *gh.Protection
	err := c.call(ctx, "get protection of "+branch, func(g *gh.Client) (r *gh.Response, err error) {
		prot, r, err = g.Repositories.GetBranchProtection(ctx, c.owner, c.repo, branch)
		return r, err
	})
	if fatal(err) {
		return false, err
	}
	if err == nil && prot.GetRequiredStatusChecks() != nil && prot.GetRequiredStatusChecks().Strict {
		return true, nil
	}
	var rules []*gh.RepositoryRule
	err = c.call(ctx, "get rules of "+branch, func(g *gh.Client) (r *gh.Response, err error) {
		rules, r, err = g.Repositories.GetRulesForBranch(ctx, c.owner, c.repo, branch)
		return r, err
	})
	if fatal(err) {
		return false, err
	}
	for _, r := range rules {
		if r.Type != "required_status_checks" || r.Parameters == nil {
			continue
		}
		var p struct {
			Strict bool `json:"strict_required_status_checks_policy"`
		}
		if json.Unmarshal(*r.Parameters, &p) == nil && p.Strict {
			return true, nil
		}
	}
	return false, nil
}

// fatal reports whether err means no later call can succeed either.
func fatal(err error) bool {
	return err != nil && (errors.Is(err, forge.ErrRateLimited) || errors.Is(err, context.Canceled) ||
		errors.Is(err, context.DeadlineExceeded))
}

// RequestReviewers asks users and teams ("org/team" or a team slug given
// with a slash) to review pull request number.
func (c *Client) RequestReviewers(ctx context.Context, number int, reviewers []string) error {
	var req gh.ReviewersRequest
	for _, r := range reviewers {
		if _, team, ok := strings.Cut(r, "/"); ok {
			req.TeamReviewers = append(req.TeamReviewers, team)
		} else {
			req.Reviewers = append(req.Reviewers, r)
		}
	}
	return c.call(ctx, fmt.Sprintf("request reviewers on #%d", number), func(g *gh.Client) (*gh.Response, error) {
		_, r, err := g.PullRequests.RequestReviewers(ctx, c.owner, c.repo, number, req)
		return r, err
	})
}

// AddAssignees assigns logins to issue or pull request number.
func (c *Client) AddAssignees(ctx context.Context, number int, logins []string) error {
	return c.call(ctx, fmt.Sprintf("add assignees to #%d", number), func(g *gh.Client) (*gh.Response, error) {
		_, r, err := g.Issues.AddAssignees(ctx, c.owner, c.repo, number, logins)
		return r, err
	})
}

// maxIssuePages bounds the listing FindIssue reads.
const maxIssuePages = 10

// FindIssue returns the newest open issue (not pull request) whose body
// contains marker, created by creator when creator is not empty; ok is
// false when there is none.
func (c *Client) FindIssue(ctx context.Context, creator, marker string) (forge.Issue, bool, error) {
	opts := &gh.IssueListByRepoOptions{State: forge.StateOpen, Creator: creator, ListOptions: gh.ListOptions{PerPage: 100}}
	var found *gh.Issue
	err := eachPage(ctx, c, "list issues", &opts.Page, maxIssuePages, func(g *gh.Client) ([]*gh.Issue, *gh.Response, error) {
		return g.Issues.ListByRepo(ctx, c.owner, c.repo, opts)
	}, func(is *gh.Issue) bool {
		if !is.IsPullRequest() && strings.Contains(is.GetBody(), marker) {
			found = is
		}
		return found == nil
	})
	if err != nil || found == nil {
		return forge.Issue{}, false, err
	}
	return toIssue(found), true, nil
}

func toIssue(is *gh.Issue) forge.Issue {
	return forge.Issue{Number: is.GetNumber(), URL: is.GetHTMLURL(), State: is.GetState(), Title: is.GetTitle(),
		Body: is.GetBody(), User: is.GetUser().GetLogin()}
}

// CreateIssue opens an issue.
func (c *Client) CreateIssue(ctx context.Context, title, body string) (forge.Issue, error) {
	var is *gh.Issue
	err := c.call(ctx, "create issue", func(g *gh.Client) (r *gh.Response, err error) {
		is, r, err = g.Issues.Create(ctx, c.owner, c.repo, &gh.IssueRequest{Title: gh.String(title), Body: gh.String(body)})
		return r, err
	})
	if err != nil {
		return forge.Issue{}, err
	}
	return toIssue(is), nil
}

// UpdateIssue sets the title and body of issue number.
func (c *Client) UpdateIssue(ctx context.Context, number int, title, body string) error {
	return c.call(ctx, fmt.Sprintf("update issue #%d", number), func(g *gh.Client) (*gh.Response, error) {
		_, r, err := g.Issues.Edit(ctx, c.owner, c.repo, number, &gh.IssueRequest{Title: gh.String(title), Body: gh.String(body)})
		return r, err
	})
}

// graphQLURL is the GraphQL endpoint of the REST base URL: /graphql on
// github.com, /api/graphql on GitHub Enterprise Server.
func (c *Client) graphQLURL() string {
	u := *c.baseURL
	if p, ok := strings.CutSuffix(u.Path, "/api/v3/"); ok {
		u.Path = p + "/api/graphql"
	} else {
		u.Path = strings.TrimSuffix(u.Path, "/") + "/graphql"
	}
	return u.String()
}

const enableAutoMergeMutation = `mutation($id: ID!, $method: PullRequestMergeMethod!) {
  enablePullRequestAutoMerge(input: {pullRequestId: $id, mergeMethod: $method}) { clientMutationId }
}`

// EnableAutoMerge turns on GitHub's auto-merge for the pull request with
// GraphQL node ID nodeID, merging with method (merge, squash, rebase). A
// refusal ("auto-merge is not allowed", "is in clean status") comes back as
// forge.ErrNotAllowed with GitHub's message.
func (c *Client) EnableAutoMerge(ctx context.Context, nodeID, method string) error {
	payload := map[string]any{
		"query":     enableAutoMergeMutation,
		"variables": map[string]string{"id": nodeID, "method": strings.ToUpper(method)},
	}
	var out struct {
		Errors []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	err := c.call(ctx, "enable auto-merge", func(g *gh.Client) (*gh.Response, error) {
		req, err := g.NewRequest(http.MethodPost, c.graphQLURL(), payload)
		if err != nil {
			return nil, err
		}
		out.Errors = nil
		return g.Do(ctx, req, &out)
	})
	if err != nil {
		return err
	}
	if len(out.Errors) > 0 {
		msgs := make([]string, 0, len(out.Errors))
		for _, e := range out.Errors {
			msgs = append(msgs, e.Message)
		}
		return fmt.Errorf("enable auto-merge: %w", &forge.Error{Kind: forge.ErrNotAllowed, StatusCode: 200, Message: strings.Join(msgs, "; ")})
	}
	return nil
}
