// Package tokentest makes signing keys, JSON Web Key Sets and signed tokens for tests
// of tokenview, check and the UI. It is test support only: never used by the app.
package tokentest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"

	"github.com/golang-jwt/jwt/v5"
)

// Key is a signing key with its key id.
type Key struct {
	Kid     string
	Alg     string // RS256 or ES256
	Private crypto.Signer
}

// NewRSA makes a 2048-bit RSA key (RS256).
func NewRSA(kid string) *Key {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return &Key{Kid: kid, Alg: "RS256", Private: k}
}

// NewEC makes a P-256 key (ES256).
func NewEC(kid string) *Key {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	return &Key{Kid: kid, Alg: "ES256", Private: k}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// JWK is the public JWK of k as a map.
func (k *Key) JWK() map[string]any {
	switch pub := k.Private.Public().(type) {
	case *rsa.PublicKey:
		return map[string]any{"kty": "RSA", "use": "sig", "kid": k.Kid, "alg": k.Alg,
			"n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes())}
	case *ecdsa.PublicKey:
		pad := func(b []byte) []byte { out := make([]byte, 32); copy(out[32-len(b):], b); return out }
		x, y := pub.X.Bytes(), pub.Y.Bytes() //nolint:staticcheck // fine for tests
		return map[string]any{"kty": "EC", "use": "sig", "kid": k.Kid, "alg": k.Alg, "crv": "P-256",
			"x": b64(pad(x)), "y": b64(pad(y))}
	}
	panic("unsupported key")
}

// JWKS is the JSON key set holding the public halves of keys.
func JWKS(keys ...*Key) []byte {
	var list []map[string]any
	for _, k := range keys {
		list = append(list, k.JWK())
	}
	return JWKSOf(list...)
}

// JWKSOf is the JSON key set of these JWKs (from JWK, changed by a test: another
// "use", key_ops).
func JWKSOf(jwks ...map[string]any) []byte {
	if jwks == nil {
		jwks = []map[string]any{}
	}
	b, _ := json.Marshal(map[string]any{"keys": jwks})
	return b
}

// Sign signs claims with k, with header kid and typ at+jwt (ERP.net's shape).
func (k *Key) Sign(claims map[string]any) string { return k.SignWithHeader(claims, nil) }

// SignWithHeader is Sign with more header parameters (crit and its extensions, say);
// a nil value removes a parameter (kid, to sign a token that names no key).
func (k *Key) SignWithHeader(claims map[string]any, header map[string]any) string {
	var m jwt.SigningMethod = jwt.SigningMethodRS256
	if k.Alg == "ES256" {
		m = jwt.SigningMethodES256
	}
	t := jwt.NewWithClaims(m, jwt.MapClaims(claims))
	t.Header["kid"] = k.Kid
	t.Header["typ"] = "at+jwt"
	for name, v := range header {
		if v == nil {
			delete(t.Header, name)
		} else {
			t.Header[name] = v
		}
	}
	s, err := t.SignedString(k.Private)
	if err != nil {
		panic(err)
	}
	return s
}

// Unsigned builds a token with the given header alg and a junk signature (for
// alg allow-list and malformed-signature tests).
func Unsigned(alg, kid string, claims map[string]any) string {
	h, _ := json.Marshal(map[string]any{"alg": alg, "kid": kid, "typ": "at+jwt"})
	p, _ := json.Marshal(claims)
	return b64(h) + "." + b64(p) + "." + b64([]byte("not-a-signature"))
}

// ERPNetClaims is a client-credentials claim set shaped like ERP.net's
// (erpnet-reference.md section 3), issued at iat for one hour.
func ERPNetClaims(issuer string, iat int64) map[string]any {
	return map[string]any{
		"nbf": iat, "exp": iat + 3600, "iss": issuer,
		"aud":                     []string{"DomainAPI", "TableAPI", "OLAP", "AppServer", issuer + "/resources"},
		"client_id":               "PK",
		"client_system_user":      "admin",
		"client_system_user_type": "InternalUser",
		"client_db":               "E1_DEV-1 Test",
		"jti":                     "8D0B705573A1A98FDBADFF0CD7F7EEB4",
		"iat":                     iat,
		"scope":                   []string{"read", "update"},
	}
}
