package tokenview_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/tokenview"
	"trustedapp-tester/tokenview/tokentest"
)

const iss = "https://e1-dev.local/id"

var (
	keyA = tokentest.NewRSA("5B27920E653DD7AC67D2F64B32A17992")
	keyB = tokentest.NewRSA("B")
	keyE = tokentest.NewEC("E")
)

func TestDecodeERPNetExample(t *testing.T) {
	// The decoded example from erpnet-reference.md section 3, as a raw payload.
	payload := `{"nbf":1766505147,"exp":1766508747,"iss":"https://e1-dev.local/id","aud":["DomainAPI","TableAPI","OLAP","AppServer","https://e1-dev.local/id/resources"],"client_id":"PK","client_system_user":"admin","client_system_user_type":"InternalUser","client_db":"E1_DEV-1 Test","jti":"8D0B705573A1A98FDBADFF0CD7F7EEB4","iat":1766505147,"scope":["read","update"]}`
	hdr := `{"alg":"RS256","kid":"5B27920E653DD7AC67D2F64B32A17992","typ":"at+jwt"}`
	raw := b64(hdr) + "." + b64(payload) + ".c2ln"
	c, err := tokenview.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != tokenview.KindJWT || c.Alg != "RS256" || c.Typ != "at+jwt" || c.Kid != "5B27920E653DD7AC67D2F64B32A17992" {
		t.Errorf("header: %+v", c)
	}
	if c.SystemUser != "admin" || c.SystemUserType != "InternalUser" || c.ClientID != "PK" || c.Database != "E1_DEV-1 Test" || c.Issuer != iss {
		t.Errorf("claims: %+v", c)
	}
	if !reflect.DeepEqual(c.Scopes, []string{"read", "update"}) || len(c.Audiences) != 5 || c.Audiences[0] != "DomainAPI" {
		t.Errorf("scopes %v aud %v", c.Scopes, c.Audiences)
	}
	if c.Lifetime() != time.Hour || c.IssuedAt.Unix() != 1766505147 || c.Expires.Unix() != 1766508747 {
		t.Errorf("times: iat %v exp %v lifetime %v", c.IssuedAt, c.Expires, c.Lifetime())
	}
	if c.Signature != tokenview.SigNotChecked {
		t.Errorf("Decode must not claim verification, got %q", c.Signature)
	}
	// Claims table keeps the token's order.
	var names []string
	for _, cl := range c.All {
		names = append(names, cl.Name)
	}
	if strings.Join(names, ",") != "nbf,exp,iss,aud,client_id,client_system_user,client_system_user_type,client_db,jti,iat,scope" {
		t.Errorf("order: %v", names)
	}
	if c.All[3].Value != `["DomainAPI","TableAPI","OLAP","AppServer","https://e1-dev.local/id/resources"]` || c.All[0].Time == nil {
		t.Errorf("display: %+v", c.All[3])
	}
}

func TestDecodeShapes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		payload string
		scopes  []string
		aud     []string
	}{
		{"scope string, aud string", `{"scope":"read update","aud":"DomainApi"}`, []string{"read", "update"}, []string{"DomainApi"}},
		{"scp array", `{"scp":["read"],"aud":["a","b"]}`, []string{"read"}, []string{"a", "b"}},
		{"scopes string", `{"scopes":"update"}`, []string{"update"}, nil},
		{"no scope", `{"sub":"x","db":"D"}`, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenview.Decode(b64(`{"alg":"RS256"}`) + "." + b64(tc.payload) + ".c2ln")
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Scopes, tc.scopes) || !reflect.DeepEqual(c.Audiences, tc.aud) {
				t.Errorf("scopes %v aud %v", c.Scopes, c.Audiences)
			}
		})
	}
	c, _ := tokenview.Decode(b64(`{"alg":"RS256"}`) + "." + b64(`{"sub":"u1","db":"D"}`) + ".c2ln")
	if c.Subject != "u1" || c.Database != "D" {
		t.Errorf("user token: %+v", c)
	}
}

