package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"text/tabwriter"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/internal/safetext"
)

// The record values of a new Trusted App (check.AppSetup) as a support ticket holds
// them: text or JSON, with the secret's hash and never the secret (an AppSetup has no
// field for it).

// WriteSetupText writes the record values as a table.
func WriteSetupText(w io.Writer, s check.AppSetup) error { return WriteSetupTextIn(nil, w, s) }

// WriteSetupTextIn is WriteSetupText in lang: the field names and values stay as
// they are, the header and the notes are said in lang.
func WriteSetupTextIn(lang *i18n.Localizer, w io.Writer, s check.AppSetup) error {
	var b bytes.Buffer
	head := lang.X("report.setup.head", "Trusted App record values")
	if s.Profile != "" {
		head += fmt.Sprintf(lang.X("report.setup.for", " for %q"), safetext.Line(s.Profile))
	}
	if s.Instance != "" {
		head += fmt.Sprintf(lang.X("report.setup.on", " on %s"), safetext.Line(s.Instance))
	}
	fmt.Fprintf(&b, "%s\n(%s)\n\n", head, lang.X("report.setup.where", "enter them in Instance Manager -> Security -> Trusted Apps; on the hosted service, send them in a support ticket: they hold the secret's hash, never the secret"))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, v := range s.Values {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.Field, safetext.Line(setupValueIn(lang, v)), setupNoteIn(lang, v, s.ScopeReason))
	}
	tw.Flush()
	_, err := w.Write(ScrubBytes(b.Bytes()))
	return err
}

// setupValueIn is a record value in lang: the values are ERP.net's, but the
// placeholder for a name not chosen yet is words.
func setupValueIn(lang *i18n.Localizer, v check.RecordValue) string {
	if v.Field == "Name" && v.Value == "the integration's name" {
		return lang.X("report.setup.name_placeholder", "the integration's name")
	}
	return v.Value
}

// setupNoteIn says check's note on a record value in lang (check.NewAppSetup's
// notes, by field); a note it does not know stays as check said it.
func setupNoteIn(lang *i18n.Localizer, v check.RecordValue, reason string) string {
	if english(lang) {
		return v.Note
	}
	switch v.Field {
	case "Name":
		return lang.X("report.setup.note.name", "shown in Instance Manager only")
	case "ApplicationUri":
		if v.Value == "com.yourcompany/your-integration" {
			return lang.X("report.setup.note.uri_new", "a unique id in reverse host name style; it becomes the client_id of every token request")
		}
		return lang.X("report.setup.note.uri", "the profile's client_id, exactly (case matters); each instance needs its own record")
	case "ClientType":
		return lang.X("report.setup.note.client_type", "only a Confidential app has a secret and may use client credentials")
	case "ApplicationSecretHash":
		return lang.X("report.setup.note.hash", "base64(SHA-256(secret)): the hash, never the secret")
	case "SystemUserAllowed":
		return lang.X("report.setup.note.system_user_allowed", "client credentials signs in as the System User")
	case "SystemUser":
		return lang.X("report.setup.note.system_user", "a dedicated, Active user of type ApplicationUserNoLogin (one per integration), with only the roles it needs; not an administrator")
	case "Scope":
		return fmt.Sprintf(lang.X("report.setup.note.scope", "the narrowest that works: %s"), scopeReasonIn(lang, reason))
	case "IsEnabled":
		return lang.X("report.setup.note.is_enabled", "the kill switch: false refuses every token request at once")
	case "ReferenceTokens":
		return lang.X("report.setup.note.reference_tokens", "unless someone needs long-lived reference tokens")
	case "BasicAuthenticationAllowed":
		return lang.X("report.setup.note.basic", "legacy password sign-in is not needed")
	}
	return v.Note
}

var (
	narrowsTo  = regexp.MustCompile(`^(.*); the profile requests "(.*)": narrow it to "(.*)" too$`)
	reasonRead = regexp.MustCompile(`^every API call of the profile only reads \((\d+) calls?\)$`)
	reasonUpd  = regexp.MustCompile(`^every API call of the profile writes \((\d+) calls?\)$`)
	reasonBoth = regexp.MustCompile(`^the profile's API calls read \((\d+) calls?\) and write \((\d+) calls?\)$`)
)

// scopeReasonIn says check.NewAppSetup's reason for the Scope in lang.
func scopeReasonIn(lang *i18n.Localizer, why string) string {
	if m := narrowsTo.FindStringSubmatch(why); m != nil {
		return scopeReasonIn(lang, m[1]) + fmt.Sprintf(lang.X("report.setup.narrow_too", "; the profile requests %q: narrow it to %q too"), m[2], m[3])
	}
	calls := func(n string) string {
		c, _ := strconv.Atoi(n)
		return fmt.Sprintf(lang.XN("report.setup.calls", "%d calls", c), c)
	}
	switch {
	case why == "the default calls only read; add the integration's own calls to the profile to be sure":
		return lang.X("report.setup.reason_default", "the default calls only read; add the integration's own calls to the profile to be sure")
	case reasonRead.MatchString(why):
		return fmt.Sprintf(lang.X("report.setup.reason_read", "every API call of the profile only reads (%s)"), calls(reasonRead.FindStringSubmatch(why)[1]))
	case reasonUpd.MatchString(why):
		return fmt.Sprintf(lang.X("report.setup.reason_update", "every API call of the profile writes (%s)"), calls(reasonUpd.FindStringSubmatch(why)[1]))
	case reasonBoth.MatchString(why):
		m := reasonBoth.FindStringSubmatch(why)
		return fmt.Sprintf(lang.X("report.setup.reason_both", "the profile's API calls read (%s) and write (%s)"), calls(m[1]), calls(m[2]))
	}
	return why
}

// WriteSetupJSON writes the record values as indented JSON (docs/report-format.md).
func WriteSetupJSON(w io.Writer, s check.AppSetup) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(s)
}
