package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"trustedapp-tester/check"
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

func holderDevice(h check.LicenceHolder) string {
	if h.Device == "" {
		return "(no device)"
	}
	return h.Device
}

// writeHoldersText adds "Licences:" to the text report when the holders were asked for.
func writeHoldersText(b *bytes.Buffer, s *check.SessionCost) {
	if s == nil || s.HoldersState == "" {
		return
	}
	fmt.Fprintf(b, "Licences:  who holds them (Systems_Monitoring_CurrentSessions): %s\n", line(s.HoldersNote))
	if len(s.Holders) > 0 {
		fmt.Fprintf(b, "  %-20s %-20s %-20s %-14s %-14s %s\n", "login", "device", "applications", "last request", "expires", "frees by")
		for _, h := range s.Holders {
			fmt.Fprintf(b, "  %-20s %-20s %-20s %-14s %-14s %s\n", line(h.Login), line(holderDevice(h)), line(h.Applications),
				holderTime(h.LastRequest), holderTime(h.Expiry), holderTime(h.FreesBy))
		}
	}
	for _, l := range s.Licences {
		fmt.Fprintf(b, "  licence %s: %d in use%s\n", line(l.Code), l.Count, descIn(l.Description, line))
	}
}

func descIn(d string, esc func(string) string) string {
	if d == "" {
		return ""
	}
	return " (" + esc(d) + ")"
}

// writeHoldersMarkdown adds "Who holds the licences" to the Markdown report.
func writeHoldersMarkdown(b *bytes.Buffer, s *check.SessionCost) {
	if s == nil || s.HoldersState == "" {
		return
	}
	b.WriteString("\n### Who holds the licences\n\n" + mdText(s.HoldersNote) + "\n")
	if len(s.Holders) > 0 {
		b.WriteString("\n| Login | Device | Applications | Last request | Expires | Frees by |\n|---|---|---|---|---|---|\n")
		for _, h := range s.Holders {
			fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(h.Login), mdCell(holderDevice(h)), mdCell(h.Applications),
				holderTime(h.LastRequest), holderTime(h.Expiry), holderTime(h.FreesBy))
		}
	}
	if len(s.Licences) > 0 {
		var parts []string
		for _, l := range s.Licences {
			parts = append(parts, fmt.Sprintf("%s: %d in use%s", mdCell(l.Code), l.Count, descIn(l.Description, mdCell)))
		}
		b.WriteString("\nLicences: " + strings.Join(parts, "; ") + "\n")
	}
}