func TestDecodeKinds(t *testing.T) {
	ref := "enrt_" + strings.Repeat("ab", 32)
	c, err := tokenview.Decode(ref)
	if err != nil || c.Kind != tokenview.KindReference || !tokenview.IsWellFormedReference(ref) {
		t.Errorf("reference: %+v %v", c, err)
	}
	if !strings.Contains(c.SignatureNote, "checked by the instance") {
		t.Errorf("note: %q", c.SignatureNote)
	}
	c, _ = tokenview.Decode("enrt_short")
	if c.Kind != tokenview.KindReference || !strings.Contains(c.SignatureNote, "64 hex") {
		t.Errorf("bad reference: %+v", c)
	}
	c, err = tokenview.Decode("2YotnFZFEjr1zCsicMWpAA")
	if err != nil || c.Kind != tokenview.KindOpaque || !strings.Contains(c.SignatureNote, "opaque") {
		t.Errorf("opaque: %+v %v", c, err)
	}
}

func TestDecodeMalformed(t *testing.T) {
	for name, raw := range map[string]string{
		"bad base64 header": "!!!." + b64(`{}`) + ".c2ln",
		"header not json":   b64(`nope`) + "." + b64(`{}`) + ".c2ln",
		"payload array":     b64(`{"alg":"RS256"}`) + "." + b64(`[1]`) + ".c2ln",
		"payload trailing":  b64(`{"alg":"RS256"}`) + "." + b64(`{} {}`) + ".c2ln",
		"no alg":            b64(`{"typ":"JWT"}`) + "." + b64(`{}`) + ".c2ln",
		"bad signature b64": b64(`{"alg":"RS256"}`) + "." + b64(`{}`) + ".***",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tokenview.Decode(raw)
			if !errors.Is(err, tokenview.ErrMalformed) {
				t.Fatalf("want ErrMalformed, got %v", err)
			}
		})
	}
}

func TestInspectSignature(t *testing.T) {
	claims := tokentest.ERPNetClaims(iss, time.Now().Unix())
	jwksA := tokentest.JWKS(keyA)
	// Same kid as A, different key: the signature does not match.
	forged := tokentest.NewRSA(keyA.Kid)
	for _, tc := range []struct {
		name string
		raw  string
		jwks []byte
		want tokenview.Signature
		note string
	}{
		{"verified RS256", keyA.Sign(claims), jwksA, tokenview.SigVerified, keyA.Kid},
		{"rotated: signed with B, JWKS has A and B", keyB.Sign(claims), tokentest.JWKS(keyA, keyB), tokenview.SigVerified, `"B"`},
		{"ES256", keyE.Sign(claims), tokentest.JWKS(keyE), tokenview.SigVerified, ""},
		{"forged", forged.Sign(claims), jwksA, tokenview.SigInvalid, "does not match"},
		{"unknown kid", keyB.Sign(claims), jwksA, tokenview.SigUnknownKey, `no key with kid "B"`},
		{"HS256 not allowed", tokentest.Unsigned("HS256", keyA.Kid, claims), jwksA, tokenview.SigAlgorithm, `"HS256"`},
		{"none not allowed", tokentest.Unsigned("none", "", claims), jwksA, tokenview.SigAlgorithm, "not in the allowed list"},
		{"no JWKS", keyA.Sign(claims), nil, tokenview.SigNotChecked, "No JWKS"},
		{"broken JWKS", keyA.Sign(claims), []byte(`{"keys":[]}`), tokenview.SigNotChecked, "no keys"},
		{"JWKS not json", keyA.Sign(claims), []byte(`<html>`), tokenview.SigNotChecked, "not a JSON key set"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := tokenview.Inspect(tc.raw, tokenview.VerifyOptions{JWKS: tc.jwks})
			if err != nil {
				t.Fatal(err)
			}
			if c.Signature != tc.want || !strings.Contains(c.SignatureNote, tc.note) {
				t.Errorf("got %q (%s), want %q with %q", c.Signature, c.SignatureNote, tc.want, tc.note)
			}
			if c.Verified() != (tc.want == tokenview.SigVerified) {
				t.Error("Verified() disagrees")
			}
			if c.SystemUser != "admin" {
				t.Errorf("claims must be decoded whatever the signature: %+v", c)
			}
		})
	}
}

