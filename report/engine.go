package report

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/platform"
)

// The engine's words in the reader's language. check says what a step did in English
// (a step's name and summary, a finding's message, the session's cost) and keeps it
// so in the document, History and the JSON. A report in another language says them
// from what they are: a step's name from its kind, a summary by the sentences check
// makes (summaries, below; engine_test.go reads check's source so a new sentence
// cannot go unnoticed), a finding's message by its explanation's title, the session
// from its state and times. What matches none of them is shown as check said it.

// english reports whether lang speaks the engine's own language.
func english(lang *i18n.Localizer) bool { return lang.Code() == "en" }

// stepName is a step's name in lang: the engine's four steps by kind; an API call's
// name is its method and path, the same in every language.
func stepName(lang *i18n.Localizer, s Step) string {
	if english(lang) {
		return s.Name
	}
	switch s.Kind {
	case check.StepReachability:
		return lang.X("report.step.reachability", "Reachability")
	case check.StepDiscovery:
		return lang.X("report.step.discovery", "Discovery")
	case check.StepToken:
		return lang.X("report.step.token", "Token")
	case check.StepInspect:
		return lang.X("report.step.inspect", "Inspect token")
	case check.StepIdentity:
		return lang.X("report.step.identity", "Whom the token acts as")
	}
	return s.Name
}

// summary is one kind of sentence check makes of a step: re matches it, and its
// groups fill the English format's verbs in turn (the test checks that the format
// filled with the groups gives the sentence back).
type summary struct {
	re     *regexp.Regexp
	say    func(lang *i18n.Localizer) string // the sentence's format in lang
	groups func(lang *i18n.Localizer, g []string) []any
}

func exact(s string, say func(*i18n.Localizer) string) summary {
	return summary{re: regexp.MustCompile("^" + regexp.QuoteMeta(s) + "$"), say: say}
}

func pattern(re string, say func(*i18n.Localizer) string) summary {
	return summary{re: regexp.MustCompile("^" + re + "$"), say: say}
}

