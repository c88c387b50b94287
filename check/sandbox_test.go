package check

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"trustedapp-tester/profiles"
	"trustedapp-tester/sandbox"
)

// profileFor turns a sandbox scenario into the profile a user would make from it.
func profileFor(s *sandbox.Server, sc sandbox.Scenario) profiles.Profile {
	p := profiles.Profile{
		Name: sc.Name, InstanceURL: sc.Instance, ClientID: sc.ClientID,
		AuthMethod: profiles.AuthMethod(sc.AuthMethod), Scopes: strings.Fields(sc.Scope),
		TLS: profiles.TLSOptions{CAFile: s.CAFile()}, TimeoutSeconds: 10,
	}
	if sc.Kind != sandbox.KindClientCredentials {
		p.Kind, p.User, p.AuthMethod = profiles.Kind(sc.Kind), sc.User, ""
		return p // no authority: nothing is asked of the identity server
	}
	if sc.Authority != strings.TrimRight(sc.Instance, "/")+"/id" {
		p.Authority = sc.Authority
	}
	for _, c := range sc.Calls {
		p.Calls = append(p.Calls, profiles.APICall{Method: c.Method, Path: c.Path, Body: c.Body})
	}
	return p
}

// TestSandboxScenarios runs the engine against every built-in sandbox scenario, over
// HTTPS with the sandbox's own CA, and checks steps, verdicts, claims and codes.
func TestSandboxScenarios(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{TLS: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	type want struct {
		verdict Verdict
		codes   []string // besides the scenario's Expect
		absent  []string
		noToken bool // the token step fails; inspect and API are skipped
	}
	expect := map[string]want{
		"healthy":                 {verdict: Pass, codes: []string{ReachOK, APIOK}},
		"scope-not-allowed":       {verdict: Fail, noToken: true},
		"user-scopes":             {verdict: Warn, codes: []string{TokScopeUserOnly, APIOK}},
		"read-only-write":         {verdict: Fail, codes: []string{APIOK}},
		"disabled":                {verdict: Fail, noToken: true},
		"public-client":           {verdict: Fail, noToken: true},
		"rotated-secret":          {verdict: Fail, noToken: true},
		"system-user-not-allowed": {verdict: Fail, noToken: true},
		"no-system-user":          {verdict: Fail, noToken: true},
		"short-lived":             {verdict: Pass, codes: []string{APIOK}},
		"licence-exhausted":       {verdict: Fail},
		"rate-limited":            {verdict: Warn, codes: []string{APIOK}},
		"basic-auth":              {verdict: Pass, absent: []string{TokBasicEncoding}},
		"inactive-system-user":    {verdict: Fail, noToken: true},
		"foreign-issuer":          {verdict: Fail},
		"reference-tokens":        {verdict: Pass},
		"secret-newline":          {verdict: Fail, noToken: true},
		"secret-crlf":             {verdict: Fail, noToken: true},
		"secret-spaces":           {verdict: Fail, noToken: true},
		"secret-hex":              {verdict: Fail, noToken: true},
	}
	seen := map[string]bool{}
	for _, sc := range s.Scenarios() {
		seen[sc.Name] = true
		if sc.Name == "slow-identity" || sc.Kind != sandbox.KindClientCredentials {
			continue // below, with a short timeout; the other kinds in kinds_test.go
		}
		w, ok := expect[sc.Name]
		if !ok {
			t.Errorf("scenario %q has no expectation in this test; add one", sc.Name)
			continue
		}
		t.Run(sc.Name, func(t *testing.T) {
			var streamed int
			rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), func(Step) { streamed++ })
			got := codes(rep, "")
			if !hasCode(rep, sc.Expect) {
				t.Errorf("expected %s, got %v", sc.Expect, got)
			}
			for _, c := range w.codes {
				if !hasCode(rep, c) {
					t.Errorf("missing %s in %v", c, got)
				}
			}
			for _, c := range w.absent {
				if hasCode(rep, c) {
					t.Errorf("unexpected %s in %v", c, got)
				}
			}
			if rep.Verdict != w.verdict {
				t.Errorf("verdict %s, want %s (%v)", rep.Verdict, w.verdict, got)
			}
			if streamed != len(rep.Steps) || rep.Steps[0].Kind != StepReachability || rep.Steps[1].Kind != StepDiscovery || rep.Steps[2].Kind != StepToken {
				t.Errorf("steps: %d streamed, %d in report", streamed, len(rep.Steps))
			}
			if stepOf(rep, StepDiscovery).Verdict != Pass {
				t.Errorf("discovery: %v", codes(rep, StepDiscovery))
			}
			if w.noToken {
				if rep.Access != nil || stepOf(rep, StepToken).Verdict != Fail || stepOf(rep, StepInspect).Verdict != Skipped || stepOf(rep, StepAPI).Verdict != Skipped {
					t.Errorf("a refused token must skip inspect and API: %v", got)
				}
				return
			}
			c := rep.Claims
			if c == nil || c.ClientID != sc.ClientID || c.SystemUser != sc.SystemUser || c.Issuer != sc.Authority || !c.Verified() || c.Database == "" {
				t.Fatalf("claims %+v", c)
			}
			if !slices.Contains(c.Audiences, "DomainAPI") {
				t.Errorf("audiences %v", c.Audiences)
			}
		})
	}
	for name := range expect {
		if !seen[name] {
			t.Errorf("the sandbox no longer has scenario %q", name)
		}
	}

	// Specific evidence.
	get := func(name string) Report {
		sc, _ := s.Scenario(name)
		return Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
	}
	rep := get("user-scopes")
	if f := finding(rep, TokScopeNarrowed); f == nil || f.Evidence[EvGranted] != "read" || !strings.Contains(f.Evidence[EvMissing], "openid") {
		t.Errorf("user-scopes evidence: %+v", f)
	}
	// The sign-in scopes are reported once, together, not once per scope.
	var userOnly []Finding
	for _, st := range rep.Steps {
		for _, f := range st.Findings {
			if f.Code == TokScopeUserOnly {
				userOnly = append(userOnly, f)
			}
		}
	}
	if len(userOnly) != 1 || userOnly[0].Evidence[EvScope] != "offline_access openid" ||
		!strings.Contains(userOnly[0].Message, `The scopes "offline_access" and "openid" are for interactive sign-in`) {
		t.Errorf("want one token.scope_user_only naming both scopes, got %+v", userOnly)
	}
	rep = get("scope-not-allowed")
	if f := finding(rep, TokInvalidScope); f == nil || f.Evidence[EvScope] != "update" ||
		!strings.Contains(f.Message, `The app may not have the scope "update" of the requested "read update"`) {
		t.Errorf("invalid_scope should name the refused scope update: %+v", f)
	}
	rep = get("read-only-write")
	if f := finding(rep, APIForbiddenScope); f == nil || f.Evidence[EvScope] != "update" || f.Evidence[EvMethod] != "PATCH" {
		t.Errorf("forbidden scope evidence: %+v", f)
	}
	rep = get("rate-limited")
	if f := finding(rep, APIRateLimited); f == nil || f.Evidence[EvRetryAfter] == "" {
		t.Errorf("rate limited evidence: %+v", f)
	}
	rep = get("short-lived")
	if f := finding(rep, TokLifetimeUnusual); f == nil || f.Evidence[EvLifetime] != "30s" {
		t.Errorf("short-lived: %+v", f)
	}
	rep = get("basic-auth")
	if got := stepOf(rep, StepToken).Exchanges[0].RequestHeaders.Get("Authorization"); got != "Basic [redacted]" {
		t.Errorf("basic header: %q", got)
	}

	// slow-identity: a timeout shorter than the identity server's delay.
	sc, _ := s.Scenario("slow-identity")
	opts := fresh()
	opts.Timeout = 500 * time.Millisecond
	rep = Run(context.Background(), profileFor(s, sc), sc.ClientSecret, opts, nil)
	if f := finding(rep, NetTimeout); f == nil || stepOf(rep, StepToken).Verdict != Fail || stepOf(rep, StepInspect).Verdict != Skipped {
		t.Errorf("slow identity: %v", codes(rep, ""))
	}
}

