package ui

import (
	"strings"

	"trustedapp-tester/profiles"
)

// The words an administrator meets on the main window, explained in one or two
// sentences each: shown as tooltips on the identity card's labels, the timeline's
// steps and the scope chips, and under a selected claim.

// fieldTips explain the identity card's labels.
func fieldTips() map[string]string {
	return map[string]string{
		"ACTS AS": lang.X("app.tip.field.acts_as", "The System User this Trusted App signs in as (claims client_system_user, its type and id). "+
			"Every API call runs with this user's permissions; change it in the Trusted App's SystemUser field."),
		"CLIENT": lang.X("app.tip.field.client", "The client_id the token was issued to: the Trusted App's Application URI."),
		"SCOPES": lang.X("app.tip.field.scopes", "What the token may do (claim scope). read allows reading, update allows changes. "+
			"The instance grants only scopes listed in the Trusted App's Scope field; red marks a scope you asked for and did not get."),
		"DATABASE": lang.X("app.tip.field.database", "The ERP.net database the token works in (claim client_db)."),
		"ISSUER": lang.X("app.tip.field.issuer", "The identity server that issued and signed the token (claim iss). "+
			"API calls refuse tokens from another issuer."),
		"EXPIRES": lang.X("app.tip.field.expires", "Time left before the token stops working (claim exp). ERP.net tokens live one hour; "+
			"client credentials gets no refresh token, so the app simply asks for a new one."),
		"SIGNATURE": lang.X("app.tip.field.signature", "Whether the token's signature checks out against the instance's published keys (JWKS), "+
			"and with which key (kid). An unverified token may be forged or from another server."),
	}
}

// stepTips explain the timeline's steps.
func stepTips() map[string]string {
	return map[string]string{
		"Reachability": lang.X("app.tip.step.reachability", "Can the instance be reached at all? Anonymous requests to /tools/ver and the "+
			"Domain API's model, before any sign-in: separates \"cannot reach the server\" from \"cannot sign in\"."),
		"Discovery": lang.X("app.tip.step.discovery", "Reads the identity server's OpenID configuration (/id/.well-known/openid-configuration) "+
			"and its signing keys: checks the issuer, the token endpoint and that client_credentials is offered."),
		"Token": lang.X("app.tip.step.token", "Posts client_id and client_secret to the token endpoint (the client credentials grant). "+
			"The instance checks the Trusted App record: enabled, Confidential, SystemUserAllowed, a System User, the Scope field."),
		"Signature": lang.X("app.tip.step.signature", "Decodes the token without the network: verifies its signature, issuer, lifetime and clock, "+
			"and compares the scopes you asked for with the scopes granted."),
		"API calls": lang.X("app.tip.step.api_calls", "Calls the Domain API with the token, as the integration would: shows whether the "+
			"System User and scopes are enough for real requests."),
	}
}

// claimTips explain token header fields and claims by name.
func claimTips() map[string]string {
	return map[string]string{
		"alg":                     lang.X("app.tip.claim.alg", "Signing algorithm of the token (ERP.net uses RS256)."),
		"kid":                     lang.X("app.tip.claim.kid", "Key id: which of the instance's published keys (JWKS) signed the token."),
		"typ":                     lang.X("app.tip.claim.typ", "Token type; at+jwt marks an OAuth access token."),
		"x5t":                     lang.X("app.tip.claim.x5t", "Thumbprint of the signing certificate."),
		"iss":                     lang.X("app.tip.claim.iss", "Issuer: the identity server that issued and signed the token."),
		"aud":                     lang.X("app.tip.claim.aud", "Audience: the APIs the token is meant for."),
		"nbf":                     lang.X("app.tip.claim.nbf", "Not before: the token is not valid before this time."),
		"iat":                     lang.X("app.tip.claim.iat", "Issued at: when the identity server made the token."),
		"exp":                     lang.X("app.tip.claim.exp", "Expires: the token stops working at this time (one hour after issue on ERP.net)."),
		"jti":                     lang.X("app.tip.claim.jti", "Token id: unique per token, useful to find it in the instance's logs."),
		"client_id":               lang.X("app.tip.claim.client_id", "The Trusted App the token was issued to (its Application URI)."),
		"client_system_user":      lang.X("app.tip.claim.client_system_user", "Login of the System User the app acts as; API calls run with its permissions."),
		"client_system_user_type": lang.X("app.tip.claim.client_system_user_type", "The System User's UserType (ApplicationUserNoLogin is the type meant for integrations)."),
		"client_system_user_id":   lang.X("app.tip.claim.client_system_user_id", "Id of the System User record (Systems_Security_Users)."),
		"client_db":               lang.X("app.tip.claim.client_db", "The ERP.net database the token works in."),
		"scope":                   lang.X("app.tip.claim.scope", "Granted scopes: read allows reading, update allows changes."),
		"scp":                     lang.X("app.tip.claim.scp", "Granted scopes (another server's name for scope)."),
		"sub":                     lang.X("app.tip.claim.sub", "Subject: the signed-in user; a client credentials token usually has none."),
		"auth_time":               lang.X("app.tip.claim.auth_time", "When the user signed in (interactive tokens only)."),
		"idp":                     lang.X("app.tip.claim.idp", "The identity provider that signed the user in."),
		"amr":                     lang.X("app.tip.claim.amr", "How the user signed in (interactive tokens only)."),
	}
}

// scopeTip explains scope s for its chip, with how it stands in the token.
func scopeTip(s, standing string) string {
	meaning := ""
	for _, k := range profiles.KnownScopes() {
		if k.Name == s {
			meaning = scopeMeaning(k)
			if !k.ServiceApp {
				meaning += "; " + lang.X("app.scope.never_service", "never granted to a service app (client credentials)")
			}
		}
	}
	if s == "DomainApi" {
		meaning = lang.X("app.scope.domainapi", "legacy scope, must not be used by new apps")
	}
	if meaning == "" {
		meaning = lang.X("app.scope.undocumented", "not a scope ERP.net documents; the Trusted App's Scope field must list it exactly (case matters)")
	}
	out := s + ": " + meaning + "."
	if standing != "" {
		out += " " + standing
	}
	return out
}

// claimTip is the meaning of a claim, or "" when we have none.
func claimTip(name string) string {
	return claimTips()[strings.TrimSpace(name)]
}

// scopeMeaning is a known scope's meaning (profiles.Scope.Meaning) in the language in
// use.
func scopeMeaning(k profiles.Scope) string {
	switch k.Name {
	case "read":
		return lang.X("app.scope.meaning.read", "read-only data access")
	case "update":
		return lang.X("app.scope.meaning.update", "create, modify and delete data")
	case "offline_access":
		return lang.X("app.scope.meaning.offline_access", "refresh tokens (interactive sign-in only)")
	case "openid":
		return lang.X("app.scope.meaning.openid", "OpenID Connect sign-in (interactive only)")
	case "profile":
		return lang.X("app.scope.meaning.profile", "basic user info (interactive only)")
	case "sec":
		return lang.X("app.scope.meaning.sec", "security-namespace APIs, internal use only")
	}
	return k.Meaning
}
