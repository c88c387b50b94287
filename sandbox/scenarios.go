package sandbox

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"
)

// The System Users of the built-in scenarios.
var (
	svcImport  = User{Login: "svc-import", Type: "ApplicationUserNoLogin", ID: "3f2c8a9e-6b1d-4e7a-9c55-0d1e2f3a4b5c", Active: true}
	svcRetired = User{Login: "svc-retired", Type: "ApplicationUserNoLogin", ID: "9a7e1c02-5d4b-4c3a-8f21-6e0b9d8c7a61", Active: false}
	svcReports = User{Login: "svc-reports", Type: "InternalUser", ID: "c41d7f36-2a8e-4b95-b0d3-17e6f5a2c908", Active: true}
)

// scenarioDef is one built-in scenario: its Trusted App record (registered on the
// main instance, or on the foreign one) and what to tell the user.
type scenarioDef struct {
	name, description, expect string
	app                       TrustedApp
	secret                    string // the secret to print (may differ from the record's, see rotated-secret)
	scope                     string // what to request
	authMethod                string
	calls                     []Call
	foreign                   bool // the app lives on the second instance (another issuer)
	// recordHash, when set, is what the record's ApplicationSecretHash holds instead of
	// the secret's hash: a slip made when the hash was computed (see slipScenarios).
	recordHash func(secret string) string
}

func intPtr(n int) *int { return &n }