// TestSandboxReferenceToken calls the API console path with an enrt_ reference token.
func TestSandboxReferenceToken(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sc, _ := s.Scenario("reference-tokens")
	ref, err := s.IssueReferenceToken(sc.ClientID, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	st := Call(context.Background(), profileFor(s, sc), NewAccessToken(ref), profiles.APICall{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=1"}, Options{})
	if st.Verdict != Pass {
		t.Fatalf("reference token call: %+v", st.Findings)
	}
	if got := st.Exchanges[0].RequestHeaders.Get("Authorization"); got != "Bearer …"+ref[len(ref)-6:] {
		t.Errorf("captured %q", got)
	}
}

// TestUnauthorizedClientNamesOnlyItsCauses: the sandbox answers unauthorized_client
// with the docs' message for an app whose SystemUserAllowed is off; the engine's
// finding names SystemUserAllowed and the System User, never "disabled" or "public
// client", which ERP.net reports as invalid_client.
func TestUnauthorizedClientNamesOnlyItsCauses(t *testing.T) {
	s, err := sandbox.Start(sandbox.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"system-user-not-allowed", "no-system-user", "inactive-system-user"} {
		sc, _ := s.Scenario(name)
		rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
		f := finding(rep, TokUnauthorizedClient)
		if f == nil {
			t.Fatalf("%s: no %s in %v", name, TokUnauthorizedClient, codes(rep, ""))
		}
		low := strings.ToLower(f.Message)
		if strings.Contains(low, "disabled") || strings.Contains(low, "public") || !strings.Contains(f.Message, "SystemUserAllowed") ||
			!strings.Contains(f.Message, `"The client is not authorized to use this grant type"`) {
			t.Errorf("%s: %s", name, f.Message)
		}
	}
}

// TestSandboxDocumentedChoices drives the engine through the sandbox's configurable
// answers where the docs are silent: sign-in scopes dropped (default) or refused, and
// MaximumLicenseCountExceeded as 500 (default) or 503 with Retry-After.
func TestSandboxDocumentedChoices(t *testing.T) {
	for _, mode := range []string{sandbox.SignInScopesDrop, sandbox.SignInScopesRefuse} {
		s, err := sandbox.Start(sandbox.Config{SignInScopes: mode})
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := s.Scenario("user-scopes") // requests "read openid offline_access"
		rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
		s.Close()
		switch mode {
		case sandbox.SignInScopesDrop:
			if !hasCode(rep, TokScopeNarrowed) || !hasCode(rep, TokScopeUserOnly) || rep.Access == nil {
				t.Errorf("dropped: %v", codes(rep, ""))
			}
		default:
			f := finding(rep, TokInvalidScope)
			if f == nil || f.Evidence[EvScope] != "openid" || rep.Access != nil || !hasCode(rep, TokScopeUserOnly) {
				t.Errorf("refused: %v %+v", codes(rep, ""), f)
			}
		}
	}
	for _, status := range []int{500, 503} {
		s, err := sandbox.Start(sandbox.Config{LicenseExhaustedStatus: status})
		if err != nil {
			t.Fatal(err)
		}
		sc, _ := s.Scenario("licence-exhausted")
		rep := Run(context.Background(), profileFor(s, sc), sc.ClientSecret, fresh(), nil)
		s.Close()
		f := finding(rep, APILicenseExhausted)
		if f == nil || f.Evidence[EvStatus] != fmt.Sprint(status) || (status == 503) != (f.Evidence[EvRetryAfter] != "") {
			t.Errorf("licence exhausted as %d: %v %+v", status, codes(rep, ""), f)
		}
		if rep.Session.State != SessionNone {
			t.Errorf("licence exhausted as %d opened a session: %+v", status, rep.Session)
		}
	}
}
