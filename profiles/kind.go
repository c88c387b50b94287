package profiles

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"trustedapp-tester/internal/safetext"
)

// Kind is how a profile signs in to ERP.net. Each kind keeps one credential in the
// keychain under the profile's name (set-secret, the editor): the client secret, the
// reference token or the password.
type Kind string

const (
	// KindClientCredentials is a Trusted App's client_id and client secret, exchanged
	// for a short-lived access token at the identity server (the OAuth 2.0 client
	// credentials flow). It is the default: "" in the profile file means it.
	KindClientCredentials Kind = "client-credentials"
	// KindReferenceToken is a reference access token (enrt_…): a PAT made in the Profile
	// site (Security → Tokens) or a SAT made in Instance Manager, sent to the API as it
	// is (dev auth/tokens/reference-access-tokens.md, issuing-reference-tokens.md).
	KindReferenceToken Kind = "reference-token"
	// KindBasic is legacy HTTP Basic authentication with an ERP.net user's login
	// (Profile.User) and password, still accepted during the coexistence period (dev
	// auth/configuration/migrating-from-legacy-auth.md) and the only method Power BI's
	// OData feed of the Table API supports (dev table-api/index.md).
	KindBasic Kind = "basic"
)

// BasicAuthApp is the ApplicationUri of the Trusted App that governs Basic
// authentication to the Domain API and the Table API: it must exist, be enabled and
// allow basic authentication (dev topics/authentication/authentication-flows.md).
const BasicAuthApp = "DomainApiBasicAuthentication"

// Kinds are the kinds in the order a screen offers them.
func Kinds() []Kind { return []Kind{KindClientCredentials, KindReferenceToken, KindBasic} }

// ParseKind reads a kind as typed ("" is client credentials); the error names the
// kinds there are.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	switch k {
	case "":
		return KindClientCredentials, nil
	case KindClientCredentials, KindReferenceToken, KindBasic:
		return k, nil
	}
	return "", fmt.Errorf("%q is not a profile kind: use %s (a Trusted App's client_id and secret, the default), %s (a PAT or SAT, enrt_…) or %s (legacy Basic: a user and password)",
		s, KindClientCredentials, KindReferenceToken, KindBasic)
}

// KindOf is p's kind, KindClientCredentials when the file leaves it out.
func (p Profile) KindOf() Kind {
	if p.Kind == "" {
		return KindClientCredentials
	}
	return p.Kind
}

// Label is the kind as a person reads it in a list.
func (k Kind) Label() string {
	switch k {
	case KindReferenceToken:
		return "Reference token (PAT or SAT)"
	case KindBasic:
		return "Basic (user and password, legacy)"
	}
	return "Client credentials (Trusted App)"
}

// SecretName is what the keychain holds for a profile of kind k, as a sentence names it.
func (k Kind) SecretName() string {
	switch k {
	case KindReferenceToken:
		return "reference token"
	case KindBasic:
		return "password"
	}
	return "client secret"
}

// BasicAppOf is the Trusted App that governs p's Basic sign-in: its client_id, or
// BasicAuthApp when it sets none.
func (p Profile) BasicAppOf() string {
	if id := strings.TrimSpace(p.ClientID); id != "" {
		return id
	}
	return BasicAuthApp
}

// ReferenceTokensIntended reports whether p's Trusted App issues reference tokens on
// purpose: a reference-token profile, or one that says so (UsesReferenceTokens).
func (p Profile) ReferenceTokensIntended() bool {
	return p.KindOf() == KindReferenceToken || p.UsesReferenceTokens
}

// DefaultBasicCalls are the calls a basic profile runs when it lists none: what Power
// BI's OData feed asks the Table API for (dev table-api/index.md: the service document,
// the model, then a table with $top), relative to the Table API's site.
func DefaultBasicCalls() []APICall {
	return []APICall{
		{Name: "Table API service document", Method: "GET", Path: "/tableapi/odata/"},
		{Name: "Table API metadata", Method: "GET", Path: "/tableapi/odata/$metadata"},
		{Name: "Documents", Method: "GET", Path: "/tableapi/odata/Gen_Documents?$top=5"},
	}
}

