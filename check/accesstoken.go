package check

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	"trustedapp-tester/profiles"
)

// AccessToken holds an issued access token in memory only. Printing or marshalling it
// never reveals it: only Reveal does, for "copy token" and the API console.
type AccessToken struct {
	raw string
	// issued is the connection the token was issued for, set when a run got or was
	// given it (Report.Access): the credential gate sends it only under those
	// settings, and Call and ReadRecord use the sites that run resolved. nil for a
	// token no run has used yet.
	issued *issuedFor
}

// issuedFor is the profile and connection a token belongs to.
type issuedFor struct {
	profile   string
	instance  string
	conn      string // connKey of the profile
	odataRoot string // the OData root the run used
	tableRoot string // the Table API site the run used ("" for the instance root)
}

// issuedTo is a copy of t that belongs to p's connection, with the sites the run
// resolved.
func (t *AccessToken) issuedTo(p profiles.Profile, odataRoot, tableRoot string) *AccessToken {
	if t == nil {
		return nil
	}
	return &AccessToken{raw: t.raw, issued: &issuedFor{profile: p.Name, instance: p.Root(), conn: connKey(p), odataRoot: odataRoot, tableRoot: tableRoot}}
}

func (t *AccessToken) issuedFor() *issuedFor {
	if t == nil {
		return nil
	}
	return t.issued
}

// IssuedFor is the name of the profile whose run got (or was given) the token, "" when
// no run has used it.
func (t *AccessToken) IssuedFor() string {
	if t == nil || t.issued == nil {
		return ""
	}
	return t.issued.profile
}

// TrimBearer is a pasted token without surrounding space and without a leading
// "Bearer " (as copied from an Authorization header).
func TrimBearer(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		s = strings.TrimSpace(s[7:])
	}
	return s
}

// NewAccessToken wraps a raw token.
func NewAccessToken(raw string) *AccessToken { return &AccessToken{raw: raw} }

// Reveal returns the raw token. Callers must treat it as a credential.
func (t *AccessToken) Reveal() string {
	if t == nil {
		return ""
	}
	return t.raw
}

// Last6 is the token's last six characters.
func (t *AccessToken) Last6() string {
	if t == nil {
		return ""
	}
	if len(t.raw) <= 6 {
		return t.raw
	}
	return t.raw[len(t.raw)-6:]
}

// Fingerprint is the hex SHA-256 of the whole token.
func (t *AccessToken) Fingerprint() string {
	if t == nil {
		return ""
	}
	return Fingerprint(t.raw)
}

// String never reveals the token.
func (t *AccessToken) String() string { return "token …" + t.Last6() }

// GoString never reveals the token.
func (t *AccessToken) GoString() string { return t.String() }

// MarshalJSON never reveals the token.
func (t *AccessToken) MarshalJSON() ([]byte, error) { return []byte(`"[redacted]"`), nil }

// Fingerprint is the hex SHA-256 of s (a token or a secret), safe to show and log.
func Fingerprint(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
