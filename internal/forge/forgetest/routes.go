package forgetest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
)

const docsBase = "https://docs.github.com/rest"

// bodyKey carries the request body, read once by ServeHTTP, to handlers.
type bodyKey struct{}

func bodyOf(r *http.Request) []byte {
	b, _ := r.Context().Value(bodyKey{}).([]byte)
	return b
}

// route dispatches a request on path, its URL path with any "/api/v3"
// prefix removed (still escaped), through the fake's ServeMux.
func (f *Fake) route(w http.ResponseWriter, r *http.Request, path string, body []byte) {
	unescaped, err := url.PathUnescape(path)
	if err != nil {
		notFound(w, docsBase)
		return
	}
	r2 := r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
	u := *r.URL
	u.Path, u.RawPath = unescaped, path
	r2.URL = &u
	f.mux.ServeHTTP(w, r2)
}

// routes maps GitHub's REST endpoints (method and path patterns) to the
// fake's handlers; anything else is GitHub's 404. A pattern given to repo or
// git is "METHOD /path" under /repos/{owner}/{repo}, or " /path" for any method.
func (f *Fake) routes() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { notFound(w, docsBase) })
	mux.HandleFunc("GET /search/issues", f.searchIssues)
	mux.HandleFunc("POST /graphql", func(w http.ResponseWriter, r *http.Request) { f.graphql(w, bodyOf(r)) })
	mux.HandleFunc("GET /rate_limit", func(w http.ResponseWriter, _ *http.Request) { f.rateLimitStatus(w) })

	repo := func(pattern string, h func(w http.ResponseWriter, r *http.Request)) {
		method, path, _ := strings.Cut(pattern, " ")
		p := "/repos/{owner}/{repo}" + path
		if method != "" {
			p = method + " " + p
		}
		mux.HandleFunc(p, f.inRepo(h))
	}
	git := func(pattern string, h func(w http.ResponseWriter, r *http.Request)) { repo(pattern, f.inGit(h)) }
	v := func(r *http.Request, name string) string { return r.PathValue(name) }

	repo("GET ", func(w http.ResponseWriter, _ *http.Request) { f.getRepo(w) })
	repo(" /{rest...}", func(w http.ResponseWriter, _ *http.Request) { notFound(w, docsBase) })

	// Git Data API (https://docs.github.com/rest/git).
	git(" /git/{rest...}", func(w http.ResponseWriter, _ *http.Request) { notFound(w, docsBase+"/git") })
	git("GET /git/ref/{ref...}", func(w http.ResponseWriter, r *http.Request) { f.getRef(w, v(r, "ref")) })
	git("POST /git/refs", func(w http.ResponseWriter, r *http.Request) { f.createRef(w, bodyOf(r)) })
	git("GET /git/refs/{ref...}", func(w http.ResponseWriter, r *http.Request) { f.getRef(w, v(r, "ref")) })
	git("PATCH /git/refs/{ref...}", func(w http.ResponseWriter, r *http.Request) { f.updateRef(w, v(r, "ref"), bodyOf(r)) })
	git("DELETE /git/refs/{ref...}", func(w http.ResponseWriter, r *http.Request) { f.deleteRef(w, v(r, "ref")) })
	git("GET /git/matching-refs/{ref...}", func(w http.ResponseWriter, r *http.Request) { f.matchingRefs(w, v(r, "ref")) })
	git("POST /git/commits", func(w http.ResponseWriter, r *http.Request) { f.createCommit(w, bodyOf(r)) })
	git("GET /git/commits/{sha}", func(w http.ResponseWriter, r *http.Request) { f.getCommit(w, v(r, "sha")) })
	git("POST /git/trees", func(w http.ResponseWriter, r *http.Request) { f.createTree(w, bodyOf(r)) })
	git("GET /git/trees/{ish...}", func(w http.ResponseWriter, r *http.Request) { f.getTree(w, r, v(r, "ish")) })
	git("POST /git/blobs", func(w http.ResponseWriter, r *http.Request) { f.createBlob(w, bodyOf(r)) })
	git("GET /git/blobs/{sha}", func(w http.ResponseWriter, r *http.Request) { f.getBlob(w, v(r, "sha")) })

	// Repository contents and commits.
	repo("GET /contents/{path...}", func(w http.ResponseWriter, r *http.Request) { f.getContents(w, r, v(r, "path")) })
	repo("GET /compare/{spec...}", func(w http.ResponseWriter, r *http.Request) { f.compare(w, r, v(r, "spec")) })

	// Pull requests, their labels and comments (the issues API).
	repo("GET /pulls", f.listPulls)
	repo("POST /pulls", func(w http.ResponseWriter, r *http.Request) { f.createPull(w, bodyOf(r)) })
	repo("GET /pulls/{n}", f.onPull("/pulls/pulls#get-a-pull-request", f.getPull))
	repo("PATCH /pulls/{n}", f.onPull("/pulls/pulls#update-a-pull-request", f.updatePull))
	repo("PUT /pulls/{n}/merge", f.onPull("/pulls/pulls#merge-a-pull-request", f.mergePullAPI))
	repo("PUT /pulls/{n}/update-branch", f.onPull("/pulls/pulls#update-a-pull-request-branch", f.updateBranchAPI))
	repo("POST /pulls/{n}/requested_reviewers", f.onPull("/pulls/review-requests#request-reviewers-for-a-pull-request", f.requestReviewers))
	repo("GET /issues", f.listIssues)
	repo("POST /issues", func(w http.ResponseWriter, r *http.Request) { f.createIssue(w, bodyOf(r)) })
	repo("GET /issues/{n}", f.onIssue("/issues/issues#get-an-issue", f.getIssue))
	repo("PATCH /issues/{n}", f.onIssue("/issues/issues#update-an-issue", f.updateIssue))
	repo("POST /issues/{n}/assignees", f.onIssue("/issues/assignees#add-assignees-to-an-issue", f.addAssignees))
	repo("GET /issues/{n}/labels", f.onIssue("/issues/labels#list-labels-for-an-issue", f.listIssueLabels))
	repo("POST /issues/{n}/labels", f.onIssue("/issues/labels#add-labels-to-an-issue", f.addIssueLabels))
	repo("DELETE /issues/{n}/labels/{name...}", f.onIssue("/issues/labels#remove-a-label-from-an-issue", f.removeIssueLabel))
	repo("GET /issues/{n}/comments", f.onIssue("/issues/comments#list-issue-comments", f.listComments))
	repo("POST /issues/{n}/comments", f.onIssue("/issues/comments#create-an-issue-comment", f.createComment))

	// Commit statuses, check runs and branch protection.
	repo("GET /commits/{ref}/status", func(w http.ResponseWriter, r *http.Request) { f.getCombinedStatus(w, v(r, "ref")) })
	repo("GET /commits/{ref}/check-runs", func(w http.ResponseWriter, r *http.Request) { f.listCheckRuns(w, r, v(r, "ref")) })
	repo("GET /branches/{branch}/protection", func(w http.ResponseWriter, r *http.Request) { f.getProtection(w, v(r, "branch")) })
	repo("GET /rules/branches/{branch}", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, []any{}) })

	repo("GET /labels", f.listLabels)
	repo("POST /labels", func(w http.ResponseWriter, r *http.Request) { f.createLabel(w, bodyOf(r)) })
	repo("GET /labels/{name...}", func(w http.ResponseWriter, r *http.Request) { f.getLabel(w, v(r, "name")) })
	return mux
}

