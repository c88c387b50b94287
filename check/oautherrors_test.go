package check

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/guide"
	"trustedapp-tester/sandbox"
	"trustedapp-tester/tokenview/tokentest"
)

// The token errors the documented table lists but a well-formed request to ERP.net
// does not produce: an identity server customised (or proxied) to answer them, and a
// missing secret against the sandbox. Each must be classified by its code and
// explained with the server's own description woven in.
func TestTokenErrorCodesFromTheWire(t *testing.T) {
	for _, tc := range []struct {
		code, body string
		want       []string // in the finding message or the explanation the user reads
	}{
		{TokInvalidGrant, `{"error":"invalid_grant","error_description":"Client credentials are invalid or missing"}`,
			[]string{"invalid_grant", "Client credentials are invalid or missing", "grant_type=client_credentials"}},
		{TokUnsupportedGrantType, `{"error":"unsupported_grant_type","error_description":"Unsupported grant type: client_credentials"}`,
			[]string{"unsupported_grant_type", "Unsupported grant type: client_credentials"}},
		{TokInvalidRequest, `{"error":"invalid_request","error_description":"Missing client_secret"}`,
			[]string{"invalid_request", "Missing client_secret"}},
	} {
		t.Run(tc.code, func(t *testing.T) {
			f := newERP(t)
			f.Token = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				fmt.Fprint(w, tc.body)
			}
			rep := Run(context.Background(), f.profile(), f.Secret, fresh(), nil)
			fd := finding(rep, tc.code)
			if fd == nil || rep.Verdict != Fail {
				t.Fatalf("want %s and a failed run, got %v (%s)", tc.code, codes(rep, StepToken), rep.Verdict)
			}
			e := guide.Explain(fd.Code, fd.Evidence)
			text := fd.Message + "\n" + e.Title + "\n" + e.What + "\n" + strings.Join(e.Steps, "\n")
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the user does not read %q:\n%s", w, text)
				}
			}
			if st := stepOf(rep, StepInspect); st == nil || st.Verdict != Skipped {
				t.Errorf("inspect should be skipped without a token: %+v", st)
			}
		})
	}
}

// An empty secret sends no client_secret: the sandbox answers invalid_request with the
// documented "Missing client_secret", and the run says which parameter was missing.
func TestMissingSecretAgainstTheSandbox(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("healthy")
	rep := Run(context.Background(), profileFor(s, sc), "", fresh(), nil)
	fd := finding(rep, TokInvalidRequest)
	if fd == nil {
		t.Fatalf("want token.invalid_request, got %v", codes(rep, StepToken))
	}
	if got := fd.Evidence[EvDescription]; got != "Missing client_secret" {
		t.Errorf("error_description evidence = %q", got)
	}
	if e := guide.Explain(fd.Code, fd.Evidence); !strings.Contains(e.What, "Missing client_secret") {
		t.Errorf("explanation does not quote the server: %s", e.What)
	}
}

// A token whose header names an algorithm outside the allow-list (HS256, a symmetric
// key) is refused before any key is looked at.
func TestAlgorithmNotAllowed(t *testing.T) {
	f := newERP(t)
	f.Token = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		tok := tokentest.Unsigned("HS256", testKey.Kid, tokentest.ERPNetClaims(f.URL+"/id", time.Now().Unix()))
		fmt.Fprintf(w, `{"access_token":%q,"expires_in":3600,"token_type":"Bearer","scope":"read update"}`, tok)
	}
	p := f.profile()
	rep := Run(context.Background(), p, f.Secret, Options{Fresh: true, Cache: NewTokenCache(), Mode: NoAPI}, nil)
	fd := finding(rep, TokAlgNotAllowed)
	if fd == nil {
		t.Fatalf("want token.alg_not_allowed, got %v", codes(rep, StepInspect))
	}
	if fd.Evidence[EvAlg] != "HS256" || !strings.Contains(fd.Message, "HS256") {
		t.Errorf("finding does not name the algorithm: %+v", fd)
	}
	if rep.Claims == nil || rep.Claims.Signature != "alg_not_allowed" {
		t.Errorf("claims signature = %+v", rep.Claims)
	}
}
