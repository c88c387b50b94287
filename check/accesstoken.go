package check

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// AccessToken holds an issued access token in memory only. Printing or marshalling it
// never reveals it: only Reveal does, for "copy token" and the API console.
type AccessToken struct{ raw string }

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
