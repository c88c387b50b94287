package tokenview_test

import (
	"strings"
	"testing"
	"time"

	"trustedapp-tester/tokenview"
	"trustedapp-tester/tokenview/tokentest"
)

// A token whose header marks extensions as critical (crit) that the verifier does not
// understand is refused, however well it is signed (RFC 7515 section 4.1.11), and so
// is a malformed crit.
func TestInspectRefusesCriticalExtensions(t *testing.T) {
	claims := tokentest.ERPNetClaims(iss, time.Now().Unix())
	jwks := tokentest.JWKS(keyA)
	for _, tc := range []struct {
		name   string
		header map[string]any
		note   string
	}{
		{"unknown extension", map[string]any{"crit": []string{"exp-acme"}, "exp-acme": 1}, `marks "exp-acme" as critical`},
		{"unencoded payload (RFC 7797) is not understood either", map[string]any{"crit": []string{"b64"}, "b64": true}, `"b64"`},
		{"names a standard parameter", map[string]any{"crit": []string{"kid"}}, `lists "kid", which the JWS standard itself defines`},
		{"names a parameter that is not there", map[string]any{"crit": []string{"exp-acme"}}, "which the header does not contain"},
		{"empty list", map[string]any{"crit": []string{}}, "empty crit list"},
		{"not a list", map[string]any{"crit": "exp-acme", "exp-acme": 1}, "not a list of names"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenview.Inspect(keyA.SignWithHeader(claims, tc.header), tokenview.VerifyOptions{JWKS: jwks})
			if err != nil {
				t.Fatal(err)
			}
			if c.Signature != tokenview.SigCritical || c.Verified() || !strings.Contains(c.SignatureNote, tc.note) || !strings.Contains(c.SignatureNote, "RFC 7515") {
				t.Errorf("got %q (%s), want %q with %q", c.Signature, c.SignatureNote, tokenview.SigCritical, tc.note)
			}
			if c.SystemUser != "admin" {
				t.Errorf("the claims must still be decoded: %+v", c)
			}
		})
	}
	// The same token without crit verifies: the refusal is crit's alone.
	if c, _ := tokenview.Inspect(keyA.SignWithHeader(claims, map[string]any{"exp-acme": 1}), tokenview.VerifyOptions{JWKS: jwks}); !c.Verified() {
		t.Errorf("an extension that is not critical: %q %s", c.Signature, c.SignatureNote)
	}
}

// A key published for encryption ("use":"enc", or key_ops without "verify") verifies
// no signature, even one it would mathematically check.
func TestInspectRefusesKeysNotForSigning(t *testing.T) {
	claims := tokentest.ERPNetClaims(iss, time.Now().Unix())
	with := func(k *tokentest.Key, set map[string]any) map[string]any {
		j := k.JWK()
		for n, v := range set {
			if v == nil {
				delete(j, n)
			} else {
				j[n] = v
			}
		}
		return j
	}
	noKid := map[string]any{"kid": nil}
	for _, tc := range []struct {
		name   string
		token  string
		jwks   []byte
		want   tokenview.Signature
		note   string
		header map[string]any
	}{
		{"use enc", keyA.Sign(claims), tokentest.JWKSOf(with(keyA, map[string]any{"use": "enc"})), tokenview.SigKeyNotForSigning, `key "` + keyA.Kid + `" with use "enc"`, nil},
		{"key_ops encrypt only", keyA.Sign(claims), tokentest.JWKSOf(with(keyA, map[string]any{"use": nil, "key_ops": []string{"encrypt", "wrapKey"}})), tokenview.SigKeyNotForSigning, "key_ops encrypt, wrapKey (no verify)", nil},
		{"key_ops with verify", keyA.Sign(claims), tokentest.JWKSOf(with(keyA, map[string]any{"use": nil, "key_ops": []string{"verify"}})), tokenview.SigVerified, "", nil},
		{"no use, no key_ops", keyA.Sign(claims), tokentest.JWKSOf(with(keyA, map[string]any{"use": nil})), tokenview.SigVerified, "", nil},
		{"unknown use", keyA.Sign(claims), tokentest.JWKSOf(with(keyA, map[string]any{"use": "tls"})), tokenview.SigKeyNotForSigning, `use "tls"`, nil},
		{"ES256 key for encryption", keyE.Sign(claims), tokentest.JWKSOf(with(keyE, map[string]any{"use": "enc"})), tokenview.SigKeyNotForSigning, `use "enc"`, nil},
		{"no kid, only an encryption key", keyA.SignWithHeader(claims, noKid), tokentest.JWKSOf(with(keyA, map[string]any{"use": "enc"})), tokenview.SigKeyNotForSigning, "No key in the instance's JWKS may check signatures", noKid},
		{"no kid, an encryption key beside a signing one that did not sign", keyA.SignWithHeader(claims, noKid), tokentest.JWKSOf(with(keyA, map[string]any{"use": "enc"}), keyB.JWK()), tokenview.SigInvalid, "", noKid},
		{"no kid, the signing key among others", keyA.SignWithHeader(claims, noKid), tokentest.JWKSOf(with(keyB, map[string]any{"use": "enc"}), keyA.JWK()), tokenview.SigVerified, "", noKid},
		{"another kid for encryption beside the signing key", keyA.Sign(claims), tokentest.JWKSOf(with(keyB, map[string]any{"use": "enc"}), keyA.JWK()), tokenview.SigVerified, "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenview.Inspect(tc.token, tokenview.VerifyOptions{JWKS: tc.jwks})
			if err != nil {
				t.Fatal(err)
			}
			if c.Signature != tc.want || !strings.Contains(c.SignatureNote, tc.note) {
				t.Errorf("got %q (%s), want %q with %q", c.Signature, c.SignatureNote, tc.want, tc.note)
			}
		})
	}
}
