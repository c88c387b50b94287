// Package redact is the one place that knows what a credential looks like in our
// output: the names of secret-bearing fields (form, query and JSON), the credential
// headers, the shapes of tokens, and every encoding in which a server may echo a known
// secret back to us. The engine (check) applies it when an exchange is captured, the
// report package again when a document is written, and the audit log before a line is
// appended; each uses this package, none keeps a list of its own.
package redact

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Redacted replaces a secret value that has no useful partial form.
const Redacted = "[redacted]"

// fieldNames are the form, query and JSON field names whose values are credentials.
// It is the single list: adding a name here redacts it at capture, in every report
// and in the audit log.
var fieldNames = []string{
	"client_secret", "client_assertion", "password", "secret",
	"access_token", "refresh_token", "id_token", "token",
	"api_key", "apikey",
}

var fieldSet = func() map[string]bool {
	m := make(map[string]bool, len(fieldNames))
	for _, n := range fieldNames {
		m[n] = true
	}
	return m
}()

// Fields returns the secret-bearing field names, sorted.
func Fields() []string {
	out := append([]string(nil), fieldNames...)
	sort.Strings(out)
	return out
}

// IsSecretField reports whether a form, query or JSON field of this name carries a
// credential (case-insensitive).
func IsSecretField(name string) bool { return fieldSet[strings.ToLower(strings.TrimSpace(name))] }

// credentialHeaders never have their values shown.
var credentialHeaders = map[string]bool{
	"authorization": true, "proxy-authorization": true, "x-api-key": true, "api-key": true,
	"cookie": true, "set-cookie": true,
}

// IsCredentialHeader reports whether a header of this name carries a credential.
func IsCredentialHeader(name string) bool { return credentialHeaders[strings.ToLower(name)] }

// Hint shows a token safely: "…" and its last six characters.
func Hint(tok string) string {
	if len(tok) > 6 {
		tok = tok[len(tok)-6:]
	}
	return "…" + tok
}

// Form redacts the secret fields of an application/x-www-form-urlencoded body or a
// URL query, keeping the field order and everything else as sent.
func Form(s string) string {
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
		if found && IsSecretField(name) {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// URL redacts a URL's secret query parameters and any user:password in it.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Text(raw)
	}
	if u.User != nil {
		u.User = url.User(Redacted)
	}
	if u.RawQuery != "" {
		u.RawQuery = Form(u.RawQuery)
	}
	return u.String()
}

// Authorization shows an Authorization header value safely: "Basic [redacted]",
// "Bearer …last6", or "<scheme> [redacted]"; a value with no scheme is all credential.
// A value already redacted stays as it is.
func Authorization(v string) string {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(v), " ")
	cred = strings.TrimSpace(cred)
	switch {
	case scheme == "" || cred == "":
		return Redacted
	case strings.EqualFold(scheme, "bearer") && isHint(cred):
		return scheme + " " + cred
	case strings.EqualFold(scheme, "bearer"):
		return scheme + " " + Hint(cred)
	default:
		return scheme + " " + Redacted
	}
}

// isHint reports whether v is already a Hint ("…" and at most six characters).
func isHint(v string) bool { return strings.HasPrefix(v, "…") && len([]rune(v)) <= 7 }

// Headers returns a copy of h with credential headers redacted (Authorization and
// Proxy-Authorization by scheme, API keys to their last six characters, cookies
// entirely) and every other value passed through Text.
func Headers(h http.Header) http.Header { return HeadersWith(h, Credential) }

// HeadersWith is Headers with cred deciding what a credential header's value shows.
func HeadersWith(h http.Header, cred func(name, value string) string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			if IsCredentialHeader(k) {
				cp[i] = cred(k, v)
			} else {
				cp[i] = Text(v)
			}
		}
		out[k] = cp
	}
	return out
}

// Credential is what a credential header of this name shows of value: the scheme of
// an Authorization header (a bearer token's last six characters), an API key's last
// six characters, nothing of a cookie.
func Credential(name, value string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		return Authorization(value)
	case "x-api-key", "api-key":
		if isHint(value) {
			return value
		}
		return Hint(value)
	}
	return Redacted
}

// Already shows only what a capture already redacted ("Bearer …a1b2c3", "Basic
// [redacted]"); any other credential value means a capture missed it, and none of it
// is shown (the report's second pass).
func Already(_, value string) string {
	v := strings.TrimSpace(value)
	scheme, cred, found := strings.Cut(v, " ")
	if !found {
		cred, scheme = scheme, ""
	}
	cred = strings.TrimSpace(cred)
	if !isHint(cred) && !strings.HasPrefix(cred, "[redacted") {
		cred = Redacted
	}
	if scheme == "" {
		return cred
	}
	return scheme + " " + cred
}

var (
	// A JWT: three base64url parts, the first two starting with {" (eyJ).
	jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	// An ERP.net reference token.
	refRE = regexp.MustCompile(`enrt_[0-9A-Fa-f]{16,}`)
	// Secret form / query fields, up to &, whitespace, a quote or a backslash.
	formRE = regexp.MustCompile(`(?i)\b(` + strings.Join(fieldNames, "|") + `)=([^&\s"'\\]+)`)
	// Secret JSON fields, plain or inside an escaped JSON string.
	jsonRE = regexp.MustCompile(`(?i)"(` + strings.Join(fieldNames, "|") + `)(\\?"\s*:\s*\\?")([^"\\]+)`)
	// Credentials after an auth scheme.
	authRE = regexp.MustCompile(`(?i)\b(Bearer|Basic)(\s+)([A-Za-z0-9._~+/-]+)(=*)`)
	// Bearer credentials long enough to be a token rather than a word.
	bearerRE = regexp.MustCompile(`(?i)\bBearer\s+[A-Za-z0-9._~+/-]{20,}`)
)

// HoldsToken reports whether s holds an access token: a JWT, an ERP.net reference
// token, or Bearer credentials (the patterns the redaction removes), on one line or
// split across lines.
func HoldsToken(s string) bool {
	return jwtRE.MatchString(s) || refRE.MatchString(s) || bearerRE.MatchString(s) || len(wrappedTokens(s)) > 0
}

// Text removes credentials of a recognisable shape from s: the values of secret
// fields (form or JSON), Basic and Bearer credentials, JWTs and ERP.net reference
// tokens. Values already redacted ("[redacted]", "…last6") are left alone. A secret of
// no recognisable shape is found only by Secrets.
func Text(s string) string {
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
		return sub[1] + "=" + Redacted
	})
	s = jsonRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonRE.FindStringSubmatch(m)
		if isRedacted(sub[3]) {
			return m
		}
		return `"` + sub[1] + sub[2] + Redacted
	})
	return scrubAuth(s)
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
		b.WriteString(Redacted)
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