// checkKind is the rule for kind and for the fields each kind uses or has no use for.
func checkKind(c *checker) {
	if c.p.Kind != "" {
		if _, err := ParseKind(string(c.p.Kind)); err != nil || Kind(strings.ToLower(string(c.p.Kind))) != c.p.Kind {
			c.errorf("kind", "%q is not a profile kind: use %s, %s or %s", c.p.Kind, KindClientCredentials, KindReferenceToken, KindBasic)
			return
		}
	}
	k := c.p.KindOf()
	if k == KindBasic {
		checkBasicUser(c)
	} else if c.p.User != "" {
		c.errorf("user", "is only for kind %s (the login a Basic sign-in uses): remove it, or set kind to %s", KindBasic, KindBasic)
	}
	if k == KindClientCredentials {
		return
	}
	what := "a reference token carries the scopes chosen when it was issued"
	if k == KindBasic {
		what = "a Basic sign-in carries no scopes"
	}
	if len(c.p.Scopes) > 0 {
		c.errorf("scopes", "%s, and this kind requests no token: remove the scopes", what)
	}
	if c.p.AuthMethod == AuthBasic {
		c.errorf("auth_method", "is how a client secret goes to the token endpoint, and kind %s requests no token: remove it", k)
	}
	for _, f := range []struct{ field, value string }{{"authority", c.p.Authority}, {"token_endpoint", c.p.TokenEndpoint}} {
		if strings.TrimSpace(f.value) != "" {
			c.warnf(f.field, "is not used: kind %s asks the identity server for nothing; remove it", k)
		}
	}
	if c.p.UsesReferenceTokens && k == KindBasic {
		c.warnf("uses_reference_tokens", "says nothing about a Basic sign-in: remove it")
	}
}

// checkBasicUser is the rule for a basic profile's login.
func checkBasicUser(c *checker) {
	u := c.p.User
	switch {
	case strings.TrimSpace(u) == "":
		c.errorf("user", "is empty: a %s profile signs in as an ERP.net user; enter the login (Systems_Security_Users.Login)", KindBasic)
	case u != strings.TrimSpace(u):
		c.errorf("user", "has leading or trailing spaces, which the login would not match: remove them")
	case strings.Contains(u, ":"):
		c.errorf("user", "contains ':', which HTTP Basic cannot carry in a user name (RFC 7617): check the login")
	case strings.IndexFunc(u, unicode.IsControl) >= 0 || safetext.Contains(u):
		c.errorf("user", "contains %s, an invisible or control character: type the login again", hiddenRune(u))
	case utf8.RuneCountInString(u) > 64:
		c.errorf("user", "is %d characters long; an ERP.net login has at most 64", utf8.RuneCountInString(u))
	}
}

// StoredKind is the kind of the credential stored for p ("" when none is stored): the
// kind it was set for, a client secret when that was not recorded (older versions
// stored only client secrets).
func (p Profile) StoredKind() Kind {
	if p.SecretSetAt.IsZero() {
		return ""
	}
	return cmpOr(p.SecretKind, KindClientCredentials)
}

// StaleSecret reports whether the credential stored for p was set for another kind
// than p has now (a client secret kept after the profile became a reference-token
// profile): it is never sent as p's credential, and says which kind it is.
func StaleSecret(p Profile) (stored Kind, stale bool) {
	stored = p.StoredKind()
	return stored, stored != "" && stored != p.KindOf()
}

func cmpOr(k, or Kind) Kind {
	if k == "" {
		return or
	}
	return k
}

// kindNotes are the security notes of p's kind for an import's review: what credential
// it sends where.
func kindNotes(note func(field, format string, args ...any), p Profile) {
	switch p.KindOf() {
	case KindReferenceToken:
		note("kind", "sends a reference token (a long-lived credential, kept in the keychain) to the APIs as it is, on every request")
	case KindBasic:
		note("kind", "signs in with legacy Basic authentication as %s: the password goes to the APIs on every request", p.User)
	}
}

// kindChangeNotes says what replacing held with p changes of the kind and the login:
// a stored credential of the old kind is not sent as the new kind's.
func kindChangeNotes(note func(field, format string, args ...any), held, p Profile) {
	if hk, pk := held.KindOf(), p.KindOf(); hk != pk {
		msg := "changes from %s to %s"
		if stored := held.StoredKind(); stored != "" && stored != pk {
			msg += ": the " + stored.SecretName() + " stored for this profile is not sent as a " + pk.SecretName() + "; set the " + pk.SecretName() + " after the import"
		}
		note("kind", msg, string(hk), string(pk))
	}
	if p.KindOf() == KindBasic && held.KindOf() == KindBasic && held.User != p.User {
		note("user", "changes from %s to %s: the stored password is sent with another login", orNone(held.User), orNone(p.User))
	}
}
