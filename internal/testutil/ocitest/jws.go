package ocitest

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// claimSet is the JWT payload of a registry bearer token, as the
// distribution token spec defines it: the standard claims plus access, the
// actions granted on each resource.
type claimSet struct {
	Issuer     string            `json:"iss"`
	Subject    string            `json:"sub"`
	Audience   []string          `json:"aud"`
	Expiration int64             `json:"exp"`
	NotBefore  int64             `json:"nbf"`
	IssuedAt   int64             `json:"iat"`
	JWTID      string            `json:"jti"`
	Access     []resourceActions `json:"access"`
}

// resourceActions is one access entry: {"type":"repository","name":"a/b","actions":["pull"]}.
type resourceActions struct {
	Type    string   `json:"type"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

type jwsHeader struct {
	Type      string `json:"typ"`
	Algorithm string `json:"alg"`
	KeyID     string `json:"kid"`
}

// leeway is how far exp and nbf may be off, as distribution allows.
const leeway = 60 * time.Second

// maxTokenBytes caps the size of a bearer token the registry will parse.
const maxTokenBytes = 16 << 10

var (
	errMalformedToken = errors.New("malformed token")
	errInvalidToken   = errors.New("invalid token")
)

// sign serializes claims as a compact JWS signed with the registry's
// Ed25519 key (alg EdDSA).
func (r *Registry) sign(c claimSet) (string, error) {
	h, err := json.Marshal(jwsHeader{Type: "JWT", Algorithm: "EdDSA", KeyID: r.kid})
	if err != nil {
		return "", err
	}
	p, err := json.Marshal(c)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString(h) + "." + enc.EncodeToString(p)
	return signing + "." + enc.EncodeToString(ed25519.Sign(r.key, []byte(signing))), nil
}

// verify checks a token the way distribution's token access controller
// does: a compact JWS signed by the registry's key, issued by and for
// Service, and inside its validity window (with leeway). It returns the
// claims.
func (r *Registry) verify(raw string, now time.Time) (*claimSet, error) {
	parts := strings.Split(raw, ".")
	if len(raw) > maxTokenBytes || len(parts) != 3 {
		return nil, errMalformedToken
	}
	enc := base64.RawURLEncoding
	hb, errH := enc.DecodeString(parts[0])
	pb, errP := enc.DecodeString(parts[1])
	sig, errS := enc.DecodeString(parts[2])
	var h jwsHeader
	var c claimSet
	if err := errors.Join(errH, errP, errS); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformedToken, err)
	}
	if err := errors.Join(json.Unmarshal(hb, &h), json.Unmarshal(pb, &c)); err != nil {
		return nil, fmt.Errorf("%w: %v", errMalformedToken, err)
	}
	switch {
	case h.Algorithm != "EdDSA" || h.KeyID != r.kid:
		return nil, fmt.Errorf("%w: unknown key", errInvalidToken)
	case !ed25519.Verify(r.key.Public().(ed25519.PublicKey), []byte(parts[0]+"."+parts[1]), sig):
		return nil, fmt.Errorf("%w: bad signature", errInvalidToken)
	case c.Issuer != Service || !slices.Contains(c.Audience, Service):
		return nil, fmt.Errorf("%w: wrong issuer or audience", errInvalidToken)
	case now.After(time.Unix(c.Expiration, 0).Add(leeway)):
		return nil, fmt.Errorf("%w: expired", errInvalidToken)
	case now.Before(time.Unix(c.NotBefore, 0).Add(-leeway)):
		return nil, fmt.Errorf("%w: not yet valid", errInvalidToken)
	}
	return &c, nil
}

// allows reports whether the claims grant action on the resource.
func (c *claimSet) allows(typ, name, action string) bool {
	for _, a := range c.Access {
		if a.Type == typ && a.Name == name && (slices.Contains(a.Actions, action) || slices.Contains(a.Actions, "*")) {
			return true
		}
	}
	return false
}
