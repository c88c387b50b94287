package report

import (
	"net/url"

	"trustedapp-tester/internal/redact"
)

// Every string of every output passes through internal/redact twice: when the
// document is built (credentials of a recognisable shape) or told a secret (Forget),
// before any formatting, and again over the rendered bytes. Scrub, ScrubURL and
// ScrubBytes are this package's names for those rules (the rules live in redact).

const redacted = redact.Redacted

// Scrub removes credentials of a recognisable shape from s: the values of secret
// fields (form or JSON), Basic and Bearer credentials, JWTs and ERP.net reference
// tokens (redact.Text).
func Scrub(s string) string { return redact.Text(s) }

// ScrubBytes is Scrub for a whole rendered document.
func ScrubBytes(b []byte) []byte { return []byte(redact.Text(string(b))) }

// ScrubURL drops user:password from a URL, redacts its secret query parameters and
// scrubs the rest.
func ScrubURL(raw string) string {
	u, err := url.Parse(redact.URL(raw))
	if err != nil || u.Scheme == "" {
		return Scrub(raw)
	}
	u.User = nil
	return Scrub(u.String())
}
