package sandbox

import "time"

// The scenarios of the other profile kinds: reference tokens (a SAT, a PAT, one that
// has expired) and legacy Basic authentication (allowed, and refused by the user's own
// switch). Their client_secret is the token or the password.

// Scenario kinds (Scenario.Kind), as a profile names them.
const (
	KindClientCredentials = "client-credentials"
	KindReferenceToken    = "reference-token"
	KindBasic             = "basic"
)

// The people of the built-in scenarios (the System Users are in scenarios.go).
var (
	mariaIvanova = User{Login: "maria.ivanova", Type: "InternalUser", ID: "5b8e2d41-7c3a-4f19-a6e0-2d9c8b7f1e34", Active: true,
		Name: "Maria Ivanova", Email: "maria.ivanova@sandbox.example", Password: "sandbox-maria-password"}
	biReader = User{Login: "bi-reader", Type: "InternalUser", ID: "e2a7c913-4b6d-4d28-9f51-8c3e0a6b2d17", Active: true,
		Name: "BI Reader", Email: "bi-reader@sandbox.example", Password: "sandbox-bi-password", BasicAuthenticationAllowed: true}
)

// personalTokensApp is the Trusted App users make PATs for: AuthenticatedUsers, and no
// System User (a PAT acts as the user who made it, migrating-from-legacy-auth.md "For PAT").
const personalTokensApp = "com.sandbox/personal-tokens"

// addKindScenarios registers the people, the apps and the tokens of the reference-token
// and basic scenarios on the main instance, after the client-credentials ones (the SATs
// are for the reference-tokens app).
func (s *Server) addKindScenarios() error {
	in := s.main
	for _, u := range []User{mariaIvanova, biReader} {
		if err := in.addUser(u); err != nil {
			return err
		}
	}
	if err := in.addApp(TrustedApp{Name: "Sandbox personal tokens", ApplicationURI: personalTokensApp, ClientType: "Confidential",
		Scope: "read", IsEnabled: true, ReferenceTokens: "AuthenticatedUsers"}); err != nil {
		return err
	}
	// The Trusted App Basic authentication to the APIs needs (authentication-flows.md).
	if err := in.addApp(TrustedApp{Name: "Domain API basic authentication", ApplicationURI: basicAuthApp, ClientType: "Confidential",
		IsEnabled: true, BasicAuthenticationAllowed: true}); err != nil {
		return err
	}
	now := in.now()
	sat := func(desc string, exp time.Time) (string, error) {
		return in.issueToken(ReferenceToken{Type: SAT, ClientID: "com.sandbox/reference-tokens", Scopes: []string{"read"}, Expires: exp, Description: desc})
	}
	satOK, err := sat("Nightly export (sandbox)", time.Time{})
	if err != nil {
		return err
	}
	satOld, err := sat("Last year's export (sandbox)", now.Add(-24*time.Hour))
	if err != nil {
		return err
	}
	pat, err := in.issueToken(ReferenceToken{Type: PAT, ClientID: personalTokensApp, Scopes: []string{"read"}, User: mariaIvanova.Login,
		Expires: now.Add(30 * 24 * time.Hour), Description: "Maria's Excel connector (sandbox)"})
	if err != nil {
		return err
	}
	ref := func(name, desc, expect, client, token, acts string) Scenario {
		return Scenario{Name: name, Description: withBasis(name, desc), Expect: expect, Kind: KindReferenceToken, Instance: in.root, Authority: in.issuer,
			ClientID: client, ClientSecret: token, SystemUser: acts}
	}
	basic := func(name, desc, expect string, u User) Scenario {
		return Scenario{Name: name, Description: withBasis(name, desc), Expect: expect, Kind: KindBasic, Instance: in.root, Authority: in.issuer,
			ClientID: basicAuthApp, ClientSecret: u.Password, User: u.Login}
	}
	s.scenarios = append(s.scenarios,
		ref("reference-token", "A SAT (Service Access Token) an administrator made in Instance Manager for com.sandbox/reference-tokens (ReferenceTokens AdministratorsOnly): "+
			"the profile sends it as it is, with no discovery and no token request; it acts as the System User svc-reports and expires in 90 days.",
			"api.ok", "com.sandbox/reference-tokens", satOK, "svc-reports"),
		ref("reference-token-pat", "A PAT (Personal Access Token) maria.ivanova made in the Profile site (Security > Tokens) for com.sandbox/personal-tokens (ReferenceTokens AuthenticatedUsers); it expires in 30 days.",
			"api.ok", personalTokensApp, pat, ""),
		ref("reference-token-expired", "A SAT whose expiration time passed yesterday: every API call gets 401.",
			"reftoken.expired", "com.sandbox/reference-tokens", satOld, "svc-reports"),
		basic("basic", "Legacy Basic authentication as bi-reader, the way Power BI's OData feed reads the Table API (the only method it supports there): "+
			"DomainApiBasicAuthentication allows Basic and bi-reader's own BasicAuthenticationAllowed is on. The report lists how to move to client credentials.",
			"api.ok", biReader),
		basic("basic-user-not-allowed", "Basic authentication as maria.ivanova, whose own BasicAuthenticationAllowed (Systems_Security_Users, 23.1.1.35+) is off and the AllowBasicAuthForAllUsers config key is not 1: "+
			"every call gets 401.",
			"basic.refused", mariaIvanova),
	)
	return nil
}
