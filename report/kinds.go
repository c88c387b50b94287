package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
	"trustedapp-tester/profiles"
)

// The profile kinds in every format: how the run signed in (profile.kind, profile.user),
// whom a reference token acts as and when it expires (reference_token), the Basic
// sign-in (basic) and, for Basic, the move to client credentials step by step
// (move_to_client_credentials, from ERP.net's migration page).

// buildKind fills the document's kind fields from the run and its profile.
func buildKind(d *Document, r check.Report, p profiles.Profile) {
	kind := r.Kind
	if kind == "" && p.Kind != "" && p.KindOf() != profiles.KindClientCredentials {
		kind = string(p.KindOf())
	}
	if kind == "" {
		return
	}
	if d.Profile != nil {
		d.Profile.Kind = kind
		d.Profile.AuthMethod = "" // no token request
		if kind == string(profiles.KindBasic) {
			d.Profile.User = Scrub(p.User)
		}
	}
	if kind == string(profiles.KindReferenceToken) {
		// A reference token has no claims to show: reference_token says what is known.
		d.Claims, d.LeastPrivilege = nil, nil
	}
	if ref := r.Reference; ref != nil {
		cp := *ref
		cp.ActsAs, cp.User, cp.UserName = Scrub(cp.ActsAs), Scrub(cp.User), Scrub(cp.UserName)
		cp.Unknown = nil
		for _, u := range ref.Unknown {
			cp.Unknown = append(cp.Unknown, Scrub(u))
		}
		if ref.Record != nil {
			rec := *ref.Record
			rec.Actor, rec.Client, rec.Description = Scrub(rec.Actor), Scrub(rec.Client), Scrub(rec.Description)
			cp.Record = &rec
		}
		d.ReferenceToken = &cp
	}
	if b := r.Basic; b != nil {
		cp := check.BasicInfo{User: Scrub(b.User), App: Scrub(b.App)}
		d.Basic = &cp
	}
	if kind == string(profiles.KindBasic) {
		user := p.User
		if r.Basic != nil {
			user = r.Basic.User
		}
		d.MoveToClientCredentials = migrationIn(nil, user)
	}
}

// kindText is how the run signed in, in words ("" for client credentials), in lang.
func kindText(d Document, lang *i18n.Localizer) string {
	if d.Profile == nil {
		return ""
	}
	switch d.Profile.Kind {
	case string(profiles.KindReferenceToken):
		return lang.X("report.kind.reference_token", "a reference token (PAT or SAT), sent to the API as it is")
	case string(profiles.KindBasic):
		app := profiles.BasicAuthApp
		if d.Basic != nil && d.Basic.App != "" {
			app = d.Basic.App
		}
		return fmt.Sprintf(lang.X("report.kind.basic", "legacy Basic authentication as %s (Trusted App %s)"), line(d.Profile.User), line(app))
	}
	return ""
}

// writeKindHeaderText names how the run signed in, under the text report's header.
func writeKindHeaderText(b *bytes.Buffer, d Document) {
	if k := kindText(d, d.lang); k != "" {
		fmt.Fprintf(b, d.lang.X("report.text.signs_in_with", "Signs in with %s")+"\n", k)
	}
}

// writeKindIdentityText is the identity block of a reference-token or basic run, and
// reports whether it wrote one (then the token's claims say nothing more).
func writeKindIdentityText(b *bytes.Buffer, d Document, lb identity) bool {
	lang := d.lang
	switch {
	case d.ReferenceToken != nil:
		ref := d.ReferenceToken
		b.WriteByte('\n')
		fmt.Fprintf(b, "%s%s\n", lb.actsAs, line(orText(actsAsIn(lang, ref.ActsAs), notKnown(lang))))
		if ref.Type != "" {
			fmt.Fprintf(b, "%s%s\n", lb.kind, line(ref.Type))
		}
		if rec := ref.Record; rec != nil {
			fmt.Fprintf(b, "%s%s\n", lb.expires, line(timeText(rec.Expires, notGiven(lang))))
			fmt.Fprintf(b, "%s%s\n", lb.lastUsed, line(timeText(rec.LastUsed, never(lang))))
			if len(rec.Scopes) > 0 {
				fmt.Fprintf(b, "%s%s\n", lb.scopes, line(strings.Join(rec.Scopes, " ")))
			}
		} else {
			fmt.Fprintf(b, "%s%s\n", lb.expires, notKnown(lang))
		}
		for _, u := range ref.Unknown {
			fmt.Fprintf(b, "%s%s\n", lb.unknown, line(unknownIn(lang, u)))
		}
		if t := d.Token; t != nil && t.Fingerprint != "" {
			fmt.Fprintf(b, "%s…%s (sha256 %s)\n", lb.token, line(t.Last6), line(t.Fingerprint))
		}
		return true
	case d.Basic != nil:
		fmt.Fprintf(b, "\n%s"+lang.X("report.text.signed_in_basic", "%s (Basic, Trusted App %s)")+"\n", lb.signedIn, line(d.Basic.User), line(d.Basic.App))
		return true
	}
	return false
}

