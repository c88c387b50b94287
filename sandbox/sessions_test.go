package sandbox

import (
	"strings"
	"testing"
	"time"
)

// Reference tokens, ERP.net sessions and licence slots, rate limits, and the
// sign-in scopes a client-credentials grant never carries.

func TestReferenceTokens(t *testing.T) {
	s := start(t, Config{})
	sc := scenario(t, s, "reference-tokens")
	ref, err := s.IssueReferenceToken(sc.ClientID, []string{"read"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ref) != 69 || !strings.HasPrefix(ref, "enrt_") || !refTokenShape(ref) {
		t.Fatalf("reference token shape %q...", ref[:8])
	}
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	tests := []struct {
		name    string
		token   string
		headers []string
		want    int
		wantMsg string
	}{
		{"Bearer", ref, nil, 200, ""},
		{"X-Api-Key", "", []string{"X-Api-Key", ref}, 200, ""},
		{"X-API-KEY", "", []string{"X-API-KEY", ref}, 200, ""},
		{"Api-Key", "", []string{"Api-Key", ref}, 200, ""},
		{"Bearer and X-Api-Key", ref, []string{"X-Api-Key", ref}, 400, "never both"},
		{"two key headers", "", []string{"Api-Key", ref, "X-Api-Key", ref}, 400, "never both"},
		{"unknown", "enrt_" + strings.Repeat("ab", 32), nil, 401, "unknown on this instance"},
		{"malformed", "enrt_xyz", nil, 401, "64 hex"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := call(t, "GET", u, tc.token, "", tc.headers...)
			if r.status != tc.want {
				t.Fatalf("%d %s", r.status, r.body)
			}
			if _, msg := r.odataError(); !strings.Contains(msg+r.header.Get("WWW-Authenticate"), tc.wantMsg) {
				t.Errorf("message %q, want %q", msg, tc.wantMsg)
			}
		})
	}
	// Scope still applies: a read-only reference token cannot PATCH.
	if r := call(t, "PATCH", s.URL()+"/api/domain/odata/Crm_Sales_Customers("+CustomerID(2)+")", ref, `{"DefaultPaymentTermDays":30}`); r.status != 403 {
		t.Errorf("PATCH with read reference token: %d", r.status)
	}
	for _, tc := range []struct {
		client string
		scopes []string
		want   string
	}{
		{"com.sandbox/healthy", nil, "does not allow reference tokens"},
		{"com.nobody/x", nil, "no Trusted App"},
		{sc.ClientID, []string{"update"}, "not in Trusted App"},
	} {
		if _, err := s.IssueReferenceToken(tc.client, tc.scopes); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("IssueReferenceToken(%s, %v) = %v, want %q", tc.client, tc.scopes, err, tc.want)
		}
	}
}

func TestSessionsAndLicences(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now, LicenseSlots: 1, TokenLifetime: 3 * time.Hour})
	h := scenario(t, s, "healthy")
	a, b := tokenFor(t, h), tokenFor(t, h)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A: %d", r.status)
	}
	r := call(t, "GET", u, b, "")
	if code, msg := r.odataError(); r.status != 500 || code != CodeLicenseExhausted || !strings.Contains(msg, "every licence slot of the instance is in use (1 concurrent sessions)") {
		t.Fatalf("B while A holds the slot: %d %s", r.status, r.body)
	}
	// Getting a token uses no licence; B can still get one.
	tokenFor(t, h)
	// Sliding idle: A keeps its session alive every 19 minutes...
	for i := 0; i < 3; i++ {
		clock.Add(19 * time.Minute)
		if r := call(t, "GET", u, a, ""); r.status != 200 {
			t.Fatalf("A after %d x 19 min: %d", i+1, r.status)
		}
		if r := call(t, "GET", u, b, ""); r.status != 500 {
			t.Fatalf("B got a slot while A is active: %d", r.status)
		}
	}
	// ...but the session ends 1 h after it started (57 min now, +4 = 61), so B gets the slot.
	clock.Add(4 * time.Minute)
	if r := call(t, "GET", u, b, ""); r.status != 200 {
		t.Fatalf("B after A's absolute hour: %d %s", r.status, r.body)
	}
	if r := call(t, "GET", u, a, ""); r.status != 500 {
		t.Fatalf("A should need a new session now: %d", r.status)
	}
	// 20 minutes idle frees B's slot.
	clock.Add(20 * time.Minute)
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A after B idled 20 min: %d", r.status)
	}
	// Per-app cap from the record.
	if err := s.AddApp(TrustedApp{ApplicationURI: "com.test/capped", ApplicationSecretHash: HashSecret("s"), SystemUserAllowed: true,
		SystemUser: &User{Login: "u", Active: true}, Scope: "read", IsEnabled: true, LicenseSlots: intPtr(0)}); err != nil {
		t.Fatal(err)
	}
	c := tokenFor(t, Scenario{Authority: s.Authority(), ClientID: "com.test/capped", ClientSecret: "s"})
	if r := call(t, "GET", u, c, ""); !strings.Contains(string(r.body), "every licence slot of the instance is in use") {
		t.Errorf("per-app cap: %d %s", r.status, r.body)
	}
}

