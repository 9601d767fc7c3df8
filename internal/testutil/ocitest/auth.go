package ocitest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
)

// access is one action a request needs on a resource, as distribution's
// auth.Access.
type access struct {
	Type   string `json:"Type"`
	Name   string `json:"Name"`
	Action string `json:"Action"`
}

// requireToken is the registry's token access controller, working as
// distribution's does: every /v2/ request must carry a bearer token from
// the token endpoint that grants what the request needs (pull for GET and
// HEAD, pull and push for POST, PUT and PATCH, delete for DELETE, plus pull
// on the source of a cross-repository mount). Otherwise the answer is 401
// with a challenge naming the realm, the service and the scope to ask for.
func (r *Registry) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		need := requiredAccess(req)
		err := r.authorize(req, need)
		if err == nil {
			next.ServeHTTP(w, req)
			return
		}
		w.Header().Set("WWW-Authenticate", r.challenge(need, err))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		detail := need
		if detail == nil {
			detail = []access{}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
			"code": "UNAUTHORIZED", "message": "authentication required", "detail": detail,
		}}})
	})
}

var (
	errTokenRequired     = errors.New("authorization token required")
	errInsufficientScope = errors.New("insufficient scope")
)

// authorize checks req's bearer token against need.
func (r *Registry) authorize(req *http.Request, need []access) error {
	prefix, raw, ok := strings.Cut(req.Header.Get("Authorization"), " ")
	if !ok || raw == "" || !strings.EqualFold(prefix, "bearer") {
		return errTokenRequired
	}
	claims, err := r.verify(raw, time.Now())
	if err != nil {
		return err
	}
	for _, a := range need {
		if !claims.allows(a.Type, a.Name, a.Action) {
			return errInsufficientScope
		}
	}
	return nil
}

// challenge is the WWW-Authenticate value for a refused request (RFC 6750
// §3): Bearer realm, service, the scope needed (actions sorted) and, for a
// bad or insufficient token, the error.
func (r *Registry) challenge(need []access, err error) string {
	s := fmt.Sprintf("Bearer realm=%q,service=%q", r.realm, Service)
	var resources []string
	actions := map[string][]string{}
	for _, a := range need {
		key := a.Type + ":" + a.Name
		if _, ok := actions[key]; !ok {
			resources = append(resources, key)
		}
		if !slices.Contains(actions[key], a.Action) {
			actions[key] = append(actions[key], a.Action)
		}
	}
	var scopes []string
	for _, key := range resources {
		slices.Sort(actions[key])
		scopes = append(scopes, key+":"+strings.Join(actions[key], ","))
	}
	if len(scopes) > 0 {
		s += fmt.Sprintf(",scope=%q", strings.Join(scopes, " "))
	}
	switch {
	case errors.Is(err, errMalformedToken), errors.Is(err, errInvalidToken):
		s += `,error="invalid_token"`
	case errors.Is(err, errInsufficientScope):
		s += `,error="insufficient_scope"`
	}
	return s
}

// requiredAccess is what a request needs: nothing beyond a valid token for
// the base route /v2/, registry:catalog:* for the catalog, else actions on
// the repository named in the path.
func requiredAccess(req *http.Request) []access {
	rest := strings.TrimPrefix(req.URL.Path, "/v2/")
	if rest == "" || rest == req.URL.Path {
		return nil
	}
	if rest == "_catalog" {
		return []access{{"registry", "catalog", "*"}}
	}
	name := repoName(rest)
	var need []access
	switch req.Method {
	case http.MethodGet, http.MethodHead:
		need = []access{{"repository", name, "pull"}}
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		need = []access{{"repository", name, "pull"}, {"repository", name, "push"}}
		if from := req.URL.Query().Get("from"); req.Method == http.MethodPost && req.URL.Query().Get("mount") != "" && from != "" {
			need = append(need, access{"repository", from, "pull"})
		}
	case http.MethodDelete:
		need = []access{{"repository", name, "delete"}}
	}
	return need
}

// repoName is the repository in a path below /v2/: everything before the
// last /tags/, /manifests/, /blobs/ or /referrers/ element.
func repoName(rest string) string {
	best := -1
	for _, marker := range []string{"/tags/", "/manifests/", "/blobs/", "/referrers/"} {
		if i := strings.LastIndex(rest, marker); i > best {
			best = i
		}
	}
	if best < 0 {
		return rest
	}
	return rest[:best]
}
