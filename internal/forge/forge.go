package forge

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Repo names a repository on the forge.
type Repo struct {
	Owner string `json:"owner"`
	Name  string `json:"name"`
}

func (r Repo) String() string { return r.Owner + "/" + r.Name }

// File is one change in a commit: the full new content of Path, or a
// deletion when Content is nil. An empty, non-nil Content is an empty file.
type File struct {
	Path    string `json:"path"`
	Content []byte `json:"content"`
}

// Deleted reports whether the change removes the file.
func (f File) Deleted() bool { return f.Content == nil }

// Spec is the desired state of a pull request.
type Spec struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// Head is the branch name without "refs/heads/" ("bosun/cert-manager").
	Head string `json:"head"`
	// Base is the target branch; empty means the default branch.
	Base   string   `json:"base"`
	Labels []string `json:"labels,omitempty"`
	Draft  bool     `json:"draft,omitempty"`
}

// PullRequest is a pull request as the forge reports it.
type PullRequest struct {
	Number int    `json:"number"`
	URL    string `json:"url"` // the web (HTML) URL
	State  string `json:"state"`
	Merged bool   `json:"merged"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	Head   string `json:"head"` // branch name
	Base   string `json:"base"` // branch name
	// HeadSHA is the commit the head branch pointed at when last seen.
	HeadSHA string   `json:"headSha"`
	Labels  []string `json:"labels,omitempty"`
	User    string   `json:"user"` // login of the author
	Draft   bool     `json:"draft,omitempty"`
	// NodeID is the GraphQL ID ("PR_…").
	NodeID string `json:"nodeId,omitempty"`
	// Mergeable is nil while the forge is still computing it (or when
	// the pull request came from a list, which does not carry it).
	Mergeable *bool `json:"mergeable,omitempty"`
	// MergeableState is the forge's word for it ("clean", "dirty",
	// "behind", "blocked", "unstable", "unknown").
	MergeableState string `json:"mergeableState,omitempty"`
	// AutoMerge is set when the forge's own auto-merge is enabled.
	AutoMerge bool `json:"autoMerge,omitempty"`
}

// Issue is an issue as the forge reports it.
type Issue struct {
	Number int    `json:"number"`
	URL    string `json:"url"`
	State  string `json:"state"`
	Title  string `json:"title"`
	Body   string `json:"body"`
	User   string `json:"user"`
}

// CheckRun is one check run on a commit.
type CheckRun struct {
	Name string `json:"name"`
	// Status is queued, in_progress, completed (and a few Actions-only values).
	Status string `json:"status"`
	// Conclusion is set once completed: success, failure, neutral,
	// skipped, cancelled, timed_out, action_required, stale.
	Conclusion string `json:"conclusion,omitempty"`
}

// Checks is the CI state of a commit: its combined commit status and its
// check runs.
type Checks struct {
	// State is the combined status: success, failure or pending.
	State string `json:"state"`
	// Statuses is how many status contexts the commit has.
	Statuses int        `json:"statuses"`
	Runs     []CheckRun `json:"runs,omitempty"`
}

// Pull request states.
const (
	StateOpen   = "open"
	StateClosed = "closed"
	StateAll    = "all" // a filter only
)

// Commit is a git commit as the forge reports it.
type Commit struct {
	SHA     string   `json:"sha"`
	TreeSHA string   `json:"treeSha"`
	Message string   `json:"message"`
	Parents []string `json:"parents"`
	// Author is the forge login of the author when the forge links one,
	// otherwise the git author name.
	Author string `json:"author"`
	// Verified is the forge's signature verification verdict.
	Verified bool `json:"verified"`
}

// Sentinel errors. Adapters return *Error values that match them with
// errors.Is.
var (
	ErrNotFound   = errors.New("not found")
	ErrConflict   = errors.New("conflict")
	ErrValidation = errors.New("validation failed")
	// ErrAlreadyExists is a validation failure saying the object (a ref, a
	// pull request for the branch, a label) exists; it also matches ErrValidation.
	ErrAlreadyExists = errors.New("already exists")
	ErrPermission    = errors.New("permission denied")
	// ErrNotAllowed is an operation the forge refuses in the object's
	// current state (a merge of a pull request that is not mergeable).
	ErrNotAllowed  = errors.New("not allowed")
	ErrRateLimited = errors.New("rate limited")
	// ErrUnavailable is a server error or network failure that persisted
	// through the retries: worth trying again on a later run.
	ErrUnavailable = errors.New("forge unavailable")
)

// Error is a classified forge failure. It never carries credentials.
type Error struct {
	// Kind is one of the sentinels above, or nil for an unclassified failure.
	Kind error
	// StatusCode is the HTTP status, 0 when no response was received.
	StatusCode int
	// Message is the forge's own message ("Validation Failed", "Bad credentials").
	Message string
	// Details are the forge's per-field messages ("A pull request already exists for o:b.").
	Details []string
	// Permission names the token permission the request needs
	// ("pull-requests: write"); set for ErrPermission.
	Permission string
	// Setting names the forge setting that refused the request when no token
	// permission can allow it (set for ErrPermission instead of Permission).
	Setting string
	// Reset is when the rate limit lifts; set for ErrRateLimited when known.
	Reset time.Time
}

func (e *Error) Error() string {
	var b strings.Builder
	if e.Kind != nil {
		b.WriteString(e.Kind.Error())
	} else {
		b.WriteString("forge error")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, " (%d)", e.StatusCode)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Details) > 0 {
		b.WriteString(": ")
		b.WriteString(strings.Join(e.Details, "; "))
	}
	if e.Permission != "" {
		fmt.Fprintf(&b, " (the token needs %s)", e.Permission)
	}
	if e.Setting != "" {
		fmt.Fprintf(&b, " (the token's permissions are not the cause: enable %s)", e.Setting)
	}
	if !e.Reset.IsZero() {
		fmt.Fprintf(&b, " (until %s)", e.Reset.UTC().Format(time.RFC3339))
	}
	return b.String()
}

// Unwrap lets errors.Is match Kind, and ErrValidation for ErrAlreadyExists.
func (e *Error) Unwrap() []error {
	switch {
	case e.Kind == nil:
		return nil
	case errors.Is(e.Kind, ErrAlreadyExists):
		return []error{e.Kind, ErrValidation}
	default:
		return []error{e.Kind}
	}
}
