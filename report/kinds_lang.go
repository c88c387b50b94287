package report

import (
	"fmt"
	"regexp"
	"strings"

	"trustedapp-tester/check"
	"trustedapp-tester/guide"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// What check learns of a reference token and of the licence holders, said in the
// reader's language: check keeps them in English in the document, History and the
// JSON (reference_token.unknown, session.holders_note); another language says them
// by the sentences check makes (kinds_lang_test.go reads check's source for them).
// What matches none is shown as check said it.

// unknowns are the reasons check/reftoken.go gives for what it could not read.
var unknowns = []summary{
	pattern(`whom it acts as: the Profile site's /me could not be asked \((.*)\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.me_not_asked", "whom it acts as: the Profile site's /me could not be asked (%s)")
	}),
	exact("whom it acts as: the Profile site's /me answered, but not with a user", func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.me_no_user", "whom it acts as: the Profile site's /me answered, but not with a user")
	}),
	pattern(`whom it acts as: the Profile site's /me answered HTTP (\d+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.me_status", "whom it acts as: the Profile site's /me answered HTTP %s")
	}),
	pattern(`when it expires: Systems_Security_AccessTokens could not be read \((.*)\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_not_read", "when it expires: Systems_Security_AccessTokens could not be read (%s)")
	}),
	exact("when it expires: reading Systems_Security_AccessTokens was refused (HTTP 403): the security namespace may need the sec scope, which ERP.net reserves for its internal use (dev auth/concepts/scopes.md), or the token's user may not read it", func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_403", "when it expires: reading Systems_Security_AccessTokens was refused (HTTP 403): the security namespace may need the sec scope, which ERP.net reserves for its internal use (dev auth/concepts/scopes.md), or the token's user may not read it")
	}),
	exact("when it expires: the instance does not serve Systems_Security_AccessTokens (HTTP 404; the model adds it in 26.2.0.13)", func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_404", "when it expires: the instance does not serve Systems_Security_AccessTokens (HTTP 404; the model adds it in 26.2.0.13)")
	}),
	pattern(`when it expires: reading Systems_Security_AccessTokens answered HTTP (\d+)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_status", "when it expires: reading Systems_Security_AccessTokens answered HTTP %s")
	}),
	exact("when it expires: Systems_Security_AccessTokens did not answer with OData JSON", func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_not_json", "when it expires: Systems_Security_AccessTokens did not answer with OData JSON")
	}),
	pattern(`when it expires: Systems_Security_AccessTokens lists no reference token for (.*)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_none", "when it expires: Systems_Security_AccessTokens lists no reference token for %s")
	}),
	pattern(`when it expires: Systems_Security_AccessTokens lists (\d+) reference tokens for (.*) and (\d+) of them were used during this run, so this token's cannot be told apart \(ERP\.net's docs do not say how a token maps to its record\)`, func(lang *i18n.Localizer) string {
		return lang.X("report.unknown.tokens_ambiguous", "when it expires: Systems_Security_AccessTokens lists %s reference tokens for %s and %s of them were used during this run, so this token's cannot be told apart (ERP.net's docs do not say how a token maps to its record)")
	}),
}

var satActsAs = regexp.MustCompile(`^the System User of Trusted App (.+)$`)

// actsAsIn says whom a reference token acts as (check's ReferenceInfo.ActsAs) in
// lang: a SAT's System User in words; a login stays as it is.
func actsAsIn(lang *i18n.Localizer, s string) string {
	if english(lang) {
		return s
	}
	if s == "the Trusted App's System User" {
		return lang.X("report.acts_as.sat", "the Trusted App's System User")
	}
	if m := satActsAs.FindStringSubmatch(s); m != nil {
		return fmt.Sprintf(lang.X("report.acts_as.sat_of", "the System User of Trusted App %s"), m[1])
	}
	return s
}

// actsAsFirst says the first group, whom a token acts as, in lang.
func actsAsFirst(lang *i18n.Localizer, g []string) []any {
	out := make([]any, len(g))
	for i, s := range g {
		out[i] = s
	}
	out[0] = actsAsIn(lang, g[0])
	return out
}

// unknownIn says one of a reference token's unknowns in lang.
func unknownIn(lang *i18n.Localizer, s string) string {
	if english(lang) {
		return s
	}
	if t, ok := sayBy(lang, unknowns, s); ok {
		return t
	}
	return s
}

// sayBy says s in lang by the first of table that matches it.
func sayBy(lang *i18n.Localizer, table []summary, s string) (string, bool) {
	for _, sm := range table {
		g := sm.re.FindStringSubmatch(s)
		if g == nil {
			continue
		}
		var args []any
		if sm.groups != nil {
			args = sm.groups(lang, g[1:])
		} else {
			for _, x := range g[1:] {
				args = append(args, x)
			}
		}
		return fmt.Sprintf(sm.say(lang), args...), true
	}
	return "", false
}

// holdersNoteIn says what was read of the licence holders (check/session_holders.go's
// note) in lang: from the session's holders in another language, the way check does.
func holdersNoteIn(lang *i18n.Localizer, sc *check.SessionCost) string {
	if english(lang) {
		return sc.HoldersNote
	}
	n := sc.HoldersNote
	if sc.HoldersState != check.HoldersRead {
		if t, ok := sayBy(lang, holderFailures, n); ok {
			return t
		}
		return n
	}
	var b strings.Builder
	switch c := len(sc.Holders); {
	case c == 0:
		b.WriteString(lang.X("report.holders.none", "Systems_Monitoring_CurrentSessions lists no session."))
	case strings.Contains(n, "(the first "):
		fmt.Fprintf(&b, lang.X("report.holders.first", "%d sessions hold licence slots (the first %d listed)."), c, c)
	default:
		b.WriteString(fmt.Sprintf(lang.XN("report.holders.count", "%d sessions hold licence slots.", c), c))
	}
	if len(sc.Holders) > 0 && !sc.Holders[0].FreesBy.IsZero() {
		b.WriteString(" " + fmt.Sprintf(lang.X("report.holders.frees_by", "The first frees its slot by %s if it stays idle (20 minutes after its last request, or its session's end)."),
			sc.Holders[0].FreesBy.Local().Format("15:04:05 MST")))
	}
	b.WriteString(" " + lang.X("report.holders.share", "Sessions of one user on one device may share a licence, so sessions and licences in use can differ."))
	return b.String()
}

// holderFailures are check's notes when the holders could not be read.
var holderFailures = []summary{
	pattern(`The instance would not show who holds them either: .*`, func(lang *i18n.Localizer) string {
		return lang.X("report.holders.exhausted", "The instance would not show who holds them either: reading Systems_Monitoring_CurrentSessions needs a session too, and no licence slot is free for this token (MaximumLicenseCountExceeded). A token whose session is still open, or whose System User has a reserved licence seat (license-slot.md: reserved seats “guarantee that specific users can always connect”), can read them; so can Instance Manager (api-best-practices.md: “Monitor session counts and license usage in the Instance Manager”). ERP.net's docs do not say whether the monitoring views can be read without a slot.")
	}),
	exact("The instance refused the token when asked who holds the licences (HTTP 401): get a fresh token and read them again.", func(lang *i18n.Localizer) string {
		return lang.X("report.holders.401", "The instance refused the token when asked who holds the licences (HTTP 401): get a fresh token and read them again.")
	}),
	exact("The System User behind this token may not read Systems_Monitoring_CurrentSessions (HTTP 403): read them with a profile whose System User may, or in Instance Manager.", func(lang *i18n.Localizer) string {
		return lang.X("report.holders.403", "The System User behind this token may not read Systems_Monitoring_CurrentSessions (HTTP 403): read them with a profile whose System User may, or in Instance Manager.")
	}),
	exact("This instance has no Systems_Monitoring_CurrentSessions (nor its name before version 24.1.5.35, Systems_Dmv_CurrentSessions): the view came in version 23.1.1.52. Instance Manager shows the sessions.", func(lang *i18n.Localizer) string {
		return lang.X("report.holders.404", "This instance has no Systems_Monitoring_CurrentSessions (nor its name before version 24.1.5.35, Systems_Dmv_CurrentSessions): the view came in version 23.1.1.52. Instance Manager shows the sessions.")
	}),
	{re: regexp.MustCompile(`^Who holds the licences could not be read: (.*)$`), say: func(lang *i18n.Localizer) string {
		return lang.X("report.holders.not_read", "Who holds the licences could not be read: %s")
	}, groups: func(lang *i18n.Localizer, g []string) []any {
		if t, ok := translateSummary(lang, g[0]); ok {
			return []any{t}
		}
		return []any{g[0]}
	}},
	pattern(`The instance answered, but not with a list of sessions \((.*)\)\.`, func(lang *i18n.Localizer) string {
		return lang.X("report.holders.not_a_list", "The instance answered, but not with a list of sessions (%s).")
	}),
}

// migrationIn is a basic run's move to client credentials in lang (guide's fix steps
// of basic.legacy for the run's user).
func migrationIn(lang *i18n.Localizer, user string) []string {
	var out []string
	for _, s := range guide.ExplainIn(lang, check.BasicLegacy, map[string]string{check.EvUser: user}).Steps {
		out = append(out, Scrub(s))
	}
	return out
}

// migrationUser is the login a basic document's migration steps name.
func (d Document) migrationUser() string {
	if d.Basic != nil {
		return d.Basic.User
	}
	if d.Profile != nil && d.Profile.Kind == string(profiles.KindBasic) {
		return d.Profile.User
	}
	return ""
}

// SecretNameIn names what the keychain holds for a profile of kind k (a client
// secret, a reference token, a password) in lang: profiles.Kind.SecretName in English.
func SecretNameIn(lang *i18n.Localizer, k profiles.Kind) string {
	return secretNameIn(lang, k.SecretName())
}

// KindLabelIn names the profile kind k in lang: profiles.Kind.Label in English (the
// editor's "Signs in with" choices, profiles show's Kind).
func KindLabelIn(lang *i18n.Localizer, k profiles.Kind) string {
	switch k {
	case profiles.KindReferenceToken:
		return lang.X("report.kind.label.reference_token", "Reference token (PAT or SAT)")
	case profiles.KindBasic:
		return lang.X("report.kind.label.basic", "Basic (user and password, legacy)")
	}
	return lang.X("report.kind.label.client_credentials", "Client credentials (Trusted App)")
}
