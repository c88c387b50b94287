package sandbox

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
)

// Legacy HTTP Basic authentication to the Domain API and the Table API, as the docs
// describe it for the coexistence period:
//
//   - "Domain API and Table API allow basic authentication but require a trusted
//     application with ApplicationUri = 'DomainApiBasicAuthentication' to be registered
//     and configured to allow basic authentication", with four documented errors (dev
//     topics/authentication/authentication-flows.md), whose messages the sandbox
//     answers word for word;
//   - "If a user is specified in System User, the basic authentication is allowed only
//     for this user" (model Systems.Security.TrustedApplications, BasicAuthenticationAllowed);
//   - trusted applications whose System User is the built-in <SYSTEM> account don't
//     allow basic authentication since v22 (support.erp.net, "Basic authentication is
//     now fully controlled by the trusted applications (v.22, breaking change)");
//   - the user's own Systems_Security_Users.BasicAuthenticationAllowed (23.1.1.35+),
//     which the AllowBasicAuthForAllUsers config key overrides when it is "1" (tech
//     config options reference, key 48);
//   - Basic carries no application identity and no scopes (dev
//     auth/configuration/migrating-from-legacy-auth.md).
//
// GUESSES (the docs are silent): the status (401) and its `WWW-Authenticate: Basic`
// challenge; the order of the checks (the app, then the user); the messages for a
// wrong password, an inactive user, a user not allowed Basic and the <SYSTEM> System
// User; that a Basic request may read and write as its user (the sandbox has no
// permissions, and Basic no scopes); one session per login.

// SystemAccount is the login of ERP.net's built-in system account, which a Trusted App
// may name as its System User; such an app does not allow Basic authentication.
const SystemAccount = "<SYSTEM>"

// basicAuthApp is the ApplicationUri of the Trusted App that governs Basic
// authentication to the APIs.
const basicAuthApp = "DomainApiBasicAuthentication"

// basicRefusal answers 401 to a Basic request with the message.
func basicRefusal(w http.ResponseWriter, r *http.Request, note, msg string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="ERP.net"`)
	logInfo(r).note = "basic: " + note
	odataError(w, http.StatusUnauthorized, "Unauthorized", msg, "")
}

// authenticateBasic checks "Authorization: Basic <credentials>" (creds is what follows
// the scheme) for an API request.
func (in *instance) authenticateBasic(w http.ResponseWriter, r *http.Request, creds string) *principal {
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(creds))
	login, pass, ok := strings.Cut(string(raw), ":")
	if err != nil || !ok || login == "" {
		basicRefusal(w, r, "malformed", "The Basic credentials are not base64(user:password) (RFC 7617)")
		return nil
	}
	failed := fmt.Sprintf("Authentication failed for user '%s'.", login)
	app, ok := in.app(basicAuthApp)
	logInfo(r).clientID = basicAuthApp
	switch {
	case !ok:
		basicRefusal(w, r, "no app", failed+"\nCurrent request uses basic authentication but the provided application 'DomainApiBasicAuthentication' is not found among the trusted applications.\nContact your system administrator to create trusted application 'DomainApiBasicAuthentication' and configure it to allow basic authentication.")
		return nil
	case !app.IsEnabled:
		basicRefusal(w, r, "app disabled", failed+"\nCurrent request uses basic authentication but the trusted application 'DomainApiBasicAuthentication' is not enabled.\nContact your system administrator to enable the trusted application 'DomainApiBasicAuthentication' and configure it to allow basic authentication.")
		return nil
	case !app.BasicAuthenticationAllowed:
		basicRefusal(w, r, "app does not allow", failed+"\nCurrent request uses basic authentication but the provided application 'DomainApiBasicAuthentication' is not configured to allow basic authentication.\nContact your system administrator to configure the trusted application 'DomainApiBasicAuthentication' to allow basic authentication.")
		return nil
	case app.SystemUser != nil && app.SystemUser.Login == SystemAccount:
		basicRefusal(w, r, "<SYSTEM>", failed+"\nCurrent request uses basic authentication but the trusted application 'DomainApiBasicAuthentication' has the built-in <SYSTEM> account as its system user, which does not allow basic authentication.")
		return nil
	case app.SystemUser != nil && !strings.EqualFold(app.SystemUser.Login, login):
		basicRefusal(w, r, "other user", failed+fmt.Sprintf("\nCurrent request uses basic authentication but the corresponding trusted application 'DomainApiBasicAuthentication' is configured for system user that is different from the provided user '%s'.\nUse the correct application user to log in or contact your system administrator to configure the trusted application 'DomainApiBasicAuthentication' for different user.", login))
		return nil
	}
	u, ok := in.user(login)
	switch {
	case !ok || u.Password == "" || u.Password != pass:
		basicRefusal(w, r, "wrong password", failed)
		return nil
	case !u.Active:
		basicRefusal(w, r, "inactive", failed+"\nThe user is not active.")
		return nil
	case !u.BasicAuthenticationAllowed && !in.cfg.AllowBasicAuthForAllUsers:
		basicRefusal(w, r, "user not allowed", failed+"\nCurrent request uses basic authentication but the user is not allowed to use basic authentication.")
		return nil
	}
	return &principal{clientID: basicAuthApp, scopes: []string{"read", "update"}, sessionKey: "basic:" + strings.ToLower(u.Login), app: app, user: &u, basic: true}
}
