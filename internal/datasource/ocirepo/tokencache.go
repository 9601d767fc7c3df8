package ocirepo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// tokenMargin: a token is neither stored nor reused from disk in the last
// tokenMargin before its expiry, so that a run does not start with a token
// that dies on its way (which would cost a 401 and a new token anyway).
const tokenMargin = 30 * time.Second

// maxTokenFile caps a token file read from disk.
const maxTokenFile = 64 << 10

// tokenCache is an auth.Cache that keeps bearer tokens across runs.
//
// In memory it is oras' own cache (auth.NewCache: per registry, scheme and
// scope key, concurrent fetches combined); a token that dies during the run
// costs one 401 and a new token there, as it would without this cache. On
// disk, when dir is set, it keeps each bearer token that is a JWT with an
// exp claim until that expiry, in dir/<sha256(registry, scheme, scope key,
// credential key)>.json, and the fact that a registry speaks Bearer in
// dir/scheme-<sha256(registry)>. The credential key is "anonymous" or
// sha256 of the credential resolved for the registry, salted with the host:
// a token is only reused with the credential it was issued for, and no
// credential is ever written. Basic "tokens" (the credential itself) and
// opaque bearer tokens (no known expiry) stay in memory only.
//
// Tokens on disk are what a registry hands out for one scope (here always a
// repository's pull) for a few minutes: the same secrets every client keeps
// in memory, not the credentials that obtain them. Files are 0600 in a 0700 directory and
// written atomically; unreadable, corrupt or expiring ones are ignored.
//
// oras calls Set only when it needs a new token: on the first 401 of a
// scope, and when the registry answered 401 to a cached token. Set therefore
// drops the stored token for the key before fetching, and oras retries the
// request once with the fresh token (auth.Client.Do).
type tokenCache struct {
	mem  auth.Cache
	dir  string
	cred auth.CredentialFunc
	now  func() time.Time
	log  *slog.Logger

	mu    sync.Mutex
	creds map[string]string // host → credential key
}

func newTokenCache(dir string, cred auth.CredentialFunc, now func() time.Time, log *slog.Logger) *tokenCache {
	return &tokenCache{
		mem: auth.NewCache(), dir: dir, cred: cred, now: now, log: log,
		creds: map[string]string{},
	}
}

var _ auth.Cache = (*tokenCache)(nil)

// GetScheme implements auth.Cache.
func (c *tokenCache) GetScheme(ctx context.Context, registry string) (auth.Scheme, error) {
	if s, err := c.mem.GetScheme(ctx, registry); err == nil {
		return s, nil
	}
	if c.dir != "" {
		if b, err := readFileMax(c.schemePath(registry), 64); err == nil && string(b) == auth.SchemeBearer.String() {
			return auth.SchemeBearer, nil
		}
	}
	return auth.SchemeUnknown, errdef.ErrNotFound
}

// GetToken implements auth.Cache.
func (c *tokenCache) GetToken(ctx context.Context, registry string, scheme auth.Scheme, key string) (string, error) {
	if tok, err := c.mem.GetToken(ctx, registry, scheme, key); err == nil {
		return tok, nil
	}
	if scheme != auth.SchemeBearer || c.dir == "" {
		return "", errdef.ErrNotFound
	}
	path, ok := c.tokenPath(ctx, registry, scheme, key)
	if !ok {
		return "", errdef.ErrNotFound
	}
	tok, ok := c.readToken(path)
	if !ok {
		return "", errdef.ErrNotFound
	}
	// Into memory, so later requests of this run skip the disk.
	got, err := c.mem.Set(ctx, registry, scheme, key, func(context.Context) (string, error) { return tok, nil })
	if err != nil {
		return "", errdef.ErrNotFound
	}
	c.log.Debug("reusing cached registry token", "registry", registry, "scope", key)
	return got, nil
}