func notKnown(lang *i18n.Localizer) string { return lang.X("report.kind.not_known", "not known") }
func notGiven(lang *i18n.Localizer) string { return lang.X("report.kind.not_given", "not given") }
func never(lang *i18n.Localizer) string    { return lang.X("report.kind.never", "never") }

// writeMigrationText is the text report's move to client credentials.
func writeMigrationText(b *bytes.Buffer, d Document) {
	if len(d.MoveToClientCredentials) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s\n", d.lang.X("report.text.migration", "Move this integration to client credentials (ERP.net's migration page):"))
	for i, s := range d.MoveToClientCredentials {
		fmt.Fprintf(b, "  %d. %s\n", i+1, line(s))
	}
}

// writeKindMarkdown is the Markdown report's sign-in, identity and migration sections.
func writeKindMarkdown(b *bytes.Buffer, d Document, row func(k, v string)) {
	lang := d.lang
	if k := kindText(d, lang); k != "" {
		b.WriteString("\n## " + lang.X("report.md.sign_in", "Sign-in") + "\n\n| | |\n|---|---|\n")
		row(lang.X("report.md.signs_in_with", "Signs in with"), k)
	}
	if ref := d.ReferenceToken; ref != nil {
		row(lang.X("report.md.acts_as_plain", "Acts as"), orText(actsAsIn(lang, ref.ActsAs), notKnown(lang)))
		row(lang.X("report.md.reference_kind", "Reference token kind"), ref.Type)
		if rec := ref.Record; rec != nil {
			row(lang.X("report.md.expires", "Expires"), timeText(rec.Expires, notGiven(lang)))
			row(lang.X("report.md.last_used", "Last used"), timeText(rec.LastUsed, never(lang)))
			row(lang.X("report.md.scopes", "Scopes"), strings.Join(rec.Scopes, " "))
			row(lang.X("report.md.description", "Description"), rec.Description)
		}
		for _, u := range ref.Unknown {
			row(lang.X("report.md.not_known", "Not known"), unknownIn(lang, u))
		}
	}
	if len(d.MoveToClientCredentials) > 0 {
		b.WriteString("\n## " + lang.X("report.md.migration", "Move this integration to client credentials") + "\n\n" +
			lang.X("report.md.migration_lead", "From ERP.net's migration page (Basic is accepted during the coexistence period only):") + "\n\n")
		for i, s := range d.MoveToClientCredentials {
			fmt.Fprintf(b, "%d. %s\n", i+1, mdText(s))
		}
	}
}

// kindProps are the JUnit suite properties of a reference-token or basic run.
func kindProps(d Document) []junitProp {
	var out []junitProp
	if d.Profile != nil && d.Profile.Kind != "" {
		out = append(out, junitProp{"kind", d.Profile.Kind})
	}
	if ref := d.ReferenceToken; ref != nil {
		out = append(out, junitProp{"acts_as", ref.ActsAs})
		if ref.Record != nil && !ref.Record.Expires.IsZero() {
			out = append(out, junitProp{"expires", ref.Record.Expires.UTC().Format(time.RFC3339)})
		}
	}
	if bi := d.Basic; bi != nil {
		out = append(out, junitProp{"user", bi.User})
	}
	return out
}

func orText(s, or string) string {
	if strings.TrimSpace(s) == "" {
		return or
	}
	return s
}

func timeText(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return t.UTC().Format(time.RFC3339)
}

// profileIDText is what the text report's header says of the profile's Trusted App:
// its client_id and auth method, or for the other kinds what they use of it, in lang.
func profileIDText(p Profile, lang *i18n.Localizer) string {
	switch p.Kind {
	case string(profiles.KindReferenceToken):
		if p.ClientID == "" {
			return lang.X("report.profile_id.reference_token", "reference token")
		}
		return fmt.Sprintf(lang.X("report.profile_id.reference_token_for", "reference token for %s"), line(p.ClientID))
	case string(profiles.KindBasic):
		return fmt.Sprintf(lang.X("report.profile_id.basic", "Basic as %s"), line(p.User))
	}
	return fmt.Sprintf(lang.X("report.profile_id.client", "client_id %s, auth %s"), line(p.ClientID), line(p.AuthMethod))
}
