package check

import (
	"context"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/tokenview/tokentest"
)

// An instance that issues a correctly signed token whose header marks an extension
// as critical (crit), or publishes its signing key for encryption ("use":"enc", or
// key_ops without "verify"): the signature is not accepted, the Inspect step fails
// with a finding the guide explains, and the run fails.
func TestJOSEStrictnessAgainstAServer(t *testing.T) {
	enc := func(set map[string]any) []byte {
		j := testKey.JWK()
		for n, v := range set {
			if v == nil {
				delete(j, n)
			} else {
				j[n] = v
			}
		}
		return tokentest.JWKSOf(j)
	}
	for _, tc := range []struct {
		name  string
		setup func(f erp)
		code  string
		says  string
	}{
		{"crit extension", func(f erp) {
			c := tokentest.ERPNetClaims(f.Authority(), time.Now().Unix())
			c["client_id"] = hostile.ClientID
			f.issue(testKey.SignWithHeader(c, map[string]any{"crit": []string{"exp-acme"}, "exp-acme": 1}))
		}, TokCritUnsupported, `marks "exp-acme" as critical`},
		{"use enc", func(f erp) { f.serveJWKS(enc(map[string]any{"use": "enc"})) }, TokKeyNotForSigning, `use "enc"`},
		{"key_ops without verify", func(f erp) { f.serveJWKS(enc(map[string]any{"use": nil, "key_ops": []string{"encrypt"}})) }, TokKeyNotForSigning, "key_ops encrypt (no verify)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newERP(t)
			tc.setup(f)
			rep := Run(context.Background(), f.profile(), f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Now: time.Now}, nil)
			fd := finding(rep, tc.code)
			if fd == nil || rep.Access == nil {
				t.Fatalf("no %s finding (token issued: %v): %v", tc.code, rep.Access != nil, codes(rep, ""))
			}
			if !strings.Contains(fd.Message, tc.says) || stepOf(rep, StepInspect).Verdict != Fail || rep.Verdict != Fail {
				t.Errorf("%s: %q, inspect %s, run %s", tc.code, fd.Message, stepOf(rep, StepInspect).Verdict, rep.Verdict)
			}
			if rep.Claims == nil || rep.Claims.Verified() {
				t.Errorf("the signature counts as verified: %+v", rep.Claims)
			}
		})
	}
}
