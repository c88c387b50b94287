package check

import (
	"encoding/base64"
	"fmt"
	"strings"

	"trustedapp-tester/profiles"
)

// Legacy Basic authentication during the coexistence period (dev
// auth/configuration/migrating-from-legacy-auth.md): the API calls carry the user's
// login and password (RFC 7617). The Domain API and the Table API accept it only
// through the Trusted App DomainApiBasicAuthentication, and the docs list four refusals
// with their messages (dev topics/authentication/authentication-flows.md); any other
// refusal names the three switches that govern Basic (the Trusted App's and the user's
// BasicAuthenticationAllowed, the AllowBasicAuthForAllUsers config key), the password
// and the <SYSTEM> account.

// BasicInfo is a basic run's sign-in.
type BasicInfo struct {
	// User is the login the calls signed in with.
	User string `json:"user"`
	// App is the Trusted App that governs Basic authentication to the APIs.
	App string `json:"app"`
}

// basicCall sends one API call with the profile's login and password: a request site
// that declares the password to the credential gate.
func (r *run) basicCall(c profiles.APICall) Step {
	cred := base64.StdEncoding.EncodeToString([]byte(r.p.User + ":" + r.secret))
	st := r.apiCallWith(c, credential{authorization: "Basic " + cred, carry: carry{what: CarriesPassword}}, nil)
	r.refineBasicRefusal(&st)
	if stepHasAny(st, map[string]bool{APIOK: true}) && !r.rep.HasFinding(BasicLegacy) {
		st.Findings = append(st.Findings, newFinding(BasicLegacy,
			fmt.Sprintf("Basic authentication works for %s: a legacy scheme ERP.net accepts during the coexistence period and expects to retire. It sends the password with every call and carries no application identity and no scopes; plan the move to client credentials.", r.p.User),
			map[string]string{EvUser: r.p.User, EvApp: r.p.BasicAppOf()}))
		st.Verdict = StepVerdict(st.Findings)
	}
	return st
}

// basicRefusals are the documented refusals of Basic authentication, by a phrase of
// their message (authentication-flows.md).
var basicRefusals = []struct{ phrase, code string }{
	{"is not found among the trusted applications", BasicAppMissing},
	{"is not enabled", BasicAppDisabled},
	{"is not configured to allow basic authentication", BasicAppNotAllowed},
	{"is configured for system user that is different from the provided user", BasicOtherUser},
}

// refineBasicRefusal turns an API call's 401 to the Basic sign-in into its finding:
// one of the documented refusals, or the refusal with every switch it may be.
func (r *run) refineBasicRefusal(st *Step) {
	for i, f := range st.Findings {
		switch f.Code {
		case APIUnauthorized, APITokenExpired, APIForeignIssuer, APIBadSignature:
		default:
			continue
		}
		msg := r.refusalMessage(*st)
		ev := cloneEv(f.Evidence)
		ev[EvUser], ev[EvApp], ev[EvDescription] = r.p.User, r.p.BasicAppOf(), msg
		code := BasicRefused
		for _, br := range basicRefusals {
			if strings.Contains(strings.ToLower(msg), br.phrase) {
				code = br.code
				break
			}
		}
		text := map[string]string{
			BasicAppMissing:    "The instance has no Trusted App DomainApiBasicAuthentication, which Basic authentication to the Domain API and the Table API needs.",
			BasicAppDisabled:   "The Trusted App DomainApiBasicAuthentication is not enabled, so the instance refuses Basic authentication.",
			BasicAppNotAllowed: "The Trusted App DomainApiBasicAuthentication does not allow basic authentication (its BasicAuthenticationAllowed is off).",
			BasicOtherUser:     fmt.Sprintf("The Trusted App DomainApiBasicAuthentication names another System User than %s, and Basic is then allowed only for that user.", r.p.User),
			BasicRefused: fmt.Sprintf("The instance refused the Basic sign-in of %s (401). Besides a wrong login or password, three switches govern Basic: the Trusted App's and the user's BasicAuthenticationAllowed, and the AllowBasicAuthForAllUsers config key.",
				r.p.User),
		}[code]
		if msg != "" {
			text += fmt.Sprintf(" The instance said: %q.", msg)
		}
		st.Findings[i] = newFinding(code, text, ev)
	}
	st.Verdict = StepVerdict(st.Findings)
}

// refusalMessage is what the instance said in its last answer: the OData error's
// message, or the WWW-Authenticate challenge's description.
func (r *run) refusalMessage(st Step) string {
	if n := len(st.Exchanges); n > 0 {
		x := st.Exchanges[n-1]
		if od, ok := ParseODataError([]byte(x.ResponseBody)); ok && od.Message != "" {
			return strings.TrimSpace(od.Message)
		}
		if ch, ok := ParseWWWAuthenticate(x.ResponseHeaders.Get("WWW-Authenticate")); ok {
			return ch.Params["error_description"]
		}
	}
	return ""
}