// TestLicenceExhaustedAs503 drives the configurable answer: 503 with Retry-After set
// to the seconds until the session holding the only slot frees it (20 minutes after
// its last call here), and the same OData error body as the default 500.
func TestLicenceExhaustedAs503(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now, LicenseSlots: 1, LicenseExhaustedStatus: 503})
	h := scenario(t, s, "healthy")
	a, b := tokenFor(t, h), tokenFor(t, h)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	if r := call(t, "GET", u, a, ""); r.status != 200 {
		t.Fatalf("A: %d", r.status)
	}
	clock.Add(5 * time.Minute)
	r := call(t, "GET", u, b, "")
	if code, _ := r.odataError(); r.status != 503 || code != CodeLicenseExhausted || r.header.Get("Retry-After") != "900" {
		t.Fatalf("B: %d Retry-After %q %s", r.status, r.header.Get("Retry-After"), r.body)
	}
	if _, err := Start(Config{LicenseExhaustedStatus: 429}); err == nil || !strings.Contains(err.Error(), "use 500 or 503") {
		t.Errorf("unsupported status: %v", err)
	}
}

// TestSignInScopes: by default openid/profile/offline_access are dropped from a
// client-credentials grant; with SignInScopes "refuse" the request is refused with
// invalid_scope naming the first one. The docs only say such tokens never carry them.
func TestSignInScopes(t *testing.T) {
	for _, tc := range []struct {
		mode, wantErr, wantScope string
	}{
		{"", "", "read"},
		{SignInScopesDrop, "", "read"},
		{SignInScopesRefuse, "invalid_scope", ""},
	} {
		s := start(t, Config{SignInScopes: tc.mode})
		sc := scenario(t, s, "user-scopes") // requests "read openid offline_access"
		r := postToken(t, sc.Authority, scenarioForm(sc), nil)
		if r.str("error") != tc.wantErr || r.str("scope") != tc.wantScope {
			t.Errorf("SignInScopes %q: %d %s", tc.mode, r.status, r.raw)
		}
		if tc.wantErr != "" && r.str("error_description") != "Invalid scope: openid" {
			t.Errorf("SignInScopes %q: description %q", tc.mode, r.str("error_description"))
		}
	}
	if _, err := Start(Config{SignInScopes: "ignore"}); err == nil || !strings.Contains(err.Error(), `use "drop" or "refuse"`) {
		t.Errorf("unsupported mode: %v", err)
	}
}

func TestRateLimits(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	sc := scenario(t, s, "rate-limited")
	tok := tokenFor(t, sc)
	u := s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"
	call(t, "GET", u, tok, "")
	clock.Add(20 * time.Second)
	call(t, "GET", u, tok, "")
	r := call(t, "GET", u, tok, "")
	if code, msg := r.odataError(); r.status != 429 || code != "TooManyRequests" || !strings.Contains(msg, "2 requests per minute") {
		t.Fatalf("3rd call: %d %s", r.status, r.body)
	}
	if ra := r.header.Get("Retry-After"); ra != "40" {
		t.Errorf("Retry-After %q, want 40 (the oldest request leaves the window in 40 s)", ra)
	}
	clock.Add(40 * time.Second)
	if r := call(t, "GET", u, tok, ""); r.status != 200 {
		t.Errorf("after Retry-After: %d", r.status)
	}
	// A fresh token is a new session with its own budget.
	if r := call(t, "GET", u, tokenFor(t, sc), ""); r.status != 200 {
		t.Errorf("new session: %d", r.status)
	}
	// Concurrency: one running + five queued; the seventh gets 429.
	h := tokenFor(t, scenario(t, s, "healthy"))
	call(t, "GET", u, h, "")
	s.main.mu.Lock()
	for _, ses := range s.main.sessions {
		if ses.clientID == "com.sandbox/healthy" {
			ses.waiting = SessionConcurrentRequests + SessionQueue
		}
	}
	s.main.mu.Unlock()
	if r := call(t, "GET", u, h, ""); r.status != 429 || r.header.Get("Retry-After") != "1" || !strings.Contains(string(r.body), "running or queued") {
		t.Errorf("queue full: %d %s", r.status, r.body)
	}
}
