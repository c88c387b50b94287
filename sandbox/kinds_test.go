package sandbox

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

// Reference tokens and Basic authentication as the docs describe them.

// A PAT acts as the user who made it, a SAT as the Trusted App's System User: the
// Profile site's /me names the PAT's user and refuses the SAT; both expire, are
// revocable at once, and record their last use in Systems_Security_AccessTokens.
func TestReferenceTokensActExpireAndAreRecorded(t *testing.T) {
	clock := newClock()
	s := start(t, Config{Now: clock.Now})
	pat := scenario(t, s, "reference-token-pat")
	sat := scenario(t, s, "reference-token")
	if pat.Kind != KindReferenceToken || sat.Kind != KindReferenceToken || !refTokenShape(pat.ClientSecret) || sat.SystemUser != "svc-reports" {
		t.Fatalf("scenarios %+v %+v", pat, sat)
	}
	me := func(tok string) apiResult { return call(t, "GET", s.URL()+"/profile/me", tok, "") }
	if r := me(pat.ClientSecret); r.status != 200 || r.json(t)["login"] != "maria.ivanova" || r.json(t)["isAdmin"] != false || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("/me with the PAT: %d %s", r.status, r.body)
	}
	if r := me(sat.ClientSecret); r.status != 403 {
		t.Errorf("/me with the SAT: %d %s", r.status, r.body)
	}
	if r := me(tokenFor(t, scenario(t, s, "healthy"))); r.status != 403 {
		t.Errorf("/me with a client-credentials token: %d %s", r.status, r.body)
	}
	if r := me(""); r.status != 401 {
		t.Errorf("/me without a token: %d", r.status)
	}

	// Reading with the SAT records its use; the set lists both tokens with whom they
	// act as, their expiry and scopes.
	clock.Add(5 * time.Minute)
	u := s.URL() + "/api/domain/odata/Systems_Security_AccessTokens?$filter=Client%20eq%20'com.sandbox/reference-tokens'&$select=Actor,Client,ExpireTimestamp,LastUsedTimestamp,Scopes,Type,Description"
	r := call(t, "GET", u, sat.ClientSecret, "")
	if r.status != 200 {
		t.Fatalf("AccessTokens: %d %s", r.status, r.body)
	}
	rows := r.json(t)["value"].([]any)
	if len(rows) != 2 { // the nightly export and last year's
		t.Fatalf("rows %v", rows)
	}
	var used int
	for _, x := range rows {
		m := x.(map[string]any)
		if m["Actor"] != "svc-reports" || m["Type"] != "reference_token" || m["Scopes"] != "read" || m["ExpireTimestamp"] == nil {
			t.Errorf("row %v", m)
		}
		if m["LastUsedTimestamp"] == clock.Now().UTC().Format(time.RFC3339) {
			used++
		}
		if _, has := m["AccessTokenKey"]; has {
			t.Errorf("$select was not applied: %v", m)
		}
	}
	if used != 1 {
		t.Errorf("last used: %v", rows)
	}
	pats := call(t, "GET", s.URL()+"/api/domain/odata/Systems_Security_AccessTokens?$filter=Client%20eq%20'com.sandbox/personal-tokens'", sat.ClientSecret, "").json(t)["value"].([]any)
	if len(pats) != 1 || pats[0].(map[string]any)["Actor"] != "maria.ivanova" || strings.Contains(string(r.body), "enrt_") {
		t.Errorf("the PAT's row: %v", pats)
	}

	// Expiry, and revocation at once.
	clock.Add(31 * 24 * time.Hour)
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", pat.ClientSecret, ""); r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "expired at") {
		t.Errorf("an expired PAT: %d %s", r.status, r.header.Get("WWW-Authenticate"))
	}
	if !s.RevokeReferenceToken(sat.ClientSecret) || s.RevokeReferenceToken("enrt_"+strings.Repeat("0", 64)) {
		t.Fatal("revoke")
	}
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", sat.ClientSecret, ""); r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), "revoked") {
		t.Errorf("a revoked SAT: %d %s", r.status, r.header.Get("WWW-Authenticate"))
	}
}

