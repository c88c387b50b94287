package check

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Redaction helpers: check applies them when an exchange is captured, and report/audit
// may reuse them. A redacted value never allows the secret to be recovered.

// Redacted replaces a secret value that has no useful partial form.
const Redacted = "[redacted]"

// secretFormFields are form / query fields whose values are secrets.
var secretFormFields = map[string]bool{
	"client_secret": true, "client_assertion": true, "password": true,
	"access_token": true, "refresh_token": true, "id_token": true, "secret": true, "code": true,
	"token": true, "api_key": true, "apikey": true,
}

// RedactForm redacts secret fields (client_secret, client_assertion, password,
// tokens) of an application/x-www-form-urlencoded body or URL query, keeping the
// field order and everything else as sent.
func RedactForm(s string) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, kv := range parts {
		k, _, found := strings.Cut(kv, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if found && secretFormFields[strings.ToLower(name)] {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// RedactURL redacts secret query parameters of a URL, and any user:password in it.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		u.RawQuery = RedactForm(u.RawQuery)
	}
	return u.String()
}

// TokenHint shows a token safely: "…" and its last six characters.
func TokenHint(tok string) string {
	return "…" + NewAccessToken(tok).Last6()
}

// RedactAuthorization shows an Authorization header value safely:
// "Basic [redacted]", "Bearer …last6", or "<scheme> [redacted]".
func RedactAuthorization(v string) string {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
	switch strings.ToLower(scheme) {
	case "bearer":
		return scheme + " " + TokenHint(strings.TrimSpace(cred))
	case "":
		return Redacted
	default:
		return scheme + " " + Redacted
	}
}

// RedactHeaders returns a copy of h with Authorization, API-key, cookie and proxy
// credentials redacted.
func RedactHeaders(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := h.Clone()
	for k, vs := range out {
		switch strings.ToLower(k) {
		case "authorization", "proxy-authorization":
			for i, v := range vs {
				vs[i] = RedactAuthorization(v)
			}
		case "x-api-key", "api-key":
			for i, v := range vs {
				vs[i] = TokenHint(v)
			}
		case "cookie", "set-cookie":
			for i := range vs {
				vs[i] = Redacted
			}
		}
	}
	return out
}

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
	return TokenHint(tok) + " (sha256 " + Fingerprint(tok)[:12] + ")"
}
