package check

import (
	"fmt"
	"regexp"
	"strings"

	"trustedapp-tester/profiles"
)

// Setting up a new Trusted App right: the values to enter in its record, made from
// a profile (what the integration calls) and the hash of its new secret. It holds
// the hash only, never the secret, so it can go into a support ticket as it is.

// RecordValue is one field of the Trusted App record and what to enter.
type RecordValue struct {
	Field string `json:"field"` // the documented name, e.g. "SystemUserAllowed"
	Value string `json:"value"` // what to enter, e.g. "true"
	Note  string `json:"note,omitempty"`
}

// AppSetup is the record a new Trusted App needs for client credentials.
type AppSetup struct {
	Profile  string `json:"profile,omitempty"`
	Instance string `json:"instance,omitempty"`
	// ClientID is the ApplicationUri; "" when no profile names it yet.
	ClientID              string `json:"client_id,omitempty"`
	ApplicationSecretHash string `json:"application_secret_hash"`
	// Scope is the narrowest Scope for what the profile's calls do, and ScopeReason why.
	Scope       string `json:"scope"`
	ScopeReason string `json:"scope_reason"`
	// SystemUser is a suggested login for the integration's own System User.
	SystemUser string `json:"system_user"`
	// Values are every field to enter, in the order Instance Manager shows them.
	Values []RecordValue `json:"values"`
}

// isWrite reports whether an API call with method changes data (it needs update):
// profiles' one list of methods says which do.
func isWrite(method string) bool {
	m, ok := profiles.LookupMethod(method)
	return ok && m.Write
}

// NarrowestScope is the smallest Scope that lets calls work, and why: read when every
// call only reads, update when every call writes, both when they do both.
func NarrowestScope(calls []profiles.APICall) (scope, reason string) {
	reads, writes := 0, 0
	for _, c := range calls {
		if isWrite(c.Method) {
			writes++
		} else {
			reads++
		}
	}
	switch {
	case writes == 0:
		return "read", fmt.Sprintf("every API call of the profile only reads (%s)", plural(reads, "call"))
	case reads == 0:
		return "update", fmt.Sprintf("every API call of the profile writes (%s)", plural(writes, "call"))
	}
	return "read update", fmt.Sprintf("the profile's API calls read (%s) and write (%s)", plural(reads, "call"), plural(writes, "call"))
}

var loginUnsafe = regexp.MustCompile(`[^a-z0-9]+`)

// suggestedLogin is "svc-" and the profile name in lower case letters, digits and
// dashes (a System User's Login holds at most 64 characters).
func suggestedLogin(name string) string {
	slug := strings.Trim(loginUnsafe.ReplaceAllString(strings.ToLower(name), "-"), "-")
	if slug == "" {
		return "svc-integration"
	}
	if len(slug) > 60 {
		slug = strings.TrimRight(slug[:60], "-")
	}
	return "svc-" + slug
}

// NewAppSetup lists the record values for the Trusted App of p (a zero Profile when
// none is chosen yet) whose secret hashes to secretHash.
func NewAppSetup(p profiles.Profile, secretHash string) AppSetup {
	scope, why := NarrowestScope(p.EffectiveCalls())
	if len(p.Calls) == 0 {
		why = "the default calls only read; add the integration's own calls to the profile to be sure"
	}
	if req := strings.Join(p.Scopes, " "); req != "" && req != scope {
		why += "; the profile requests " + quoted(req) + ": narrow it to " + quoted(scope) + " too"
	}
	s := AppSetup{
		Profile: p.Name, Instance: p.Root(), ClientID: p.ClientID, ApplicationSecretHash: secretHash,
		Scope: scope, ScopeReason: why, SystemUser: suggestedLogin(p.Name),
	}
	name, uri := p.Name, p.ClientID
	uriNote := "the profile's client_id, copied exactly; each instance needs its own record"
	if uri == "" {
		uri = "com.yourcompany/your-integration"
		uriNote = "a unique id in reverse host name style; it becomes the client_id of every token request"
	}
	if name == "" {
		name = "the integration's name"
	}
	s.Values = []RecordValue{
		{"Name", name, "shown in Instance Manager only"},
		{"ApplicationUri", uri, uriNote},
		{"ClientType", "Confidential", "only a Confidential app has a secret and may use client credentials"},
		{"ApplicationSecretHash", secretHash, "base64(SHA-256(secret)): the hash, never the secret"},
		{"SystemUserAllowed", "true", "client credentials signs in as the System User"},
		{"SystemUser", s.SystemUser, "a dedicated, Active user of type ApplicationUserNoLogin (one per integration), with only the roles it needs; not an administrator"},
		{"Scope", scope, "the narrowest that works: " + why},
		{"IsEnabled", "true", "the kill switch: false refuses every token request at once"},
		{"ReferenceTokens", "None", "unless someone needs long-lived reference tokens"},
		{"BasicAuthenticationAllowed", "false", "legacy password sign-in is not needed"},
	}
	return s
}

func quoted(s string) string { return `"` + s + `"` }
