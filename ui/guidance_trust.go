package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/safetext"
)

// The credential boundary in Guidance: when the credential gate refused the access
// token to a host the profile does not name (the instance's auto-discovery names an
// API site elsewhere), the one action is to confirm that host for the profile, after
// saying what that means. The host is then the user's own setting, which every report
// lists.

// refusedHost is the host a finding is about, when confirming it is the fix: the
// origin the gate refused the token, or the API site auto-discovery named elsewhere.
func refusedHost(f check.Finding) string {
	switch f.Code {
	case check.GateTokenForeignHost:
		return f.Evidence[check.EvRefusedHost]
	case check.ReachAPIHostForeign:
		return f.Evidence[check.EvHost]
	}
	return ""
}

// trustOffer is the box under such a finding's explanation: "Trust this host for this
// profile…".
func (g *guidanceTab) trustOffer(host string) fyne.CanvasObject {
	text := wrapLabel(lang.X("app.trust.offer", "Only if {{.Host}} really serves this instance (ask its administrator): confirm it once for “{{.Name}}”, and its access token may go there from then on. Nothing is sent until you do.",
		map[string]any{"Host": safetext.Line(host), "Name": g.p.Name}))
	btn := newButton(lang.X("app.trust.button", "Trust this host for this profile…"), theme.ConfirmIcon(), func() { g.sh.trustHost(g.p.Name, host) })
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.WarningIcon())), nil, container.NewVBox(text, container.NewHBox(btn)))
}

// trustHost asks before letting the access token of the profile called name go to host,
// and keeps the answer in the profile (guidanceShell).
func (u *UI) trustHost(name, host string) {
	h := safetext.Line(host)
	data := map[string]any{"Host": h, "Name": name}
	msg := lang.X("app.trust.ask", "From now on the access token of “{{.Name}}” may be sent to {{.Host}}, besides the instance.\n\n"+
		"Do this only if {{.Host}} is this instance's own Domain or Table API site: a token sent to another server lets it act as the Trusted App's System User until the token expires.\n\n"+
		"The host is kept in the profile (Confirmed hosts, in the editor's Advanced section), and every report lists it as your setting.", data)
	askYesNo(u.win, lang.X("app.trust.title", "Trust {{.Host}} for “{{.Name}}”?", data), msg, lang.X("app.cancel", "Cancel"), lang.X("app.trust.yes", "Trust this host"), widget.WarningImportance, func(ok bool) {
		if !ok {
			u.setStatus(lang.X("app.trust.no", "Nothing changed: {{.Host}} stays refused for “{{.Name}}”.", data))
			return
		}
		u.desk.ConfirmHost(name, host, func(err error) {
			if err != nil {
				u.showError(lang.X("app.trust.failed", "Could not confirm {{.Host}} for “{{.Name}}”", data), err, lang.X("app.trust.failed_fix", "Add it in the profile's editor (Advanced, Confirmed hosts) instead."))
				return
			}
			u.setStatus(lang.X("app.trust.done", "“{{.Name}}” now sends its access token to {{.Host}} too. Test it again to use it.", data))
		})
	})
}
