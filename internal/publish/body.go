package publish

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/bosunhq/bosun/internal/forge"
	"github.com/bosunhq/bosun/internal/plan"
)

// spec is the pull request of g without its body: the caller renders the
// body (body) only when it writes the pull request, since Options.Body may
// be costly (`bosun run` gathers evidence for it).
func (p *publisher) spec(g plan.Group) (forge.Spec, error) {
	title := g.Title
	if p.opts.Title != nil {
		t, err := p.opts.Title(g)
		if err != nil {
			return forge.Spec{}, fmt.Errorf("title template: %w", err)
		}
		title = t
	}
	labels := append(slices.Clone(g.Labels), p.opts.Labels...)
	slices.Sort(labels)
	labels = slices.Compact(labels)
	return forge.Spec{Title: title, Head: g.Branch, Base: p.base, Labels: labels}, nil
}

// Body is the pull request body of a group: the report a reviewer acts on,
// as render writes it (nil: the group's title), then the hidden marker that
// identifies the group's content.
func Body(g plan.Group, render func(plan.Group) string) string { return body(g, render, "", "") }

// body is Body with the branch's head commit, and the base commit it was
// built on, recorded in the marker.
func body(g plan.Group, render func(plan.Group) string, head, base string) string {
	text := g.Title + "\n"
	if render != nil {
		text = render(g)
	}
	md := groupMeta(g)
	md.Head, md.Base = head, base
	mdJSON, _ := json.Marshal(md)
	tail := "\n---\n*This pull request was opened by bosun. It is rebuilt on every run while the update is pending; close it to decline this version.*\n\n" +
		"- [ ] " + rebaseBox + "Tick this box to have bosun rebuild this pull request on the current base branch (commits bosun did not make are dropped).\n\n" +
		metaPrefix + string(mdJSON) + " -->\n"
	if len(text)+len(tail) > maxBody {
		cut := maxBody - len(tail) - 40
		if cut < 0 {
			cut = 0
		}
		text = strings.ToValidUTF8(text[:cut], "") + "\n\n*(truncated)*\n"
	}
	return text + tail
}
