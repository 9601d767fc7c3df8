package ocitest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// DefaultTokenLifetime is how long issued tokens live unless
// WithTokenLifetime says otherwise; far longer than any test.
const DefaultTokenLifetime = 10 * time.Minute

// serveToken implements the distribution token endpoint
// (docs/content/spec/auth/token.md): GET with service and scope parameters,
// optional Basic credentials. Unknown or wrong credentials get 401; anonymous
// requests get pull-only grants, or 401 under AuthRequired.
func (r *Registry) serveToken(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	q := req.URL.Query()
	if q.Get("service") != Service {
		writeTokenError(w, http.StatusBadRequest, "invalid service")
		return
	}
	subject := ""
	allowed := map[string]bool{"pull": true}
	if user, pass, ok := req.BasicAuth(); ok {
		if !r.checkUser(user, pass) {
			writeTokenError(w, http.StatusUnauthorized, "invalid username or password")
			return
		}
		subject = user
		allowed["push"] = true
	} else if r.mode == AuthRequired {
		writeTokenError(w, http.StatusUnauthorized, "authentication required")
		return
	}

	access := grant(q["scope"], allowed)
	now := time.Now()
	jti := make([]byte, 8)
	_, _ = rand.Read(jti)
	raw, err := r.sign(claimSet{
		Issuer:     Service,
		Subject:    subject,
		Audience:   []string{Service},
		Expiration: now.Add(r.tokenTTL).Unix(),
		NotBefore:  now.Add(-time.Minute).Unix(),
		IssuedAt:   now.Unix(),
		JWTID:      hex.EncodeToString(jti),
		Access:     access,
	})
	if err != nil {
		writeTokenError(w, http.StatusInternalServerError, "sign: "+err.Error())
		return
	}
	if req.Header.Get(internalHeader) == "" {
		r.mu.Lock()
		r.issued[raw] = true
		r.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{
		"token":        raw,
		"access_token": raw,
		"expires_in":   int(r.tokenTTL / time.Second),
		"issued_at":    now.UTC().Format(time.RFC3339),
	})
}

// grant is the access a token gets for the requested scopes: for each
// repository scope ("repository:<name>:<actions>", several per parameter
// separated by spaces), the requested actions that are allowed. Other
// scopes and repositories with no allowed action are left out; a partial
// grant is not an error.
func grant(scopes []string, allowed map[string]bool) []resourceActions {
	var access []resourceActions
	for _, s := range scopes {
		for _, one := range strings.Fields(s) {
			typ, rest, ok := strings.Cut(one, ":")
			i := strings.LastIndex(rest, ":")
			if !ok || typ != "repository" || i < 0 {
				continue
			}
			var granted []string
			for _, a := range strings.Split(rest[i+1:], ",") {
				if allowed[a] {
					granted = append(granted, a)
				}
			}
			if len(granted) > 0 {
				access = append(access, resourceActions{Type: "repository", Name: rest[:i], Actions: granted})
			}
		}
	}
	return access
}

func (r *Registry) checkUser(user, pass string) bool {
	want, ok := r.users[user]
	if user == r.adminUser {
		want, ok = r.adminPass, true
	}
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1
}

func writeTokenError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="ocitest"`)
	}
	w.WriteHeader(status)
	code := "UNKNOWN"
	switch status {
	case http.StatusUnauthorized:
		code = "UNAUTHORIZED"
	case http.StatusBadRequest:
		code = "UNSUPPORTED"
	}
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]string{{"code": code, "message": msg}},
	})
}

// RevokeTokens makes the registry refuse every token issued so far, as
// after a key rotation or a revoked grant: a request bearing one is answered
// as if it carried no token (401 with a Bearer challenge). Tokens issued
// later are good.
func (r *Registry) RevokeTokens() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for tok := range r.issued {
		r.revoked[tok] = true
	}
	clear(r.issued)
}

// revokedToken reports whether req bears a revoked token.
func (r *Registry) revokedToken(req *http.Request) bool {
	tok, ok := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.revoked[tok]
}
