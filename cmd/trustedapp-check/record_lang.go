package main

import (
	"fmt"
	"regexp"
)

// The record checklist in the run's language. check.RecordChecklist, SecretHashRow and
// ReadRecord say their values, expectations, notes and problems in English (the JSON
// keeps them so); writeRecordText says those it knows in the run's language, by what
// check writes, and shows the others as check wrote them (the comparison of a hash
// made the wrong way, a server's own words). record_lang_test.go runs the checklist
// through every case so a new sentence of check fails there until it is here.

// recordWords are check's whole sentences and words in the checklist, by their
// English.
func recordWords() map[string]string {
	return map[string]string{
		"not read":                          lang.X("cli.record.v.not_read", "not read"),
		"not sent":                          lang.X("cli.record.v.not_sent", "not sent"),
		"not compared":                      lang.X("cli.record.v.not_compared", "not compared"),
		"none":                              lang.X("cli.record.v.none", "none"),
		"empty":                             lang.X("cli.record.v.empty", "empty"),
		"set":                               lang.X("cli.record.v.set", "set"),
		"the secret itself (not shown)":     lang.X("cli.record.v.secret_itself", "the secret itself (not shown)"),
		"a user the integration may act as": lang.X("cli.record.w.user", "a user the integration may act as"),
		"the scopes the app needs, e.g. read update":                            lang.X("cli.record.w.scopes", "the scopes the app needs, e.g. read update"),
		"the scopes the app needs (none requested: the token gets all of them)": lang.X("cli.record.w.scopes_none", "the scopes the app needs (none requested: the token gets all of them)"),
		"None unless needed":                                                                                                                   lang.X("cli.record.w.none_unless", "None unless needed"),
		"base64(SHA-256(the app's secret))":                                                                                                    lang.X("cli.record.w.hash", "base64(SHA-256(the app's secret))"),
		"Must equal the profile's client_id exactly (case matters).":                                                                           lang.X("cli.record.n.uri", "Must equal the profile's client_id exactly (case matters)."),
		"Set the profile's client_id to exactly this value.":                                                                                   lang.X("cli.record.n.uri_fix", "Set the profile's client_id to exactly this value."),
		"A disabled app gets invalid_client at once.":                                                                                          lang.X("cli.record.n.enabled", "A disabled app gets invalid_client at once."),
		"Tick IsEnabled on the record: a disabled app gets invalid_client.":                                                                    lang.X("cli.record.n.enabled_fix", "Tick IsEnabled on the record: a disabled app gets invalid_client."),
		"A Public app has no secret and cannot use client credentials.":                                                                        lang.X("cli.record.n.client_type", "A Public app has no secret and cannot use client credentials."),
		"Change ClientType to Confidential and give the app a secret (its hash goes in ApplicationSecretHash).":                                lang.X("cli.record.n.client_type_fix", "Change ClientType to Confidential and give the app a secret (its hash goes in ApplicationSecretHash)."),
		"Without it the token request gets unauthorized_client.":                                                                               lang.X("cli.record.n.allowed", "Without it the token request gets unauthorized_client."),
		"Tick SystemUserAllowed: client credentials signs in as the System User.":                                                              lang.X("cli.record.n.allowed_fix", "Tick SystemUserAllowed: client credentials signs in as the System User."),
		"Without one the token request gets unauthorized_client; its permissions decide what API calls may do.":                                lang.X("cli.record.n.user", "Without one the token request gets unauthorized_client; its permissions decide what API calls may do."),
		"Assign a System User (an active user, typically of type ApplicationUserNoLogin).":                                                     lang.X("cli.record.n.user_fix", "Assign a System User (an active user, typically of type ApplicationUserNoLogin)."),
		"The record names another user than the token: the record changed after the token was issued, or the instance maps users differently.": lang.X("cli.record.n.user_other", "The record names another user than the token: the record changed after the token was issued, or the instance maps users differently."),
		"Space-separated and case-sensitive; a requested scope missing here gives invalid_scope.":                                              lang.X("cli.record.n.scope", "Space-separated and case-sensitive; a requested scope missing here gives invalid_scope."),
		"Fill Scope, e.g. read update: a token without scopes can call nothing.":                                                               lang.X("cli.record.n.scope_empty", "Fill Scope, e.g. read update: a token without scopes can call nothing."),
		"Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them.":               lang.X("cli.record.n.reference", "Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them."),
		"Legacy Basic authentication is on; turn it off unless an old client needs it.":                                                        lang.X("cli.record.n.basic", "Legacy Basic authentication is on; turn it off unless an old client needs it."),
		"The app has no secret, so every token request gets invalid_client: make one (trustedapp-check secret new) and put its hash here.":     lang.X("cli.record.n.no_secret", "The app has no secret, so every token request gets invalid_client: make one (trustedapp-check secret new) and put its hash here."),
		"This tool holds no secret for the app, so the hash cannot be compared: set the profile's secret, or compute the hash with trustedapp-check secret hash and compare it by hand.":                  lang.X("cli.record.n.no_secret_here", "This tool holds no secret for the app, so the hash cannot be compared: set the profile's secret, or compute the hash with trustedapp-check secret hash and compare it by hand."),
		"Must hold the hash of the profile's secret, shown here ready to copy (it is not the secret): compare it in the record, or hand it to whoever can read the record or put it in a support ticket.": lang.X("cli.record.n.hash_unread", "Must hold the hash of the profile's secret, shown here ready to copy (it is not the secret): compare it in the record, or hand it to whoever can read the record or put it in a support ticket."),
		"The instance did not send ApplicationSecretHash: compare it by hand with the hash shown here (it is not the secret).":                                                                            lang.X("cli.record.n.hash_unsent", "The instance did not send ApplicationSecretHash: compare it by hand with the hash shown here (it is not the secret)."),
		"The instance refused the token (HTTP 401): run the test again for a fresh token.":                                                                                                                lang.X("cli.record.p.401", "The instance refused the token (HTTP 401): run the test again for a fresh token."),
		"The System User behind this token may not read Trusted Application records (HTTP 403). Check the fields below in the instance by hand, or read the record with a profile whose System User may.": lang.X("cli.record.p.403", "The System User behind this token may not read Trusted Application records (HTTP 403). Check the fields below in the instance by hand, or read the record with a profile whose System User may."),
	}
}

