package github

import (
	"context"

	gh "github.com/google/go-github/v60/github"
)

// eachPage reads a paginated GitHub listing: fetch gets one page (the one
// *page names, which eachPage advances), and each is called on every item
// in order until it returns false. It stops after the last page (no next
// page, or an empty one), when the next page does not move forward (a
// server linking back would otherwise be read forever), or after maxPages
// pages (0: no other bound); what was read is kept.
func eachPage[T any](ctx context.Context, c *Client, op string, page *int, maxPages int,
	fetch func(g *gh.Client) ([]T, *gh.Response, error), each func(T) bool,
) error {
	for n := 0; maxPages == 0 || n < maxPages; n++ {
		var items []T
		var resp *gh.Response
		err := c.call(ctx, op, func(g *gh.Client) (r *gh.Response, err error) {
			items, r, err = fetch(g)
			resp = r
			return r, err
		})
		if err != nil {
			return err
		}
		for _, it := range items {
			if !each(it) {
				return nil
			}
		}
		if resp.NextPage == 0 || len(items) == 0 {
			return nil
		}
		if cur := max(*page, 1); resp.NextPage <= cur {
			c.log.Warn("github listing ended early: the next page does not move forward",
				"op", op, "page", cur, "next", resp.NextPage)
			return nil
		}
		*page = resp.NextPage
	}
	return nil
}
