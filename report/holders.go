package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/i18n"
)

// Who holds the licences (session.holders): the instance's sessions, read after a call
// was refused with MaximumLicenseCountExceeded, in the text and Markdown reports. The
// logins and device names are the instance's, shown with control characters escaped.

// holderTime is a time of a holder's session, in UTC like the reports' other times.
func holderTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("15:04:05 UTC")
}

func holderDevice(h check.LicenceHolder, lang *i18n.Localizer) string {
	if h.Device == "" {
		return lang.X("report.holders.no_device", "(no device)")
	}
	return h.Device
}

// writeHoldersText adds "Licences:" to the text report when the holders were asked for.
func writeHoldersText(b *bytes.Buffer, s *check.SessionCost, lb identity, lang *i18n.Localizer) {
	if s == nil || s.HoldersState == "" {
		return
	}
	fmt.Fprintf(b, "%s"+lang.X("report.text.holders", "who holds them (Systems_Monitoring_CurrentSessions): %s")+"\n", lb.licences, line(holdersNoteIn(lang, s)))
	if len(s.Holders) > 0 {
		cols := []string{lang.X("report.holders.col.login", "login"), lang.X("report.holders.col.device", "device"),
			lang.X("report.holders.col.applications", "applications"), lang.X("report.holders.col.last_request", "last request"),
			lang.X("report.holders.col.expires", "expires"), lang.X("report.holders.col.frees_by", "frees by")}
		row := func(c ...string) {
			fmt.Fprintf(b, "  %s %s %s %s %s %s\n", i18n.Pad(c[0], 20), i18n.Pad(c[1], 20), i18n.Pad(c[2], 20), i18n.Pad(c[3], 14), i18n.Pad(c[4], 14), c[5])
		}
		row(cols...)
		for _, h := range s.Holders {
			row(line(h.Login), line(holderDevice(h, lang)), line(h.Applications), holderTime(h.LastRequest), holderTime(h.Expiry), holderTime(h.FreesBy))
		}
	}
	for _, l := range s.Licences {
		fmt.Fprintf(b, "  "+lang.X("report.text.licence_in_use", "licence %s: %d in use%s")+"\n", line(l.Code), l.Count, descIn(l.Description, line))
	}
}

func descIn(d string, esc func(string) string) string {
	if d == "" {
		return ""
	}
	return " (" + esc(d) + ")"
}

// writeHoldersMarkdown adds "Who holds the licences" to the Markdown report.
func writeHoldersMarkdown(b *bytes.Buffer, s *check.SessionCost, lang *i18n.Localizer) {
	if s == nil || s.HoldersState == "" {
		return
	}
	b.WriteString("\n### " + lang.X("report.md.holders", "Who holds the licences") + "\n\n" + mdText(holdersNoteIn(lang, s)) + "\n")
	if len(s.Holders) > 0 {
		b.WriteString("\n| " + lang.X("report.md.holders_columns", "Login | Device | Applications | Last request | Expires | Frees by") + " |\n|---|---|---|---|---|---|\n")
		for _, h := range s.Holders {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(h.Login), mdCell(holderDevice(h, lang)), mdCell(h.Applications),
				holderTime(h.LastRequest), holderTime(h.Expiry), holderTime(h.FreesBy))
		}
	}
	if len(s.Licences) > 0 {
		var parts []string
		for _, l := range s.Licences {
			parts = append(parts, fmt.Sprintf(lang.X("report.md.licence_in_use", "%s: %d in use%s"), mdCell(l.Code), l.Count, descIn(l.Description, mdCell)))
		}
		b.WriteString("\n" + lang.X("report.md.licences", "Licences:") + " " + strings.Join(parts, "; ") + "\n")
	}
}