// summaries are the sentences check/run.go, discovery.go, reachability.go, token.go,
// inspect.go and api.go make, and fleet's and the CLI's reasons for skipped calls
// (those of trustedapp-check are said in the reader's language where they are made).
var summaries = []summary{
	exact("Skipped: the instance could not be reached.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_unreachable", "Skipped: the instance could not be reached.")
	}),
	exact("Skipped: the run was cancelled.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_cancelled", "Skipped: the run was cancelled.")
	}),
	exact("Skipped: no token was issued.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_no_token", "Skipped: no token was issued.")
	}),
	exact("Skipped: fix the profile first.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_profile", "Skipped: fix the profile first.")
	}),
	exact("Skipped: the authority is id.erp.net, which issues no tokens for instance APIs.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_global_idp", "Skipped: the authority is id.erp.net, which issues no tokens for instance APIs.")
	}),
	exact("Skipped: the identity server could not be reached.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_idp_unreachable", "Skipped: the identity server could not be reached.")
	}),
	exact("Skipped: the API calls were not run.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_calls", "Skipped: the API calls were not run.")
	}),
	pattern(`Skipped: profile (".*") of the same Trusted App \((.*)\) already holds this run's ERP\.net session; one session per Trusted App\. Check this profile alone to run its calls\.`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_holder", "Skipped: profile %s of the same Trusted App (%s) already holds this run's ERP.net session; one session per Trusted App. Check this profile alone to run its calls.")
	}),
	exact("Skipped: the profile's credential is not a reference token.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_not_reference", "Skipped: the profile's credential is not a reference token.")
	}),
	exact("Skipped: a reference token is sent to the API as it is, so the identity server's OpenID configuration and signing keys are not needed.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_reference_discovery", "Skipped: a reference token is sent to the API as it is, so the identity server's OpenID configuration and signing keys are not needed.")
	}),
	exact("Skipped: a reference token (PAT or SAT) is made by hand in ERP.net and kept in the keychain as this profile's credential; nothing is requested from the identity server.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_reference_token", "Skipped: a reference token (PAT or SAT) is made by hand in ERP.net and kept in the keychain as this profile's credential; nothing is requested from the identity server.")
	}),
	exact("Skipped: Basic authentication does not use the identity server.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_basic_discovery", "Skipped: Basic authentication does not use the identity server.")
	}),
	exact("Skipped: Basic authentication sends the user's login and password with every API call; no token is requested.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_basic_token", "Skipped: Basic authentication sends the user's login and password with every API call; no token is requested.")
	}),
	exact("Skipped: Basic authentication has no token to inspect.", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_basic_inspect", "Skipped: Basic authentication has no token to inspect.")
	}),
	{re: regexp.MustCompile(`^Skipped: set the profile's (.+) first\.$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.skipped_set_secret", "Skipped: set the profile's %s first.")
	}, groups: secretNames},
	{re: regexp.MustCompile(`^The stored credential is a (.+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.stored_credential", "The stored credential is a %s")
	}, groups: secretNames},
	exact("No reference token", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_reference_token", "No reference token")
	}),
	exact("Not a reference token", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.not_reference_token", "Not a reference token")
	}),
	exact("Acts as: not known; expiry not known", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_unknown_expiry_unknown", "Acts as: not known; expiry not known")
	}),
	pattern(`Acts as: not known; expires (.+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_unknown_expires", "Acts as: not known; expires %s")
	}),
	{re: regexp.MustCompile(`^Acts as (.+); expiry not known$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_as_expiry_unknown", "Acts as %s; expiry not known")
	}, groups: actsAsFirst},
	{re: regexp.MustCompile(`^Acts as (.+); expires (.+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_as_expires", "Acts as %s; expires %s")
	}, groups: actsAsFirst},
	exact("Acts as: not known", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_unknown", "Acts as: not known")
	}),
	{re: regexp.MustCompile(`^Acts as (.+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.acts_as", "Acts as %s")
	}, groups: actsAsFirst},
	exact("Wrong authority (id.erp.net)", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.global_idp", "Wrong authority (id.erp.net)")
	}),
	exact("OpenID configuration too large", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.discovery_too_large", "OpenID configuration too large")
	}),
	exact("No OpenID configuration (404)", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.discovery_404", "No OpenID configuration (404)")
	}),
	exact("Unreadable OpenID configuration", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.discovery_unreadable", "Unreadable OpenID configuration")
	}),
	pattern(`Token endpoint (.+) is not the authority's`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.token_endpoint_foreign", "Token endpoint %s is not the authority's")
	}),
	pattern(`Token endpoint (.+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.token_endpoint", "Token endpoint %s")
	}),
	exact("Malformed token", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.malformed_token", "Malformed token")
	}),
	exact("Reference token (enrt_), not readable", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.reference_token", "Reference token (enrt_), not readable")
	}),
	pattern(`Reference token …(\S+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.reference_token_last6", "Reference token …%s")
	}),
	exact("Opaque token, not readable", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.opaque_token", "Opaque token, not readable")
	}),
	{re: regexp.MustCompile(`^System User (.*), scopes \[(.*)\], signature (\w+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.claims", "System User %s, scopes [%s], signature %s")
	}, groups: signatureLast},
	{re: regexp.MustCompile(`^no System User, scopes \[(.*)\], signature (\w+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.claims_no_user", "no System User, scopes [%s], signature %s")
	}, groups: signatureLast},
	pattern(`Cannot reach (.+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.cannot_reach", "Cannot reach %s")
	}),
	exact("The instance stopped answering", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.stopped_answering", "The instance stopped answering")
	}),
	exact("Cancelled", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.cancelled", "Cancelled")
	}),
	exact("Reachable", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.reachable", "Reachable")
	}),
	pattern(`Reachable, version (.+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.reachable_version", "Reachable, version %s")
	}),
	exact("The instance answers with errors", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.answers_with_errors", "The instance answers with errors")
	}),
	pattern(`The profile cannot be used: (.+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.profile_unusable", "The profile cannot be used: %s")
	}),
	pattern(`Reused a cached token …(\S+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.cached_token", "Reused a cached token …%s")
	}),
	exact("No client_id", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_client_id", "No client_id")
	}),
	exact("No token: answer too large", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_token_too_large", "No token: answer too large")
	}),
	exact("No token: HTML page", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_token_html", "No token: HTML page")
	}),
	exact("No token: unusable response", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_token_unusable", "No token: unusable response")
	}),
	pattern(`No token: (\S+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_token", "No token: %s")
	}),
	pattern(`Token …(\S+) issued, expires in (\S+) \((\d+) ms\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.issued_expires_ms", "Token …%s issued, expires in %s (%s ms)")
	}),
	pattern(`Token …(\S+) issued, expires in (\S+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.issued_expires", "Token …%s issued, expires in %s")
	}),
	pattern(`Token …(\S+) issued \((\d+) ms\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.issued_ms", "Token …%s issued (%s ms)")
	}),
	pattern(`Token …(\S+) issued`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.issued", "Token …%s issued")
	}),
	exact("No token supplied", func(lang *i18n.Localizer) string {
		return lang.X("report.summary.no_token_supplied", "No token supplied")
	}),
	pattern(`Supplied token …(\S+) \(not requested\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.summary.supplied_token", "Supplied token …%s (not requested)")
	}),
	{re: regexp.MustCompile(`^(\d{3}) (.*) in (\d+) ms, (.+)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.summary.api", "%s %s in %s ms, %s")
	}, groups: func(lang *i18n.Localizer, g []string) []any {
		return []any{g[0], g[1], g[2], byteSizeIn(lang, g[3])}
	}},
}

