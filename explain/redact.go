package explain

import (
	"regexp"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/report"
)

// Redaction of pasted text, before it is parsed, shown, saved or reported. It is one
// small function on purpose: when internal/redact (one list of secret field names,
// every encoding of a secret) lands, Redact becomes a call to it.

var (
	// An Authorization header line: keep the scheme, drop the credential.
	authHeaderRE = regexp.MustCompile(`(?im)^(\s*(?:proxy-)?authorization\s*:\s*)([A-Za-z][\w-]*)?(\s*)(\S*)`)
	// key=value / key: value / "key": "value" with a secret-ish key, in logs, config
	// files (appsettings.json, connection strings) and YAML.
	secretKeyRE = regexp.MustCompile(`(?i)(["']?\b(?:client[_-]?secret|clientsecret|app(?:lication)?[_-]?secret|secret|password|passwd|pwd|api[_-]?key|x-api-key|access[_-]?token|refresh[_-]?token|id[_-]?token|client[_-]?assertion)\b["']?\s*[:=]\s*["']?)([^\s"',;&<>]+)`)
	// What a redaction leaves behind, to count them.
	redactedRE = regexp.MustCompile(`\[redacted( JWT)?\]`)
	// Credentials in a URL: scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)([^/\s@]+)(@)`)
)

// Redact removes every secret, token, password, Basic or Bearer credential and JWT
// from pasted text, and returns how many it removed.
func Redact(s string) (string, int) {
	before := len(redactedRE.FindAllStringIndex(s, -1))
	lower := strings.ToLower(s)
	if strings.Contains(lower, "authorization") {
		s = redactAuthHeaders(s)
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = userinfoRE.ReplaceAllString(s, "${1}"+check.Redacted+"${3}")
	}
	s = report.Scrub(s)
	// The words secretKeyRE's keys contain: without one of them it cannot match.
	if mayMatch(lower, ks("secret", "passw", "pwd", "api", "token", "assertion")) {
		s = secretKeyRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := secretKeyRE.FindStringSubmatch(m)
			if strings.HasPrefix(sub[2], "[redacted") || strings.HasPrefix(sub[2], "…") || strings.EqualFold(sub[2], "null") {
				return m
			}
			return sub[1] + check.Redacted
		})
	}
	after := len(redactedRE.FindAllStringIndex(s, -1))
	return s, after - before
}

func redactAuthHeaders(s string) string {
	return authHeaderRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := authHeaderRE.FindStringSubmatch(m)
		if sub[4] == "" && sub[2] != "" && !strings.EqualFold(sub[2], "basic") && !strings.EqualFold(sub[2], "bearer") {
			// "Authorization: <credential>" without a scheme (an API key).
			return sub[1] + check.Redacted
		}
		if sub[4] == "" || strings.HasPrefix(sub[4], "[redacted") {
			return m
		}
		return sub[1] + sub[2] + sub[3] + check.Redacted
	})
}
