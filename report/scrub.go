package report

import (
	"bytes"
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"

	"trustedapp-tester/check"
)

const redacted = check.Redacted

var (
	// A JWT: three base64url parts, the first two starting with {" (eyJ).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// An ERP.net reference token.
	refRE = regexp.MustCompile(`enrt_[0-9A-Fa-f]{16,}`)
	// Secret form / query fields: client_secret=..., up to &, whitespace, a quote or a
	// backslash (the JSON escape of a quote).
	formRE = regexp.MustCompile(`(?i)\b(client_secret|client_assertion|password|access_token|refresh_token|id_token)=([^&\s"'\\]+)`)
	// Secret JSON fields, plain or inside an escaped JSON string.
	jsonRE = regexp.MustCompile(`(?i)"(client_secret|client_assertion|password|access_token|refresh_token|id_token)(\\?"\s*:\s*\\?")([^"\\]+)`)
	// Credentials after an auth scheme.
	authRE = regexp.MustCompile(`(?i)\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]+)(=*)`)
)

// Scrub removes credentials from s: values of client_secret / password / token
// fields (form or JSON), Basic and Bearer credentials, JWTs and ERP.net reference
// tokens. Values check already redacted ("[redacted]", "…last6") are left alone. It is
// the belt-and-braces pass every output of this package goes through.
func Scrub(s string) string {
	if s == "" {
		return s
	}
	s = jwtRE.ReplaceAllString(s, "[redacted JWT]")
	s = refRE.ReplaceAllString(s, "enrt_[redacted]")
	s = formRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := formRE.FindStringSubmatch(m)
		if isRedacted(sub[2]) {
			return m
		}
		return sub[1] + "=" + redacted
	})
	s = jsonRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonRE.FindStringSubmatch(m)
		if isRedacted(sub[3]) {
			return m
		}
		return `"` + sub[1] + sub[2] + redacted
	})
	s = scrubAuth(s)
	return s
}

// scrubAuth redacts the credential after "Bearer " or "Basic ", but keeps
// WWW-Authenticate parameters such as `Bearer error="invalid_token"` readable.
func scrubAuth(s string) string {
	idx := authRE.FindAllStringSubmatchIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		cred := s[m[6]:m[7]]
		pad := s[m[8]:m[9]]
		// An auth-param ("error=", "realm=") is a lowercase word followed by "=" that
		// is followed by a quote or a token, never a base64 credential's padding end.
		if pad != "" && isParamName(cred) {
			continue
		}
		if isRedacted(cred) || !looksLikeCredential(s[m[2]:m[3]], cred, pad) {
			continue
		}
		b.WriteString(s[last:m[6]])
		b.WriteString(redacted)
		last = m[9]
	}
	b.WriteString(s[last:])
	return b.String()
}

// looksLikeCredential tells a credential from prose such as "HTTP Basic
// Authorization header": a Basic credential is base64 of "id:secret"; a bearer token
// is long and has a digit or punctuation in it.
func looksLikeCredential(scheme, cred, pad string) bool {
	if strings.EqualFold(scheme, "basic") {
		if raw, err := base64.StdEncoding.DecodeString(cred + pad); err == nil && bytes.IndexByte(raw, ':') >= 0 {
			return true
		}
	}
	if len(cred) < 12 {
		return false
	}
	return strings.ContainsAny(cred, "0123456789._~+/-")
}

func isParamName(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && r != '_' && r != '-' {
			return false
		}
	}
	return true
}

func isRedacted(v string) bool {
	return strings.HasPrefix(v, "[redacted") || strings.HasPrefix(v, "…") || v == "redacted"
}

// ScrubBytes is Scrub for a whole rendered document.
func ScrubBytes(b []byte) []byte { return []byte(Scrub(string(b))) }

// ScrubURL drops user:password from a URL, redacts its secret query parameters (the
// same list check redacts at capture) and Scrubs the rest.
func ScrubURL(raw string) string {
	u, err := url.Parse(check.RedactURL(raw))
	if err != nil || u.Scheme == "" {
		return Scrub(raw)
	}
	u.User = nil
	return Scrub(u.String())
}