// secretNames says the groups, what the keychain holds for a profile (a client
// secret, a reference token, a password), in lang.
func secretNames(lang *i18n.Localizer, g []string) []any {
	out := make([]any, len(g))
	for i, s := range g {
		out[i] = secretNameIn(lang, s)
	}
	return out
}

// secretNameIn says profiles.Kind.SecretName's English in lang.
func secretNameIn(lang *i18n.Localizer, s string) string {
	switch s {
	case "client secret":
		return lang.X("report.secret_name.client_secret", "client secret")
	case "reference token":
		return lang.X("report.secret_name.reference_token", "reference token")
	case "password":
		return lang.X("report.secret_name.password", "password")
	}
	return s
}

// signatureLast says the last group, a signature state, in lang.
func signatureLast(lang *i18n.Localizer, g []string) []any {
	out := make([]any, len(g))
	for i, s := range g {
		out[i] = s
	}
	out[len(g)-1] = signatureIn(lang, g[len(g)-1])
	return out
}

var byteSizeRE = regexp.MustCompile(`^(\d+) bytes$`)

// byteSizeIn says check's byte size ("512 bytes", "1.5 KiB") in lang.
func byteSizeIn(lang *i18n.Localizer, s string) string {
	if m := byteSizeRE.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf(lang.X("report.bytes", "%s bytes"), m[1])
	}
	return s
}

// summaryIn says a step's summary in lang: by the sentences check makes, or, for a
// step summed up by its finding's message, by that finding's explanation's title.
func summaryIn(lang *i18n.Localizer, s Step) string {
	if english(lang) || s.Summary == "" {
		return s.Summary
	}
	if t, ok := translateSummary(lang, s.Summary); ok {
		return t
	}
	for _, f := range s.Findings {
		if f.Message == s.Summary {
			return messageIn(lang, f)
		}
	}
	return s.Summary
}

// translateSummary says one of check's sentences in lang; ok is false for a sentence
// check does not make.
func translateSummary(lang *i18n.Localizer, s string) (string, bool) {
	return sayBy(lang, summaries, s)
}

// messageIn is a finding's message in lang: check's own in English; else its
// explanation's title, which says the same in lang (a code guide does not know keeps
// check's message).
func messageIn(lang *i18n.Localizer, f Finding) string {
	if english(lang) || f.Explanation == nil || f.Explanation.Generic || f.Explanation.Title == "" {
		return f.Message
	}
	return f.Explanation.Title
}

// signatureIn says a token's signature state (tokenview.Signature: verified,
// not_checked, ...) in lang; the state itself is what the JSON holds.
func signatureIn(lang *i18n.Localizer, s string) string {
	if english(lang) {
		return s
	}
	switch s {
	case "verified":
		return lang.X("report.signature.verified", "verified")
	case "invalid":
		return lang.X("report.signature.invalid", "invalid")
	case "unknown_kid":
		return lang.X("report.signature.unknown_kid", "unknown_kid (no key with this kid)")
	case "alg_not_allowed":
		return lang.X("report.signature.alg_not_allowed", "alg_not_allowed (an algorithm not allowed)")
	case "not_checked":
		return lang.X("report.signature.not_checked", "not_checked (no keys to check it with)")
	case "crit_unsupported":
		return lang.X("report.signature.crit_unsupported", "crit_unsupported (an unsupported critical header)")
	case "key_not_for_signing":
		return lang.X("report.signature.key_not_for_signing", "key_not_for_signing (the key is not for signatures)")
	}
	return s
}

