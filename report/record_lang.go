package report

import (
	"fmt"
	"regexp"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/safetext"
)

// The record checklist in a language. check.RecordChecklist, SecretHashRow and
// ReadRecord say their values, expectations, notes and problems in English (the JSON
// keeps them so); the CLI's record text and the app's Record tab say those known here
// in their language, by what check writes, and show the others as check wrote them
// (the comparison of a hash made the wrong way, a server's own words). The CLI's
// record_lang_test.go runs the checklist through every case so a new sentence of check
// fails there until it is here.

// recordWords are check's whole sentences and words in the checklist, by their
// English.
func recordWords(lang *i18n.Localizer) map[string]string {
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
		"None unless needed":                lang.X("cli.record.w.none_unless", "None unless needed"),
		"base64(SHA-256(the app's secret))": lang.X("cli.record.w.hash", "base64(SHA-256(the app's secret))"),
		"Must equal the profile's client_id: copy it exactly (whether ERP.net ignores case, its docs do not say).":                                                                                        lang.X("cli.record.n.uri", "Must equal the profile's client_id: copy it exactly (whether ERP.net ignores case, its docs do not say)."),
		"Set the profile's client_id to exactly this value.":                                                                                                                                              lang.X("cli.record.n.uri_fix", "Set the profile's client_id to exactly this value."),
		"A disabled app gets invalid_client at once.":                                                                                                                                                     lang.X("cli.record.n.enabled", "A disabled app gets invalid_client at once."),
		"Tick IsEnabled on the record: a disabled app gets invalid_client.":                                                                                                                               lang.X("cli.record.n.enabled_fix", "Tick IsEnabled on the record: a disabled app gets invalid_client."),
		"A Public app has no secret and cannot use client credentials.":                                                                                                                                   lang.X("cli.record.n.client_type", "A Public app has no secret and cannot use client credentials."),
		"Change ClientType to Confidential and give the app a secret (its hash goes in ApplicationSecretHash).":                                                                                           lang.X("cli.record.n.client_type_fix", "Change ClientType to Confidential and give the app a secret (its hash goes in ApplicationSecretHash)."),
		"Without it the token request gets unauthorized_client.":                                                                                                                                          lang.X("cli.record.n.allowed", "Without it the token request gets unauthorized_client."),
		"Tick SystemUserAllowed: client credentials signs in as the System User.":                                                                                                                         lang.X("cli.record.n.allowed_fix", "Tick SystemUserAllowed: client credentials signs in as the System User."),
		"Without one the token request gets unauthorized_client; its permissions decide what API calls may do.":                                                                                           lang.X("cli.record.n.user", "Without one the token request gets unauthorized_client; its permissions decide what API calls may do."),
		"Assign a valid System User (the docs' word; an existing, Active user), best of type ApplicationUserNoLogin, the type meant for integrations.":                                                    lang.X("cli.record.n.user_fix", "Assign a valid System User (the docs' word; an existing, Active user), best of type ApplicationUserNoLogin, the type meant for integrations."),
		"The record names another user than the token: the record changed after the token was issued, or the instance maps users differently.":                                                            lang.X("cli.record.n.user_other", "The record names another user than the token: the record changed after the token was issued, or the instance maps users differently."),
		"Space-separated and case-sensitive; a requested scope missing here gives invalid_scope.":                                                                                                         lang.X("cli.record.n.scope", "Space-separated and case-sensitive; a requested scope missing here gives invalid_scope."),
		"Fill Scope, e.g. read update: a token without scopes can call nothing.":                                                                                                                          lang.X("cli.record.n.scope_empty", "Fill Scope, e.g. read update: a token without scopes can call nothing."),
		"Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them.":                                                                          lang.X("cli.record.n.reference", "Reference tokens are on (ReferenceTokens; the dev docs call it AccessTokens); leave it None unless someone needs them."),
		"Legacy Basic authentication is on; turn it off unless an old client needs it.":                                                                                                                   lang.X("cli.record.n.basic", "Legacy Basic authentication is on; turn it off unless an old client needs it."),
		"The app has no secret, so every token request gets invalid_client: make one (trustedapp-check secret new) and put its hash here.":                                                                lang.X("cli.record.n.no_secret", "The app has no secret, so every token request gets invalid_client: make one (trustedapp-check secret new) and put its hash here."),
		"This tool holds no secret for the app, so the hash cannot be compared: set the profile's secret, or compute the hash with trustedapp-check secret hash and compare it by hand.":                  lang.X("cli.record.n.no_secret_here", "This tool holds no secret for the app, so the hash cannot be compared: set the profile's secret, or compute the hash with trustedapp-check secret hash and compare it by hand."),
		"Must hold the hash of the profile's secret, shown here ready to copy (it is not the secret): compare it in the record, or hand it to whoever can read the record or put it in a support ticket.": lang.X("cli.record.n.hash_unread", "Must hold the hash of the profile's secret, shown here ready to copy (it is not the secret): compare it in the record, or hand it to whoever can read the record or put it in a support ticket."),
		"The instance did not send ApplicationSecretHash: compare it by hand with the hash shown here (it is not the secret).":                                                                            lang.X("cli.record.n.hash_unsent", "The instance did not send ApplicationSecretHash: compare it by hand with the hash shown here (it is not the secret)."),
		"The instance refused the token (HTTP 401): run the test again for a fresh token.":                                                                                                                lang.X("cli.record.p.401", "The instance refused the token (HTTP 401): run the test again for a fresh token."),
		"The instance refused to show the record (HTTP 403). Two causes are possible, and the answer does not say which: the System User behind this token may not read Trusted Application records (its roles and permissions), or the instance asks for the sec scope for them, which no ordinary token can get: ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md). Read the record with a profile whose System User may, or copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included.": lang.X("cli.record.p.403", "The instance refused to show the record (HTTP 403). Two causes are possible, and the answer does not say which: the System User behind this token may not read Trusted Application records (its roles and permissions), or the instance asks for the sec scope for them, which no ordinary token can get: ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md). Read the record with a profile whose System User may, or copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included."),
		"The instance refused to show the record (HTTP 403): reading Systems_Security_TrustedApplications needs the sec scope, which no ordinary token can get: ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md). Copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included.":                                                                                                                                                                                                             lang.X("cli.record.p.403_sec", "The instance refused to show the record (HTTP 403): reading Systems_Security_TrustedApplications needs the sec scope, which no ordinary token can get: ERP.net's docs say sec “grants access to security namespace APIs (roles, permissions, etc.)” and is “reserved for ERP.net internal use only” (scopes.md), and that the Domain API route to Trusted Apps will go away because of it (register-trusted-app.md). Copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included."),
		"not in the form": lang.X("cli.record.v.not_in_form", "not in the form"),
		"AuthenticatedUsers (PATs by any user) or AdministratorsOnly (needed for SATs)":                                                                                                                                 lang.X("cli.record.w.reference_intended", "AuthenticatedUsers (PATs by any user) or AdministratorsOnly (needed for SATs)"),
		"The app issues reference tokens on purpose: None would let no one make them.":                                                                                                                                  lang.X("cli.record.n.reference_unread", "The app issues reference tokens on purpose: None would let no one make them."),
		"With None no reference token can be issued for this app: set AdministratorsOnly (SATs, and PATs by administrators) or AuthenticatedUsers (PATs by any signed-in user).":                                        lang.X("cli.record.n.reference_none", "With None no reference token can be issued for this app: set AdministratorsOnly (SATs, and PATs by administrators) or AuthenticatedUsers (PATs by any signed-in user)."),
		"Any signed-in user may make PATs for this app; a SAT needs AdministratorsOnly.":                                                                                                                                lang.X("cli.record.n.reference_users", "Any signed-in user may make PATs for this app; a SAT needs AdministratorsOnly."),
		"Only administrators make PATs or SATs for this app.":                                                                                                                                                           lang.X("cli.record.n.reference_admins", "Only administrators make PATs or SATs for this app."),
		"Nothing was pasted: copy the Trusted App's fields (ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope) from its form in ERP.net, one \"Field: value\" a line.": lang.X("cli.record.p.form_empty", "Nothing was pasted: copy the Trusted App's fields (ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope) from its form in ERP.net, one \"Field: value\" a line."),
		"No Trusted App field was recognised in the pasted text: write one \"Field: value\" a line, e.g. \"IsEnabled: true\", with the names ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope, ReferenceTokens, BasicAuthenticationAllowed.": lang.X("cli.record.p.form_no_field", "No Trusted App field was recognised in the pasted text: write one \"Field: value\" a line, e.g. \"IsEnabled: true\", with the names ApplicationUri, IsEnabled, ClientType, ApplicationSecretHash, SystemUserAllowed, SystemUser, Scope, ReferenceTokens, BasicAuthenticationAllowed."),
		"The pasted OData list does not hold a record object.": lang.X("cli.record.p.form_no_object", "The pasted OData list does not hold a record object."),
	}
}