func scenarioDefs(cfg Config) []scenarioDef {
	app := func(slug, scope string) TrustedApp {
		u := svcImport
		return TrustedApp{
			Name:              "Sandbox " + strings.ReplaceAll(slug, "-", " "),
			ApplicationURI:    "com.sandbox/" + slug,
			ClientType:        "Confidential",
			SystemUserAllowed: true,
			SystemUser:        &u,
			Scope:             scope,
			IsEnabled:         true,
			ReferenceTokens:   "None",
		}
	}
	with := func(a TrustedApp, f func(*TrustedApp)) TrustedApp { f(&a); return a }
	customers := Call{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"}
	disabledExpect := "token." + cfg.DisabledAppError
	return append([]scenarioDef{
		{name: "healthy", expect: "api.ok", scope: "read update", secret: "sandbox-healthy-secret",
			description: "A correctly set-up service app: Confidential, enabled, System User svc-import allowed, Scope \"read update\". Every step passes.",
			app:         app("healthy", "read update")},
		{name: "scope-not-allowed", expect: "token.invalid_scope", scope: "read update", secret: "sandbox-scope-secret",
			description: "The profile requests \"read update\" but the Trusted App's Scope field only has \"read\": the token endpoint answers invalid_scope naming update.",
			app:         app("scope-not-allowed", "read")},
		{name: "user-scopes", expect: "token.scope_narrowed", scope: "read openid offline_access", secret: "sandbox-userscopes-secret",
			description: "The profile also requests openid and offline_access, which a service app is never granted: the token carries only read.",
			app:         app("user-scopes", "read")},
		{name: "read-only-write", expect: "api.forbidden_scope", scope: "read", secret: "sandbox-readonly-secret",
			description: "A read-only app (Scope \"read\") tries to PATCH a customer: reads work, the write gets 403 because the token lacks update.",
			app:         app("read-only-write", "read"),
			calls: []Call{customers,
				{Method: "PATCH", Path: "/api/domain/odata/Crm_Sales_Customers(" + CustomerID(0) + ")", Body: `{"DefaultPaymentTermDays":30}`}}},
		{name: "disabled", expect: disabledExpect, scope: "read update", secret: "sandbox-disabled-secret",
			description: "The Trusted App's IsEnabled is off (the kill switch): the token endpoint refuses the client.",
			app:         with(app("disabled", "read update"), func(a *TrustedApp) { a.IsEnabled = false })},
		{name: "public-client", expect: "token.invalid_client", scope: "read", secret: "sandbox-public-secret",
			description: "ClientType is Public: only Confidential apps may use client credentials, so a correct secret is still invalid_client.",
			app:         with(app("public-client", "read"), func(a *TrustedApp) { a.ClientType = "Public" })},
		{name: "rotated-secret", expect: "token.invalid_client", scope: "read update", secret: "sandbox-old-secret-2024",
			description: "The secret was rotated: the record holds the hash of a new secret, the profile still has the old one, so invalid_client.",
			app:         app("rotated-secret", "read update")},
		{name: "system-user-not-allowed", expect: "token.unauthorized_client", scope: "read", secret: "sandbox-nosysallowed-secret",
			description: "SystemUserAllowed is off (a System User is assigned but may not be used): unauthorized_client.",
			app:         with(app("system-user-not-allowed", "read"), func(a *TrustedApp) { a.SystemUserAllowed = false })},
		{name: "no-system-user", expect: "token.unauthorized_client", scope: "read", secret: "sandbox-nosysuser-secret",
			description: "SystemUserAllowed is on but no System User is assigned: unauthorized_client.",
			app:         with(app("no-system-user", "read"), func(a *TrustedApp) { a.SystemUser = nil })},
		{name: "short-lived", expect: "token.lifetime_unusual", scope: "read", secret: "sandbox-shortlived-secret",
			description: "Tokens live only 30 seconds (ERP.net's are 1 hour): watch the countdown, then API calls get 401 with \"The token expired\".",
			app:         with(app("short-lived", "read"), func(a *TrustedApp) { a.TokenLifetime = 30 * time.Second })},
		{name: "licence-exhausted", expect: "api.license_exhausted", scope: "read", secret: "sandbox-licence-secret",
			description: "The token is fine but every licence slot is taken: the first API call fails with MaximumLicenseCountExceeded (HTTP 500, OData error).",
			app:         with(app("licence-exhausted", "read"), func(a *TrustedApp) { a.LicenseSlots = intPtr(0) })},
		{name: "rate-limited", expect: "api.rate_limited", scope: "read", secret: "sandbox-ratelimit-secret",
			description: "The session may make only 2 requests per minute: the third API call gets 429 Too Many Requests with Retry-After.",
			app:         with(app("rate-limited", "read"), func(a *TrustedApp) { a.SessionRPM = 2 }),
			calls: []Call{customers,
				{Method: "GET", Path: "/api/domain/odata/General_Products_Products?$top=5"},
				{Method: "GET", Path: "/api/domain/odata/Systems_Security_TrustedApplications?$top=5"}}},
		{name: "slow-identity", expect: "api.ok", scope: "read", secret: "sandbox-slow-secret",
			description: "The identity server answers the token request after about 8 seconds: wait for a net.slow warning (integrations with a 3 s budget would time out), press Cancel, or set a timeout under 8 s to see net.timeout.",
			app:         with(app("slow-identity", "read"), func(a *TrustedApp) { a.TokenDelay = 8 * time.Second })},
		{name: "basic-auth", expect: "api.ok", scope: "read update", authMethod: "basic", secret: "b@sic+auth:50%/secret",
			description: "Credentials go in an HTTP Basic header. The secret contains + : % / which RFC 6749 2.3.1 form-urlencodes before base64; the server decodes them, so it works.",
			app:         app("basic-auth", "read update")},
		{name: "inactive-system-user", expect: "token.unauthorized_client", scope: "read", secret: "sandbox-inactive-secret",
			description: "The assigned System User svc-retired is not Active: the token endpoint answers unauthorized_client.",
			app:         with(app("inactive-system-user", "read"), func(a *TrustedApp) { u := svcRetired; a.SystemUser = &u })},
		{name: "foreign-issuer", expect: "api.foreign_issuer", scope: "read", secret: "sandbox-foreign-secret", foreign: true,
			description: "The token comes from another instance's identity server (a wrong authority): it is a valid token, but this instance's API refuses it with 401 naming the issuer.",
			app:         app("foreign-issuer", "read")},
		{name: "reference-tokens", expect: "api.ok", scope: "read", secret: "sandbox-reftokens-secret",
			description: "ReferenceTokens is AdministratorsOnly and the System User is svc-reports: besides JWTs, enrt_ reference tokens issued for it work as Bearer or X-Api-Key.",
			app: with(app("reference-tokens", "read"), func(a *TrustedApp) {
				u := svcReports
				a.SystemUser = &u
				a.ReferenceTokens = "AdministratorsOnly"
			})},
	}, slipScenarios(app)...)
}

// slipScenarios are apps whose ApplicationSecretHash was made from the right secret,
// the wrong way: every token request gets invalid_client, and reading the record
// names the slip.
func slipScenarios(app func(slug, scope string) TrustedApp) []scenarioDef {
	hex64 := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	return []scenarioDef{
		{name: "secret-newline", expect: "token.invalid_client", scope: "read", secret: "sandbox-newline-secret",
			description: "ApplicationSecretHash was made with echo instead of printf: the hash of the secret plus a trailing newline, so invalid_client. Reading the record names the slip.",
			app:         app("secret-newline", "read"), recordHash: func(s string) string { return HashSecret(s + "\n") }},
		{name: "secret-crlf", expect: "token.invalid_client", scope: "read", secret: "sandbox-crlf-secret",
			description: "ApplicationSecretHash was made from a file saved on Windows: the secret plus CRLF, so invalid_client. Reading the record names the slip.",
			app:         app("secret-crlf", "read"), recordHash: func(s string) string { return HashSecret(s + "\r\n") }},
		{name: "secret-spaces", expect: "token.invalid_client", scope: "read", secret: "sandbox-spaces-secret",
			description: "ApplicationSecretHash was made from the secret copied with a space on each side, so invalid_client. Reading the record names the slip.",
			app:         app("secret-spaces", "read"), recordHash: func(s string) string { return HashSecret(" " + s + " ") }},
		{name: "secret-hex", expect: "token.invalid_client", scope: "read", secret: "sandbox-hex-secret",
			description: "ApplicationSecretHash holds the SHA-256 in hex (sha256sum) instead of base64, so invalid_client. Reading the record names the slip.",
			app:         app("secret-hex", "read"), recordHash: hex64},
	}
}

// rotatedSecret is the current secret of the rotated-secret app (never printed; the
// scenario prints the old one).
const rotatedSecret = "sandbox-new-secret-2025"

func (s *Server) addScenarios() error {
	for _, d := range scenarioDefs(s.cfg) {
		a := d.app
		a.ApplicationSecretHash = HashSecret(d.secret)
		if d.name == "rotated-secret" {
			a.ApplicationSecretHash = HashSecret(rotatedSecret)
		}
		target := s.main
		if d.foreign {
			target = s.foreign
		}
		if err := target.addApp(a); err != nil {
			return err
		}
		if d.recordHash != nil {
			// ERP.net keeps whatever was typed into ApplicationSecretHash; a hex digest
			// would not pass addApp's format check (meant for --config files).
			target.mu.Lock()
			target.apps[a.ApplicationURI].ApplicationSecretHash = d.recordHash(d.secret)
			target.mu.Unlock()
		}
		sc := Scenario{
			Name:         d.name,
			Description:  withBasis(d.name, d.description),
			Expect:       d.expect,
			Instance:     s.main.root,
			Authority:    target.issuer,
			ClientID:     a.ApplicationURI,
			ClientSecret: d.secret,
			Scope:        d.scope,
			AuthMethod:   d.authMethod,
			Calls:        d.calls,
		}
		if d.authMethod == "" {
			sc.AuthMethod = "post"
		}
		if a.SystemUser != nil {
			sc.SystemUser = a.SystemUser.Login
		}
		if d.name == "licence-exhausted" {
			target.mu.Lock()
			target.others = licenceOccupants
			target.mu.Unlock()
		}
		sc.Kind = KindClientCredentials
		s.scenarios = append(s.scenarios, sc)
	}
	return s.addKindScenarios()
}