func TestInspectIgnoresTimeButReportsIt(t *testing.T) {
	now := time.Unix(1766505147, 0)
	claims := tokentest.ERPNetClaims(iss, now.Unix())
	c, err := tokenview.Inspect(keyA.Sign(claims), tokenview.VerifyOptions{JWKS: tokentest.JWKS(keyA)})
	if err != nil || !c.Verified() {
		t.Fatalf("an old but genuine token must still verify: %v %+v", err, c)
	}
	leeway := tokenview.DefaultLeeway
	if c.Expired(now.Add(30*time.Minute), leeway) || c.NotYetValid(now, leeway) {
		t.Error("valid token reported invalid")
	}
	if !c.Expired(now.Add(time.Hour+2*time.Minute), leeway) || c.Expired(now.Add(time.Hour+30*time.Second), leeway) {
		t.Error("expiry with leeway wrong")
	}
	if !c.NotYetValid(now.Add(-2*time.Minute), leeway) || c.NotYetValid(now.Add(-30*time.Second), leeway) {
		t.Error("nbf with leeway wrong")
	}
	if c.TimeLeft(now) != time.Hour {
		t.Errorf("time left %v", c.TimeLeft(now))
	}
}

func TestParseJWKS(t *testing.T) {
	kids, err := tokenview.ParseJWKS(tokentest.JWKS(keyA, keyB))
	if err != nil || len(kids) != 2 {
		t.Fatalf("%v %v", kids, err)
	}
	for _, bad := range []string{`nope`, `{"keys":[]}`, `{"keys":[{"kty":"RSA","kid":"x","n":"!!","e":"AQAB"}]}`} {
		if _, err := tokenview.ParseJWKS([]byte(bad)); !errors.Is(err, tokenview.ErrJWKS) {
			t.Errorf("%s: want ErrJWKS, got %v", bad, err)
		}
	}
}

func TestDiffScopes(t *testing.T) {
	d := tokenview.DiffScopes([]string{"read", "update", "read"}, []string{"read", "Update"})
	if !reflect.DeepEqual(d.Missing, []string{"update"}) || !reflect.DeepEqual(d.Extra, []string{"Update"}) || d.RequestedAll {
		t.Errorf("case-sensitive diff: %+v", d)
	}
	d = tokenview.DiffScopes(nil, []string{"read update"})
	if !d.RequestedAll || !reflect.DeepEqual(d.Granted, []string{"read", "update"}) || len(d.Missing) != 0 {
		t.Errorf("all granted: %+v", d)
	}
	if got := tokenview.SortedScopes([]string{"update read", "read"}); got != "read update" {
		t.Errorf("sorted %q", got)
	}
}

func FuzzDecode(f *testing.F) {
	claims := tokentest.ERPNetClaims(iss, 1766505147)
	f.Add(keyA.Sign(claims))
	f.Add("enrt_" + strings.Repeat("0", 64))
	f.Add("opaque")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":1e300,"iat":-1,"aud":[1,"x"],"scope":{"a":1}}`) + ".")
	f.Add("..")
	f.Add(b64(`{"alg":"RS256"}`) + "." + b64(`{"exp":"soon"}`) + ".x")
	jwks := tokentest.JWKS(keyA)
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := tokenview.Decode(raw)
		if err != nil && !errors.Is(err, tokenview.ErrMalformed) {
			t.Fatalf("error does not wrap ErrMalformed: %v", err)
		}
		if err == nil && c.Kind == tokenview.KindJWT && c.Alg == "" {
			t.Fatal("a decoded JWT must have an alg")
		}
		_ = c.Lifetime()
		_, _ = tokenview.Inspect(raw, tokenview.VerifyOptions{JWKS: jwks})
	})
}

func b64(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