// Set implements auth.Cache.
func (c *tokenCache) Set(ctx context.Context, registry string, scheme auth.Scheme, key string, fetch func(context.Context) (string, error)) (string, error) {
	path, persist := "", false
	if scheme == auth.SchemeBearer && c.dir != "" {
		path, persist = c.tokenPath(ctx, registry, scheme, key)
	}
	if persist {
		_ = os.Remove(path) // whatever was stored is not good any more
	}
	return c.mem.Set(ctx, registry, scheme, key, func(ctx context.Context) (string, error) {
		tok, err := fetch(ctx)
		if err != nil {
			return "", err
		}
		if exp, isJWT := jwtExpiry(tok); persist && isJWT && exp.After(c.now().Add(tokenMargin)) {
			c.store(registry, path, tok)
		}
		return tok, nil
	})
}

type tokenFile struct {
	Version int    `json:"v"`
	Token   string `json:"token"`
}

func (c *tokenCache) readToken(path string) (string, bool) {
	b, err := readFileMax(path, maxTokenFile)
	if err != nil {
		return "", false
	}
	var f tokenFile
	if err := json.Unmarshal(b, &f); err != nil || f.Version != 1 || !headerSafe(f.Token) {
		return "", false
	}
	exp, ok := jwtExpiry(f.Token)
	if !ok || !exp.After(c.now().Add(tokenMargin)) {
		return "", false
	}
	return f.Token, true
}

func (c *tokenCache) store(registry, path, tok string) {
	b, err := json.Marshal(tokenFile{Version: 1, Token: tok})
	if err == nil {
		err = writeFileAtomic(c.dir, filepath.Base(path), b)
	}
	if err == nil {
		err = writeFileAtomic(c.dir, filepath.Base(c.schemePath(registry)), []byte(auth.SchemeBearer.String()))
	}
	if err == nil {
		err = os.Chmod(c.dir, 0o700) // also when it existed before
	}
	if err != nil {
		c.log.Debug("token cache write failed", "registry", registry, "err", err)
	}
}

func (c *tokenCache) schemePath(registry string) string {
	return filepath.Join(c.dir, "scheme-"+hashFields("bosun oci scheme v1", registry)+".txt")
}

// tokenPath names the file of a token; false when the credential for the
// registry cannot be resolved (nothing is then read or written).
func (c *tokenCache) tokenPath(ctx context.Context, registry string, scheme auth.Scheme, key string) (string, bool) {
	ck, ok := c.credKey(ctx, registry)
	if !ok {
		return "", false
	}
	return filepath.Join(c.dir, hashFields("bosun oci token v1", registry, scheme.String(), key, ck)+".json"), true
}

// credKey returns "anonymous" or a salted sha256 of the credential for host,
// resolved once per host.
func (c *tokenCache) credKey(ctx context.Context, host string) (string, bool) {
	c.mu.Lock()
	k, ok := c.creds[host]
	c.mu.Unlock()
	if ok {
		return k, true
	}
	cred := auth.EmptyCredential
	if c.cred != nil {
		var err error
		if cred, err = c.cred(ctx, host); err != nil {
			return "", false
		}
	}
	k = "anonymous"
	if cred != auth.EmptyCredential {
		k = "credential:" + hashFields("bosun oci credential v1", host, cred.Username, cred.Password, cred.RefreshToken, cred.AccessToken)
	}
	c.mu.Lock()
	c.creds[host] = k
	c.mu.Unlock()
	return k, true
}

// hashFields is the hex sha256 of the length-prefixed fields.
func hashFields(fields ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, f := range fields {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// jwtExpiry returns the exp claim of tok when tok is a JWS compact
// serialization (three base64url parts) whose payload has a numeric exp.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 || parts[0] == "" || parts[2] == "" {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *json.Number `json:"exp"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	if sec, err := claims.Exp.Int64(); err == nil {
		return time.Unix(sec, 0), true
	}
	f, err := claims.Exp.Float64()
	if err != nil || f < 0 || f > 1<<40 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

// headerSafe reports whether tok can go in an Authorization header: a
// non-empty token68 (RFC 9110 §11.2) of bounded length.
func headerSafe(tok string) bool {
	if tok == "" || len(tok) > maxTokenFile {
		return false
	}
	for i := 0; i < len(tok); i++ {
		b := tok[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-._~+/=", b) >= 0) {
			return false
		}
	}
	return true
}
