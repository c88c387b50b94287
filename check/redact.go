package check

import (
	"regexp"

	"trustedapp-tester/internal/redact"
)

// Redaction in the engine: the capturing transport redacts every exchange as it is
// recorded (credential fields and headers by name, internal/redact), and every step
// is scrubbed of the run's known secrets before it leaves the engine (emit, Call), so
// server text that echoes the secret in any encoding reaches neither the screen nor a
// report. A redacted value never allows the secret to be recovered.

var tokenFieldRE = regexp.MustCompile(`"(access_token|refresh_token|id_token)"(\s*:\s*)"([^"\\]*)"`)

// RedactTokenBody replaces the tokens in a token-endpoint JSON response with
// "…last6 (sha256 <first 12 hex of the fingerprint>)".
func RedactTokenBody(body string) string {
	return tokenFieldRE.ReplaceAllStringFunc(body, func(m string) string {
		sub := tokenFieldRE.FindStringSubmatch(m)
		return `"` + sub[1] + `"` + sub[2] + `"` + TokenSummary(sub[3]) + `"`
	})
}

// TokenSummary is "…last6 (sha256 <first 12 hex of the fingerprint>)".
func TokenSummary(tok string) string {
	return redact.Hint(tok) + " (sha256 " + Fingerprint(tok)[:12] + ")"
}

// scrubStep removes the run's known secrets, in every encoding, from every string of
// s a user can see: name, summary, findings and their evidence, exchanges, token
// information, claims and scopes. Pointers in s (its claims) are scrubbed in place.
func scrubStep(s *Step, known *redact.Secrets) {
	if known.Empty() {
		return
	}
	redact.Strings(s, known.Replace)
}