// recordPattern is one of check's sentences with a value in it.
type recordPattern struct {
	re  *regexp.Regexp
	say func() string
}

func recordPatterns() []recordPattern {
	return []recordPattern{
		{regexp.MustCompile(`^(.*) \(the token's System User\)$`), func() string {
			return lang.X("cli.record.w.token_user", "%s (the token's System User)")
		}},
		{regexp.MustCompile(`^at least: (.*)$`), func() string { return lang.X("cli.record.w.at_least", "at least: %s") }},
		{regexp.MustCompile(`^Add (.*) to Scope \(exact case\), or stop requesting it\.$`), func() string {
			return lang.X("cli.record.n.scope_add", "Add %s to Scope (exact case), or stop requesting it.")
		}},
		{regexp.MustCompile(`^The instance has no Systems_Security_TrustedApplications entity set at (.*) \(HTTP 404\): check the OData root, or check the fields below by hand\.$`), func() string {
			return lang.X("cli.record.p.404", "The instance has no Systems_Security_TrustedApplications entity set at %s (HTTP 404): check the OData root, or check the fields below by hand.")
		}},
		{regexp.MustCompile(`^No Trusted App record has ApplicationUri (".*") on this instance: the client_id must match a record's ApplicationUri exactly \(case matters\), and each instance needs its own record\.$`), func() string {
			return lang.X("cli.record.p.none", "No Trusted App record has ApplicationUri %s on this instance: the client_id must match a record's ApplicationUri exactly (case matters), and each instance needs its own record.")
		}},
		{regexp.MustCompile(`^No record has ApplicationUri (".*"), but (".*") differs only in case: use it exactly as the client_id\.$`), func() string {
			return lang.X("cli.record.p.case", "No record has ApplicationUri %s, but %s differs only in case: use it exactly as the client_id.")
		}},
		{regexp.MustCompile(`^(\d+) records share ApplicationUri (".*"); the first one is shown\.$`), func() string {
			return lang.X("cli.record.p.many", "%s records share ApplicationUri %s; the first one is shown.")
		}},
		{regexp.MustCompile(`^ApplicationSecretHash is empty: the app has no secret, so every token request gets invalid_client\. Put (\S+) in it\.$`), func() string {
			return lang.X("cli.record.n.hash_empty", "ApplicationSecretHash is empty: the app has no secret, so every token request gets invalid_client. Put %s in it.")
		}},
		{regexp.MustCompile(`^The record could not be read: (.*)$`), func() string {
			return lang.X("cli.record.p.unread", "The record could not be read: %s")
		}},
	}
}

// recordIn says one of check's checklist texts in the run's language; a text check
// makes that is not known here, or a value from the record, stays as it is.
func recordIn(s string) string {
	if lang.Localizer().Code() == "en" || s == "" {
		return s
	}
	if t, ok := recordWords()[s]; ok {
		return t
	}
	for _, p := range recordPatterns() {
		if m := p.re.FindStringSubmatch(s); m != nil {
			args := make([]any, len(m)-1)
			for i, g := range m[1:] {
				args[i] = g
			}
			return fmt.Sprintf(p.say(), args...)
		}
	}
	return s
}
