// Package tokenview decodes and verifies ERP.net access tokens without touching the
// network: check hands it the JWKS it fetched. It produces Claims for display and a
// requested-vs-granted scope comparison.
package tokenview

import "time"

// Kind is what sort of access token a string is.
type Kind string

const (
	KindJWT       Kind = "jwt"       // a signed JWT (ERP.net issues RS256 at+jwt)
	KindReference Kind = "reference" // an ERP.net reference token: enrt_ + 64 hex
	KindOpaque    Kind = "opaque"    // anything else; nothing can be read from it
)

// Signature is the outcome of checking a JWT's signature.
type Signature string

const (
	SigVerified   Signature = "verified"    // checked against the instance's JWKS
	SigInvalid    Signature = "invalid"     // the signature does not match the key
	SigUnknownKey Signature = "unknown_kid" // no key with the header's kid in the JWKS
	SigAlgorithm  Signature = "alg_not_allowed"
	SigNotChecked Signature = "not_checked" // no JWKS was available
	// SigCritical: the header's crit names extensions this verifier does not
	// understand (or crit is malformed); RFC 7515 section 4.1.11 makes the token invalid.
	SigCritical Signature = "crit_unsupported"
	// SigKeyNotForSigning: the key that would check the token is published for
	// another use (use "enc", or key_ops without "verify"), so it verifies nothing.
	SigKeyNotForSigning Signature = "key_not_for_signing"
)

// Claim is one claim for the "all claims" table, in token order where possible.
type Claim struct {
	Name  string `json:"name"`
	Value string `json:"value"` // JSON-ish text for display
	// Time is set for NumericDate claims (iat, nbf, exp, auth_time).
	Time *time.Time `json:"time,omitempty"`
}

// Claims is what an admin needs from a token, decoded and (when possible) verified.
type Claims struct {
	Kind Kind `json:"kind"`

	// Header fields.
	Alg string `json:"alg,omitempty"`
	Kid string `json:"kid,omitempty"`
	Typ string `json:"typ,omitempty"`

	// ERP.net client-credentials claims.
	SystemUser     string   `json:"system_user,omitempty"`      // client_system_user
	SystemUserType string   `json:"system_user_type,omitempty"` // client_system_user_type
	SystemUserID   string   `json:"system_user_id,omitempty"`   // client_system_user_id
	ClientID       string   `json:"client_id,omitempty"`
	Database       string   `json:"database,omitempty"` // client_db (or db on user tokens)
	Subject        string   `json:"subject,omitempty"`  // sub, present on user tokens only
	Issuer         string   `json:"issuer,omitempty"`
	Audiences      []string `json:"audiences,omitempty"` // aud as string or array
	Scopes         []string `json:"scopes,omitempty"`    // scope / scp / scopes, string or array
	JTI            string   `json:"jti,omitempty"`

	IssuedAt  time.Time `json:"issued_at,omitempty"`
	NotBefore time.Time `json:"not_before,omitempty"`
	Expires   time.Time `json:"expires,omitempty"`

	Signature     Signature `json:"signature"`
	SignatureNote string    `json:"signature_note,omitempty"` // why not verified, in plain words

	// All is every header and payload claim for the claims table.
	Header []Claim `json:"header,omitempty"`
	All    []Claim `json:"all,omitempty"`
}

// Lifetime is exp - iat (or exp - nbf), zero when unknown.
func (c Claims) Lifetime() time.Duration {
	start := c.IssuedAt
	if start.IsZero() {
		start = c.NotBefore
	}
	if start.IsZero() || c.Expires.IsZero() {
		return 0
	}
	return c.Expires.Sub(start)
}

// TimeLeft is how long until expiry at now (negative once expired, 0 when unknown).
func (c Claims) TimeLeft(now time.Time) time.Duration {
	if c.Expires.IsZero() {
		return 0
	}
	return c.Expires.Sub(now)
}

// ScopeDiff compares the scopes a client asked for with those the token carries.
type ScopeDiff struct {
	Requested []string `json:"requested,omitempty"`
	Granted   []string `json:"granted,omitempty"`
	// Missing were requested and not granted; Extra were granted without being asked
	// for (normal when no scope was requested: the app's whole Scope field is granted).
	Missing []string `json:"missing,omitempty"`
	Extra   []string `json:"extra,omitempty"`
	// AllGranted is true when no scope parameter was sent.
	RequestedAll bool `json:"requested_all,omitempty"`
}