// onIssue serves a route whose {n} is an issue or a pull request, onPull
// one whose {n} is a pull request; for any other {n} GitHub answers 404
// with the endpoint's documentation URL, docsBase+doc, which h also gets.
func (f *Fake) onIssue(doc string, h numberedHandler) http.HandlerFunc {
	return f.numbered(f.pullByNumber, docsBase+doc, h)
}

func (f *Fake) onPull(doc string, h numberedHandler) http.HandlerFunc {
	return f.numbered(f.prByNumber, docsBase+doc, h)
}

func (f *Fake) numbered(find func(string) *pull, doc string, h numberedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := find(r.PathValue("n"))
		if p == nil {
			notFound(w, doc)
			return
		}
		h(w, r, p, doc)
	}
}

// numberedHandler serves a request about the issue or pull request p; doc
// is the endpoint's documentation URL for its error answers.
type numberedHandler func(w http.ResponseWriter, r *http.Request, p *pull, doc string)

// inRepo answers 404 for any repository but the fake's (owner and name
// compare case-insensitively, as on GitHub).
func (f *Fake) inRepo(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !strings.EqualFold(r.PathValue("owner"), f.owner) || !strings.EqualFold(r.PathValue("repo"), f.repo) {
			notFound(w, docsBase+"/repos/repos#get-a-repository")
			return
		}
		h(w, r)
	}
}

// inGit answers the Git Data API of an empty repository with 409, as GitHub does.
func (f *Fake) inGit(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if len(f.git.commits) == 0 {
			writeError(w, http.StatusConflict, "Git Repository is empty.", docsBase+"/git/refs")
			return
		}
		h(w, r)
	}
}
