package redact

import (
	"regexp"
	"strings"
)

// Pasted redacts free text someone pasted (a log line, a config file, an exception):
// the rules of Text, plus what such text holds that our own exchanges do not:
// Authorization header lines, credentials in URLs, key=value / key: value pairs of
// the secret fields under the spellings configuration files use (ClientSecret,
// client-secret, pwd, passwd, x-api-key, ApplicationSecret), and tokens split across
// lines (wrapped.go).

var (
	// An Authorization header line: keep the scheme, drop the credential.
	authHeaderRE = regexp.MustCompile(`(?im)^(\s*(?:proxy-)?authorization\s*:\s*)([A-Za-z][\w-]*)?(\s*)(\S*)`)
	// key=value / key: value / "key": "value" with a secret field's name, in logs,
	// config files (appsettings.json, connection strings) and YAML.
	secretKeyRE = regexp.MustCompile(`(?i)(["']?\b(?:` + pastedKeys() + `)\b["']?\s*[:=]\s*["']?)([^\s"',;&<>]+)`)
	// What a redaction leaves behind, to count them.
	redactedRE = regexp.MustCompile(`\[redacted( JWT)?\]`)
	// Credentials in a URL: scheme://user:password@host.
	userinfoRE = regexp.MustCompile(`(?i)\b([a-z][a-z0-9+.-]*://[^/\s:@]+:)([^/\s@]+)(@)`)
)

// Pasted removes every secret, token, password, Basic or Bearer credential and JWT
// from pasted text, and returns how many it removed.
func Pasted(s string) (string, int) {
	before := len(redactedRE.FindAllStringIndex(s, -1))
	// First, while each piece of a split token is still there to be joined.
	s = redactWrapped(s)
	lower := strings.ToLower(s)
	if strings.Contains(lower, "authorization") {
		s = redactAuthHeaders(s)
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = userinfoRE.ReplaceAllString(s, "${1}"+Redacted+"${3}")
	}
	s = Text(s)
	// The words secretKeyRE's keys contain: without one of them it cannot match.
	if mayHoldSecretKey(lower) {
		s = secretKeyRE.ReplaceAllStringFunc(s, func(m string) string {
			sub := secretKeyRE.FindStringSubmatch(m)
			if strings.HasPrefix(sub[2], "[redacted") || strings.HasPrefix(sub[2], "…") || strings.EqualFold(sub[2], "null") {
				return m
			}
			return sub[1] + Redacted
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
			return sub[1] + Redacted
		}
		if sub[4] == "" || strings.HasPrefix(sub[4], "[redacted") {
			return m
		}
		return sub[1] + sub[2] + sub[3] + Redacted
	})
}

// pasteAliases are spellings of secret fields that configuration files and logs use
// besides fieldNames' own.
var pasteAliases = []string{`app(?:lication)?[_-]?secret`, `passwd`, `pwd`, `x-api-key`}

// pastedKeys is the alternation of every secret field name, each "_" also matching "-"
// or nothing (client_secret, client-secret, ClientSecret), and the aliases.
func pastedKeys() string {
	var alts []string
	for _, n := range fieldNames {
		alts = append(alts, strings.ReplaceAll(regexp.QuoteMeta(n), "_", "[_-]?"))
	}
	return strings.Join(append(alts, pasteAliases...), "|")
}

// mayHoldSecretKey is a cheap test before secretKeyRE: a key it matches contains one
// of these words.
func mayHoldSecretKey(lower string) bool {
	for _, k := range []string{"secret", "passw", "pwd", "api", "token", "assertion"} {
		if strings.Contains(lower, k) {
			return true
		}
	}
	return false
}
