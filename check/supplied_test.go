package check

import (
	"context"
	"strings"
	"testing"
)

// A supplied token is inspected and used, never requested: a good one passes with its
// System User; another instance's token is refused by issuer and API; garbage is
// malformed.
func TestSuppliedToken(t *testing.T) {
	s, hp, issued := healthyToken(t)

	// A profile of another app on the same instance, with no secret: the token
	// decides, not the profile.
	other, _ := s.Scenario("scope-not-allowed")
	op := profileFor(s, other)
	opts := fresh()
	opts.Supplied = NewAccessToken(issued.Access.Reveal())
	rep := Run(context.Background(), op, "", opts, nil)
	tok := stepOf(rep, StepToken)
	if tok.Verdict != Pass || !hasCode(rep, TokSupplied) || tok.Token == nil || !tok.Token.Supplied || !strings.Contains(tok.Summary, "not requested") {
		t.Fatalf("token step: %+v", tok)
	}
	if len(tok.Exchanges) != 0 {
		t.Errorf("a supplied token was requested: %d exchanges", len(tok.Exchanges))
	}
	if rep.Verdict != Pass || rep.Claims == nil || rep.Claims.SystemUser != "svc-import" || rep.Claims.Signature != "verified" {
		t.Fatalf("inspect: verdict %s, codes %v, claims %+v", rep.Verdict, codes(rep, ""), rep.Claims)
	}
	if hasCode(rep, TokScopeNarrowed) || hasCode(rep, TokScopeAllGranted) {
		t.Errorf("a supplied token's scopes were compared with a request: %v", codes(rep, ""))
	}
	if n := len(codes(rep, StepAPI)); n != 3 {
		t.Errorf("API calls with the supplied token: %d", n)
	}
	if n := opts.Cache.Len(); n != 0 {
		t.Errorf("a supplied token was cached (%d entries)", n)
	}

	// Another instance's token: the signature is not from this instance's keys, and
	// the API refuses it.
	foreign, _ := s.Scenario("foreign-issuer")
	frep := Run(context.Background(), profileFor(s, foreign), foreign.ClientSecret, fresh(), nil)
	opts = fresh()
	opts.Supplied = NewAccessToken(frep.Access.Reveal())
	rep = Run(context.Background(), hp, "", opts, nil)
	if !hasCode(rep, TokIssuerMismatch) || !hasCode(rep, APIForeignIssuer) || rep.Verdict != Fail {
		t.Errorf("foreign token: %v", codes(rep, ""))
	}

	// Not a token at all.
	opts = fresh()
	opts.Supplied = NewAccessToken("eyJhbGciOiJSUzI1NiJ9.not-json.x")
	rep = Run(context.Background(), hp, "", opts, nil)
	if !hasCode(rep, TokMalformed) {
		t.Errorf("garbage: %v", codes(rep, ""))
	}
	opts.Supplied = NewAccessToken("")
	rep = Run(context.Background(), hp, "", opts, nil)
	if f := finding(rep, TokMalformed); f == nil || !strings.Contains(f.Message, "The supplied token is empty") || stepOf(rep, StepInspect).Verdict != Skipped {
		t.Errorf("empty: %v", codes(rep, ""))
	}
}