// Who may make which token, as the docs say.
func TestIssuingReferenceTokens(t *testing.T) {
	admin := User{Login: "anna.admin", Active: true, IsAdmin: true}
	retired := User{Login: "old.user", Active: false}
	s := start(t, Config{Users: []User{admin, retired}, Apps: []TrustedApp{
		{ApplicationURI: "com.t/admins", Scope: "read update", IsEnabled: true, ReferenceTokens: "AdministratorsOnly"},
		{ApplicationURI: "com.t/users", Scope: "read", IsEnabled: true, ReferenceTokens: "AuthenticatedUsers",
			SystemUserAllowed: true, SystemUser: &User{Login: "svc-x", Active: true}},
	}})
	for _, tc := range []struct {
		req  ReferenceToken
		want string // "" = issued
	}{
		{ReferenceToken{Type: PAT, ClientID: "com.t/users", User: "maria.ivanova", Scopes: []string{"read"}}, ""},
		{ReferenceToken{Type: PAT, ClientID: "com.t/admins", User: "maria.ivanova"}, "only an administrator makes a PAT"},
		{ReferenceToken{Type: PAT, ClientID: "com.t/admins", User: "anna.admin", Scopes: []string{"update"}}, ""},
		{ReferenceToken{Type: PAT, ClientID: "com.t/users", User: "old.user"}, "not active"},
		{ReferenceToken{Type: PAT, ClientID: "com.t/users", User: "nobody"}, `no user "nobody"`},
		{ReferenceToken{Type: SAT, ClientID: "com.t/users"}, "a SAT needs ReferenceTokens AdministratorsOnly"},
		{ReferenceToken{Type: SAT, ClientID: "com.t/admins"}, "needs SystemUserAllowed and a System User"},
		{ReferenceToken{Type: PAT, ClientID: "com.t/users", User: "maria.ivanova", Scopes: []string{"update"}}, `scope "update" is not in`},
		{ReferenceToken{Type: "JWT", ClientID: "com.t/users"}, "use PAT or SAT"},
	} {
		_, err := s.IssueToken(tc.req)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v: %v, want %q", tc.req, err, tc.want)
		}
	}
	// The maker's account matters when the token is used: an inactive maker's PAT is refused.
	tok, err := s.IssueToken(ReferenceToken{Type: PAT, ClientID: "com.t/users", User: "maria.ivanova", Scopes: []string{"read"}})
	if err != nil {
		t.Fatal(err)
	}
	s.main.mu.Lock()
	s.main.users["maria.ivanova"].Active = false
	s.main.mu.Unlock()
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", tok, ""); r.status != 401 {
		t.Errorf("an inactive maker's PAT: %d", r.status)
	}
}

