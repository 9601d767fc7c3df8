package ocirepo

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
)

func jwt(payload string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"EdDSA","typ":"JWT"}`)) + "." + enc([]byte(payload)) + "." + enc([]byte("signature"))
}

// padPayload adds the base64 padding JWS leaves out.
func padPayload(tok string) string {
	p := strings.Split(tok, ".")
	for len(p[1])%4 != 0 {
		p[1] += "="
	}
	return strings.Join(p, ".")
}

func TestJWTExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		tok  string
		want int64 // unix seconds; 0: not a JWT with exp
	}{
		{"integer exp", jwt(`{"exp":1767225600,"sub":"x"}`), 1767225600},
		{"float exp", jwt(`{"exp":1767225600.5}`), 1767225600},
		{"padded payload tolerated", padPayload(jwt(`{"exp":12}`)), 12},
		{"no exp", jwt(`{"sub":"x"}`), 0},
		{"string exp", jwt(`{"exp":"soon"}`), 0},
		{"negative exp", jwt(`{"exp":-1.5}`), 0},
		{"opaque (GHCR style)", "djE6Z2hjci5pby9vcmcvcmVwbzpwdWxs", 0},
		{"two parts", "a.b", 0},
		{"payload not base64", "a.!!!.c", 0},
		{"payload not json", "a." + base64.RawURLEncoding.EncodeToString([]byte("nope")) + ".c", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := jwtExpiry(tt.tok)
			if ok != (tt.want != 0) || (ok && got.Unix() != tt.want) {
				t.Errorf("jwtExpiry() = %v, %v; want %d", got, ok, tt.want)
			}
		})
	}
}

func TestTokenCache(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	cred := auth.StaticCredential("reg.example", auth.Credential{Username: "u", Password: "topsecret"})
	ctx := context.Background()
	good := jwt(`{"exp":` + itoa(now.Add(time.Hour).Unix()) + `}`)
	fetch := func(tok string) func(context.Context) (string, error) {
		return func(context.Context) (string, error) { return tok, nil }
	}
	const key = "repository:a:pull"

	t.Run("bearer JWT persisted, per credential", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		c := newTokenCache(dir, cred, clock, discard())
		if _, err := c.Set(ctx, "reg.example", auth.SchemeBearer, key, fetch(good)); err != nil {
			t.Fatal(err)
		}
		c2 := newTokenCache(dir, cred, clock, discard())
		if s, err := c2.GetScheme(ctx, "reg.example"); err != nil || s != auth.SchemeBearer {
			t.Errorf("GetScheme = %v, %v", s, err)
		}
		if tok, err := c2.GetToken(ctx, "reg.example", auth.SchemeBearer, key); err != nil || tok != good {
			t.Errorf("GetToken = %q, %v; want the stored token", tok, err)
		}
		for name, other := range map[string]*tokenCache{
			"other scope":    c2,
			"anonymous":      newTokenCache(dir, nil, clock, discard()),
			"other password": newTokenCache(dir, auth.StaticCredential("reg.example", auth.Credential{Username: "u", Password: "other"}), clock, discard()),
			"later than exp": newTokenCache(dir, cred, func() time.Time { return now.Add(time.Hour) }, discard()),
			"inside margin":  newTokenCache(dir, cred, func() time.Time { return now.Add(time.Hour - tokenMargin) }, discard()),
			"credential error": newTokenCache(dir, func(context.Context, string) (auth.Credential, error) {
				return auth.EmptyCredential, errors.New("helper failed")
			}, clock, discard()),
		} {
			k := key
			if name == "other scope" {
				k = "repository:b:pull"
			}
			if tok, err := other.GetToken(ctx, "reg.example", auth.SchemeBearer, k); !errors.Is(err, errdef.ErrNotFound) {
				t.Errorf("%s: GetToken = %q, %v; want not found", name, tok, err)
			}
		}
		assertNoSecret(t, dir, "topsecret")
	})

	t.Run("set drops the stored token first", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		c := newTokenCache(dir, cred, clock, discard())
		if _, err := c.Set(ctx, "reg.example", auth.SchemeBearer, key, fetch(good)); err != nil {
			t.Fatal(err)
		}
		_, err := c.Set(ctx, "reg.example", auth.SchemeBearer, key, func(context.Context) (string, error) {
			return "", errors.New("token server down")
		})
		if err == nil {
			t.Fatal("Set succeeded with a failing fetch")
		}
		if tok, err := newTokenCache(dir, cred, clock, discard()).GetToken(ctx, "reg.example", auth.SchemeBearer, key); err == nil {
			t.Errorf("refused token still on disk: %q", tok)
		}
	})

	t.Run("memory only", func(t *testing.T) {
		t.Parallel()
		for name, tc := range map[string]struct {
			scheme auth.Scheme
			tok    string
		}{
			"basic":        {auth.SchemeBasic, base64.StdEncoding.EncodeToString([]byte("u:topsecret"))},
			"opaque":       {auth.SchemeBearer, "opaque-token"},
			"short-lived":  {auth.SchemeBearer, jwt(`{"exp":` + itoa(now.Add(tokenMargin).Unix()) + `}`)},
			"no exp claim": {auth.SchemeBearer, jwt(`{"sub":"x"}`)},
		} {
			dir := t.TempDir()
			c := newTokenCache(dir, cred, clock, discard())
			k := key
			if tc.scheme == auth.SchemeBasic {
				k = ""
			}
			if _, err := c.Set(ctx, "reg.example", tc.scheme, k, fetch(tc.tok)); err != nil {
				t.Fatal(err)
			}
			if tok, err := c.GetToken(ctx, "reg.example", tc.scheme, k); err != nil || tok != tc.tok {
				t.Errorf("%s: in-memory GetToken = %q, %v", name, tok, err)
			}
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("%s: %d files written, want none", name, len(ents))
			}
		}
	})
}

func assertNoSecret(t *testing.T, dir, secret string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), secret) {
			t.Errorf("file name %s holds the secret", e.Name())
		}
		b, err := os.ReadFile(dir + "/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) {
			t.Errorf("%s holds the secret", e.Name())
		}
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
