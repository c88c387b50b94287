package tokenview_test

import (
	"testing"
	"time"

	"trustedapp-tester/tokenview"
	"trustedapp-tester/tokenview/tokentest"
)

// BenchmarkDecode is the unverified view the UI shows first.
func BenchmarkDecode(b *testing.B) {
	k := tokentest.NewRSA("5B27920E653DD7AC67D2F64B32A17992")
	raw := k.Sign(tokentest.ERPNetClaims("https://acme.my.erp.net/id", time.Now().Unix()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tokenview.Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspect decodes and verifies an RS256 token against a two-key JWKS, as the
// inspect step does after every token request.
func BenchmarkInspect(b *testing.B) {
	k := tokentest.NewRSA("5B27920E653DD7AC67D2F64B32A17992")
	other := tokentest.NewRSA("OTHER")
	raw := k.Sign(tokentest.ERPNetClaims("https://acme.my.erp.net/id", time.Now().Unix()))
	jwks := tokentest.JWKS(other, k)
	b.ReportAllocs()
	for b.Loop() {
		c, err := tokenview.Inspect(raw, tokenview.VerifyOptions{JWKS: jwks})
		if err != nil || c.Signature != tokenview.SigVerified {
			b.Fatalf("%v %v", c.Signature, err)
		}
	}
}