// recordPattern is one of check's sentences with a value in it.
type recordPattern struct {
	re  *regexp.Regexp
	say func() string
}

func recordPatterns(lang *i18n.Localizer) []recordPattern {
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
		{regexp.MustCompile(`^No Trusted App record has ApplicationUri (".*") on this instance: the client_id must match a record's ApplicationUri, copied exactly, and each instance needs its own record\.$`), func() string {
			return lang.X("cli.record.p.none", "No Trusted App record has ApplicationUri %s on this instance: the client_id must match a record's ApplicationUri, copied exactly, and each instance needs its own record.")
		}},
		{regexp.MustCompile(`^No record has ApplicationUri (".*"), but (".*") differs only in case: use it exactly as the client_id \(whether ERP\.net's sign-in ignores case, its docs do not say\)\.$`), func() string {
			return lang.X("cli.record.p.case", "No record has ApplicationUri %s, but %s differs only in case: use it exactly as the client_id (whether ERP.net's sign-in ignores case, its docs do not say).")
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
		{regexp.MustCompile(`^The instance refused to show the record \(HTTP 403\): the token lacks the (".*") scope it asks for\. Request it, read with a profile whose token has it, or copy the values shown on the Trusted App's form in ERP\.net into this tool instead \(the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”\): the same checklist runs on them, the ApplicationSecretHash comparison included\.$`), func() string {
			return lang.X("cli.record.p.403_scope", "The instance refused to show the record (HTTP 403): the token lacks the %s scope it asks for. Request it, read with a profile whose token has it, or copy the values shown on the Trusted App's form in ERP.net into this tool instead (the record command's --from-form, or “the values on the Trusted App's form” in the Record tab's “Read with”): the same checklist runs on them, the ApplicationSecretHash comparison included.")
		}},
		{regexp.MustCompile(`^Copy (\w+) from the Trusted App's form to check it\.$`), func() string {
			return lang.X("cli.record.n.copy_from_form", "Copy %s from the Trusted App's form to check it.")
		}},
		{regexp.MustCompile(`^The pasted text is longer than (\d+) KiB: paste only the Trusted App's fields\.$`), func() string {
			return lang.X("cli.record.p.form_too_long", "The pasted text is longer than %s KiB: paste only the Trusted App's fields.")
		}},
		{regexp.MustCompile(`^The pasted text starts like JSON but is not a JSON object \((.*)\): paste the object, or "Field: value" lines\.$`), func() string {
			return lang.X("cli.record.p.form_not_json", "The pasted text starts like JSON but is not a JSON object (%s): paste the object, or \"Field: value\" lines.")
		}},
		{regexp.MustCompile(`^The pasted OData list holds (\d+) records: paste the one Trusted App to check\.$`), func() string {
			return lang.X("cli.record.p.form_many", "The pasted OData list holds %s records: paste the one Trusted App to check.")
		}},
	}
}

// RecordIn says one of check's checklist texts (a value, an expectation, a note, a
// problem) in lang; a text check makes that is not known here, or a value from the
// record, stays as it is.
func RecordIn(lang *i18n.Localizer, s string) string {
	if lang.Code() == "en" || s == "" {
		return s
	}
	if t, ok := recordWords(lang)[s]; ok {
		return t
	}
	for _, p := range recordPatterns(lang) {
		if m := p.re.FindStringSubmatch(s); m != nil {
			args := make([]any, len(m)-1)
			for i, g := range m[1:] {
				args[i] = g
			}
			return fmt.Sprintf(p.say(), args...)
		}
	}
	if t, ok := secretHashIn(lang, s); ok {
		return t
	}
	return FormNoteIn(lang, s)
}

// formPlace matches where a note of the form is: a line of the text, or a field of
// a pasted JSON object.
const formPlace = `(line \d+|field ".*")`

// formNotes are check's notes on the form's values (check.RecordForm.Notes), each with
// where it is first.
func formNotes(lang *i18n.Localizer) []recordPattern {
	return []recordPattern{
		{regexp.MustCompile(`^` + formPlace + `: (".*") is not a field the checklist uses; ignored\.$`), func() string {
			return lang.X("cli.record.form.not_a_field", "%s: %s is not a field the checklist uses; ignored.")
		}},
		{regexp.MustCompile(`^` + formPlace + `: (\w+) appears twice; the first value counts\.$`), func() string {
			return lang.X("cli.record.form.twice", "%s: %s appears twice; the first value counts.")
		}},
		{regexp.MustCompile(`^` + formPlace + `: (".*") has no value and is not a field name; ignored\.$`), func() string {
			return lang.X("cli.record.form.no_value_no_field", "%s: %s has no value and is not a field name; ignored.")
		}},
		{regexp.MustCompile(`^` + formPlace + `: (\w+) has no value \(a copy of a checkbox loses its state\): write true or false\.$`), func() string {
			return lang.X("cli.record.form.checkbox", "%s: %s has no value (a copy of a checkbox loses its state): write true or false.")
		}},
		{regexp.MustCompile(`^` + formPlace + `: (\w+) is (".*"), which is neither true nor false \(yes/no, 1/0, да/не\)\.$`), func() string {
			return lang.X("cli.record.form.not_bool", "%s: %s is %s, which is neither true nor false (yes/no, 1/0, да/не).")
		}},
		{regexp.MustCompile(`^` + formPlace + `: (\w+) has no value\.$`), func() string {
			return lang.X("cli.record.form.no_value", "%s: %s has no value.")
		}},
		{regexp.MustCompile(`^` + formPlace + ` (".*") holds a secret: the form never shows the secret, only ApplicationSecretHash\. Remove that line \(the secret stays in the profile, where this tool compares its hash\), and rotate the secret if the text was shared\.$`), func() string {
			return lang.X("cli.record.form.secret", "%s %s holds a secret: the form never shows the secret, only ApplicationSecretHash. Remove that line (the secret stays in the profile, where this tool compares its hash), and rotate the secret if the text was shared.")
		}},
		{regexp.MustCompile(`^(\d+) more lines were ignored or not understood\.$`), func() string {
			return lang.X("cli.record.form.more", "%s more lines were ignored or not understood.")
		}},
	}
}

var (
	formLine  = regexp.MustCompile(`^line (\d+)$`)
	formField = regexp.MustCompile(`^field (".*")$`)
)

// FormNoteIn says one of check's notes on the form's values (or a problem that names
// a line) in lang; the place it names too.
func FormNoteIn(lang *i18n.Localizer, s string) string {
	if lang.Code() == "en" || s == "" {
		return s
	}
	for _, p := range formNotes(lang) {
		if m := p.re.FindStringSubmatch(s); m != nil {
			args := make([]any, len(m)-1)
			for i, g := range m[1:] {
				switch {
				case i > 0:
				case formLine.MatchString(g):
					g = fmt.Sprintf(lang.X("cli.record.form.line", "line %s"), formLine.FindStringSubmatch(g)[1])
				case formField.MatchString(g):
					g = fmt.Sprintf(lang.X("cli.record.form.field", "field %s"), formField.FindStringSubmatch(g)[1])
				}
				args[i] = g
			}
			return fmt.Sprintf(p.say(), args...)
		}
	}
	return s
}

// FormSourceIn names where a record read from the form comes from (check.FormSource)
// in lang.
func FormSourceIn(lang *i18n.Localizer, s string) string {
	if s == check.FormSource {
		return lang.X("cli.record.form_source", "the values copied from the Trusted App's form")
	}
	return safetext.Line(s)
}
