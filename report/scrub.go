package report

import (
	"net/url"

	"trustedapp-tester/internal/redact"
)

// Every string of every output passes through internal/redact twice: when the
// document is built (credentials of a recognisable shape) or told a secret (Forget),
// before any formatting, and again over the rendered bytes.

const redacted = redact.Redacted

// scrub removes credentials of a recognisable shape from s (redact.Text).
func scrub(s string) string { return redact.Text(s) }

// scrubURL drops user:password from a URL, redacts its secret query parameters and
// scrubs the rest.
func scrubURL(raw string) string {
	u, err := url.Parse(redact.URL(raw))
	if err != nil || u.Scheme == "" {
		return scrub(raw)
	}
	u.User = nil
	return scrub(u.String())
}
