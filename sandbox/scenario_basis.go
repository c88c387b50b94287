package sandbox

// scenarioBasis says, for each built-in scenario, what of its behaviour ERP.net's docs
// document and what is the sandbox's guess or its own setting. It ends the scenario's
// description (Scenario.Description), so whoever reads a scenario reads its basis too.
var scenarioBasis = map[string]string{
	"healthy": "Documented: the client-credentials requirements (dev:auth/flows/client-credentials/overview.md) and the token's claims (dev:auth/tokens/access-tokens.md).",
	"scope-not-allowed": "Documented: invalid_scope with the typical message \"Invalid scope: update\" (service-apps-errors.md). " +
		"A guess: HTTP 400 and the {\"error\",\"error_description\"} body (IdentityServer4's shape; the docs give neither).",
	"user-scopes": "Documented: a client-credentials token never carries openid, profile or offline_access (scopes.md). " +
		"A guess: dropping them instead of refusing the request (the docs do not say which; SignInScopes \"refuse\" is the other).",
	"read-only-write": "Documented: writes need the update scope (scopes.md). " +
		"A guess: the docs do not say how a write without it is refused; the sandbox answers 403 with insufficient_scope.",
	"disabled":                "Documented: a disabled app gets invalid_client (service-apps-errors.md); IsEnabled is \"an immediate kill switch\" (trusted-apps-access.md).",
	"public-client":           "Documented: client credentials needs ClientType Confidential, and a Public app that sends a secret gets invalid_client (service-apps-errors.md, faq.md).",
	"rotated-secret":          "Documented: a rotated or deleted secret gives invalid_client (faq.md).",
	"system-user-not-allowed": "Documented: unauthorized_client when SystemUserAllowed is off (service-apps-errors.md).",
	"no-system-user":          "Documented: unauthorized_client without a valid SystemUser (service-apps-errors.md).",
	"short-lived": "The sandbox's own setting: ERP.net's access tokens last one hour (token-lifetime.md). " +
		"A guess: the 401's WWW-Authenticate wording (ASP.NET's; the docs do not give it).",
	"licence-exhausted": "Documented: MaximumLicenseCountExceeded when no licence slot is free, even with a valid token (faq.md, license-slot.md). " +
		"A guess: the HTTP status (500 here) and the body, which the published docs do not give. " +
		"The sandbox's simplification: the instance looks full to this app alone. Systems_Monitoring_CurrentSessions lists who holds the slots; " +
		"reading it needs a session too, so read it with another profile's token (healthy).",
	"rate-limited": "Documented: 429 Too Many Requests beyond a site's rate limits (rate-limits.md; SessionRpm is 600 by default and configurable per site). " +
		"The limit of 2 is this scenario's setting; Retry-After is a guess (the docs name only the status).",
	"slow-identity":        "The sandbox's own setting: nothing ERP.net documents.",
	"basic-auth":           "A guess: the docs show client_id and client_secret as form fields only; the official .NET client sends HTTP Basic, so the sandbox accepts both.",
	"inactive-system-user": "A guess: the docs ask for a valid System User (service-apps-errors.md) and do not say what an inactive one (Users.Active false) gets; the sandbox answers unauthorized_client.",
	"foreign-issuer":       "Documented: a token works only on the instance that issued it (sessions/overview.md, faq.md). A guess: the 401's wording.",
	"reference-tokens":     "Documented: enrt_ reference tokens sent as Authorization: Bearer or X-Api-Key, and the ReferenceTokens policy (reference-access-tokens.md, the model).",
	"secret-newline":       "Documented: ApplicationSecretHash holds base64(SHA-256(secret)) (trusted-apps-access.md); the slip is made on purpose.",
	"secret-crlf":          "Documented: ApplicationSecretHash holds base64(SHA-256(secret)) (trusted-apps-access.md); the slip is made on purpose.",
	"secret-spaces":        "Documented: ApplicationSecretHash holds base64(SHA-256(secret)) (trusted-apps-access.md); the slip is made on purpose.",
	"secret-hex":           "Documented: ApplicationSecretHash holds base64(SHA-256(secret)) (trusted-apps-access.md); the slip is made on purpose.",
	"reference-token": "Documented: a SAT (enrt_) is issued for a Trusted App whose ReferenceTokens is AdministratorsOnly and acts as its System User; it expires, records its last use and can be revoked at once (reference-access-tokens.md, issuing-reference-tokens.md, the model's Systems_Security_AccessTokens). " +
		"A guess: the 401's wording for an expired, revoked or unknown token, and that every token may read Systems_Security_AccessTokens.",
	"reference-token-pat": "Documented: a PAT is made in the Profile site -> Security -> Tokens and acts as the user who made it; the Profile site's /me names that user (issuing-reference-tokens.md, profile-site-endpoints.md). " +
		"A guess: the 401's wording, and who may read Systems_Security_AccessTokens.",
	"reference-token-expired": "Documented: a reference token expires at the lifetime its maker chose (reference-access-tokens.md, token-lifetime.md). A guess: the 401's wording for an expired one.",
	"basic": "Documented: during the coexistence period HTTP Basic still works, the Table API takes it and Power BI's OData feed supports only Basic; DomainApiBasicAuthentication, the user's BasicAuthenticationAllowed (23.1.1.35+) and AllowBasicAuthForAllUsers govern it (migrating-from-legacy-auth.md, table-api/index.md, the model, the config options reference). " +
		"A guess: the status and challenge of a refusal.",
	"basic-user-not-allowed": "Documented: a user whose BasicAuthenticationAllowed is off (and AllowBasicAuthForAllUsers not set) is refused Basic (Systems.Security.Users in the model, migrating-from-legacy-auth.md). " +
		"A guess: the 401's status, challenge and wording.",
}

// withBasis ends a scenario's description with its basis.
func withBasis(name, description string) string {
	if b := scenarioBasis[name]; b != "" {
		return description + " " + b
	}
	return description
}