func basicAuth(user, pass string) []string {
	return []string{"Authorization", "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

// Basic authentication to both APIs: the DomainApiBasicAuthentication app's four
// documented refusals, word for word, the built-in <SYSTEM> account, and the user's own
// switch with the config key that overrides it.
func TestBasicAuthentication(t *testing.T) {
	bi := User{Login: "bi", Active: true, Password: "pw-bi", BasicAuthenticationAllowed: true}
	noBasic := User{Login: "clerk", Active: true, Password: "pw-clerk"}
	gone := User{Login: "gone", Active: false, Password: "pw-gone", BasicAuthenticationAllowed: true}
	app := func(f func(a *TrustedApp)) []TrustedApp {
		a := TrustedApp{ApplicationURI: "DomainApiBasicAuthentication", IsEnabled: true, BasicAuthenticationAllowed: true}
		if f != nil {
			f(&a)
		}
		return []TrustedApp{a}
	}
	const failed = "Authentication failed for user '%s'."
	for _, tc := range []struct {
		name      string
		apps      []TrustedApp
		allowAll  bool
		user, pw  string
		status    int
		wantInMsg string
	}{
		{"allowed", app(nil), false, "bi", "pw-bi", 200, ""},
		{"no app", nil, false, "bi", "pw-bi", 401, "Current request uses basic authentication but the provided application 'DomainApiBasicAuthentication' is not found among the trusted applications."},
		{"app disabled", app(func(a *TrustedApp) { a.IsEnabled = false }), false, "bi", "pw-bi", 401, "Current request uses basic authentication but the trusted application 'DomainApiBasicAuthentication' is not enabled."},
		{"app does not allow", app(func(a *TrustedApp) { a.BasicAuthenticationAllowed = false }), false, "bi", "pw-bi", 401, "Current request uses basic authentication but the provided application 'DomainApiBasicAuthentication' is not configured to allow basic authentication."},
		{"app for another user", app(func(a *TrustedApp) { a.SystemUser = &User{Login: "svc-bi", Active: true} }), false, "bi", "pw-bi", 401, "configured for system user that is different from the provided user 'bi'."},
		{"app for this user", app(func(a *TrustedApp) { a.SystemUser = &User{Login: "BI", Active: true} }), false, "bi", "pw-bi", 200, ""},
		{"the built-in <SYSTEM> account", app(func(a *TrustedApp) { a.SystemUser = &User{Login: SystemAccount, Active: true} }), false, "bi", "pw-bi", 401, "built-in <SYSTEM> account"},
		{"wrong password", app(nil), false, "bi", "nope", 401, ""},
		{"inactive user", app(nil), false, "gone", "pw-gone", 401, "not active"},
		{"user not allowed", app(nil), false, "clerk", "pw-clerk", 401, "the user is not allowed to use basic authentication"},
		{"user not allowed, but AllowBasicAuthForAllUsers", app(nil), true, "clerk", "pw-clerk", 200, ""},
		{"AllowBasicAuthForAllUsers does not open the app", app(func(a *TrustedApp) { a.BasicAuthenticationAllowed = false }), true, "clerk", "pw-clerk", 401, "is not configured to allow basic authentication"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := start(t, Config{NoScenarios: true, Apps: tc.apps, Users: []User{bi, noBasic, gone}, AllowBasicAuthForAllUsers: tc.allowAll})
			for _, u := range []string{s.URL() + "/tableapi/odata/Gen_Documents?$top=1", s.URL() + "/api/domain/odata/Crm_Sales_Customers?$top=1"} {
				r := call(t, "GET", u, "", "", basicAuth(tc.user, tc.pw)...)
				if r.status != tc.status {
					t.Fatalf("%s: %d %s", u, r.status, r.body)
				}
				if tc.status == 200 {
					continue
				}
				_, msg := r.odataError()
				if !strings.HasPrefix(msg, strings.ReplaceAll(failed, "%s", tc.user)) || !strings.Contains(msg, tc.wantInMsg) || r.header.Get("WWW-Authenticate") != `Basic realm="ERP.net"` {
					t.Errorf("%s: %q (%s)", u, msg, r.header.Get("WWW-Authenticate"))
				}
			}
		})
	}
	// Malformed credentials, and Basic with a token at once.
	s := start(t, Config{NoScenarios: true, Apps: app(nil), Users: []User{bi}})
	if r := call(t, "GET", s.URL()+"/tableapi/odata/", "", "", "Authorization", "Basic not-base64!"); r.status != 401 {
		t.Errorf("malformed: %d", r.status)
	}
	// Basic holds a licence slot per login, like a token's session.
	s = start(t, Config{NoScenarios: true, Apps: app(nil), Users: []User{bi}, LicenseSlots: 1})
	if r := call(t, "GET", s.URL()+"/tableapi/odata/", "", "", basicAuth("bi", "pw-bi")...); r.status != 200 {
		t.Fatalf("first: %d", r.status)
	}
	if r := call(t, "GET", s.URL()+"/api/domain/odata/Crm_Sales_Customers?$top=1", "", "", basicAuth("bi", "pw-bi")...); r.status != 200 {
		t.Errorf("the same login's session: %d %s", r.status, r.body)
	}
}