// sessionIn says the session's cost in lang: check's own summary in English; in
// another language, from the session's state and times the way check does.
func sessionIn(lang *i18n.Localizer, sc *check.SessionCost) string {
	if english(lang) {
		return sc.Summary
	}
	clock := func(t time.Time) string { return t.Local().Format("15:04:05 MST") }
	var s string
	switch {
	case sc.State == check.SessionNone:
		switch {
		case strings.Contains(sc.Summary, "(--no-api)"):
			s = lang.X("report.session.none_no_api", "No ERP.net session was opened: the run made no API call (--no-api), so it used no licence slot.")
		case strings.Contains(sc.Summary, "a token only"):
			s = lang.X("report.session.none_token_only", "No ERP.net session was opened: the run asked for a token only and made no API call, so it used no licence slot.")
		default:
			s = lang.X("report.session.none", "No ERP.net session was opened: no API call reached the instance, so no licence slot was used.")
		}
	case sc.State == check.SessionOpened:
		s = fmt.Sprintf(lang.X("report.session.opened", "This run opened a new ERP.net session at %s (the token's first API call); it may hold one licence slot until %s (20 minutes after its last call), and at most until %s (1 hour after it opened)."),
			clock(sc.OpenedAt), clock(sc.IdleUntil), clock(sc.LatestUntil))
	case sc.State == check.SessionReused:
		s = fmt.Sprintf(lang.X("report.session.reused", "This run reused the ERP.net session an earlier run opened at %s with the same token: no new licence slot. The session may hold its slot until %s (20 minutes after this run's last call), and at most until %s (1 hour after it opened)."),
			clock(sc.OpenedAt), clock(sc.IdleUntil), clock(sc.LatestUntil))
	case sc.State == check.SessionUnknown && strings.HasPrefix(sc.Summary, "The reference token's "):
		s = fmt.Sprintf(lang.X("report.session.unknown_reference", "The reference token's API calls ran in its ERP.net session (opened now unless another use of the same credential had one open); it may hold one licence slot until %s (20 minutes after the last call). The one-hour limit the docs give is for client-credentials sessions; they say no other for this kind."),
			clock(sc.IdleUntil))
	case sc.State == check.SessionUnknown && strings.HasPrefix(sc.Summary, "The Basic sign-in's "):
		s = fmt.Sprintf(lang.X("report.session.unknown_basic", "The Basic sign-in's API calls ran in its ERP.net session (opened now unless another use of the same credential had one open); it may hold one licence slot until %s (20 minutes after the last call). The one-hour limit the docs give is for client-credentials sessions; they say no other for this kind."),
			clock(sc.IdleUntil))
	case sc.State == check.SessionUnknown:
		s = fmt.Sprintf(lang.X("report.session.unknown", "The supplied token's API calls ran in its session (opened now unless it had one); that session may hold one licence slot until %s (20 minutes after the last call), and at most an hour after it opened."),
			clock(sc.IdleUntil))
	default:
		return sc.Summary
	}
	switch {
	case sc.State == check.SessionUnknown:
	case sc.TokenReuse == check.KeptInKeychain:
		s += " " + fmt.Sprintf(lang.X("report.session.kept_keychain", "The token is kept in %s, so the next runs reuse it and its session instead of opening new ones."), guide.KeychainIn(lang, platform.Current()))
	case sc.TokenReuse == check.KeptInMemory:
		s += " " + fmt.Sprintf(lang.X("report.session.kept_memory", "The token is kept in memory only%s, so another process or a restart requests a new token, whose first API call opens a new session."), reuseWhy(lang, sc))
	case sc.TokenReuseNote != "":
		s += " " + fmt.Sprintf(lang.X("report.session.not_kept", "The token is not kept for reuse%s."), reuseWhy(lang, sc))
	}
	return s
}

func reuseWhy(lang *i18n.Localizer, sc *check.SessionCost) string {
	n := sc.TokenReuseNote
	switch n {
	case "":
		return ""
	case "a reference token is the profile's credential, kept in the keychain as its secret, never cached as a token":
		n = lang.X("report.session.reuse_reference", "a reference token is the profile's credential, kept in the keychain as its secret, never cached as a token")
	case "Basic authentication has no token":
		n = lang.X("report.session.reuse_basic", "Basic authentication has no token")
	case "a supplied token is never cached":
		n = lang.X("report.session.reuse_supplied", "a supplied token is never cached")
	}
	return " (" + n + ")"
}

// StepIn says a step the way a progress line shows it as it finishes, in lang: its
// verdict as a word (pass, fail: the verdict's own name in English), its name and its
// summary.
func StepIn(lang *i18n.Localizer, s check.Step) (verdict, name, summary string) {
	st := buildStep(s)
	for i := range st.Findings {
		explainIn(lang, &st.Findings[i])
	}
	return VerdictIn(lang, s.Verdict), stepName(lang, st), summaryIn(lang, st)
}

// VerdictIn is a verdict as a word (pass, warn, fail, skipped), in lang.
func VerdictIn(lang *i18n.Localizer, v check.Verdict) string {
	switch v {
	case check.Pass:
		return lang.X("report.verdict.pass", "pass")
	case check.Warn:
		return lang.X("report.verdict.warn", "warn")
	case check.Fail:
		return lang.X("report.verdict.fail", "fail")
	case check.Skipped:
		return lang.X("report.verdict.skipped", "skipped")
	}
	return string(v)
}
