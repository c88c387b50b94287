package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
)

// Guidance and who holds the licences: under MaximumLicenseCountExceeded's explanation,
// the instance's sessions the run read (session.holders), or why they could not be read
// and the offer to read them with another profile's token. Reading them needs a
// session too: the offer says what it costs.

// holdersView is the box under the licence refusal's explanation.
func (g *guidanceTab) holdersView() fyne.CanvasObject {
	sc := g.r.Session
	box := container.NewVBox(keyLabel("WHO HOLDS THE LICENCES"))
	if sc == nil || sc.HoldersState == "" {
		box.Add(wrapLabel(lang.X("app.holders.not_asked", "This run did not ask the instance who holds them.")))
	} else {
		box.Add(wrapLabel(sc.HoldersNote))
	}
	if sc != nil && len(sc.Holders) > 0 {
		var lines []string
		for _, h := range sc.Holders {
			lines = append(lines, holderLine(h))
		}
		box.Add(wrapLabel(strings.Join(lines, "\n")))
		var lic []string
		for _, l := range sc.Licences {
			s := lang.X("app.holders.in_use", "{{.Code}}: {{.Count}} in use", map[string]any{"Code": l.Code, "Count": l.Count})
			if l.Description != "" {
				s += " (" + l.Description + ")"
			}
			lic = append(lic, s)
		}
		if len(lic) > 0 {
			box.Add(wrapLabel(lang.X("app.holders.licences", "Licences: {{.List}}.", map[string]any{"List": strings.Join(lic, "; ")})))
		}
	}
	if sc != nil && sc.HoldersState == check.HoldersRead {
		return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.AccountIcon())), nil, box)
	}
	box.Add(g.holdersOffer())
	return container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(theme.AccountIcon())), nil, box)
}

// holderLine is one session in words, its times in the local zone.
func holderLine(h check.LicenceHolder) string {
	at := func(t time.Time) string { return t.Local().Format("15:04") }
	who := h.Login
	if who == "" {
		who = lang.X("app.holders.no_login", "(no login)")
	}
	s := "•  " + who
	if h.Device != "" {
		s += " " + lang.X("app.holders.on", "on {{.Device}}", map[string]any{"Device": h.Device})
	} else if !h.Expiry.IsZero() {
		s += ", " + lang.X("app.holders.service", "a service session")
	}
	if h.Applications != "" {
		s += " (" + h.Applications + ")"
	}
	var parts []string
	if !h.LastRequest.IsZero() {
		parts = append(parts, lang.X("app.holders.last_request", "last request {{.At}}", map[string]any{"At": at(h.LastRequest)}))
	}
	if !h.FreesBy.IsZero() {
		parts = append(parts, lang.X("app.holders.frees", "frees its slot by {{.At}} if idle", map[string]any{"At": at(h.FreesBy)}))
	}
	if len(parts) > 0 {
		s += ": " + strings.Join(parts, ", ")
	}
	return s
}

// holdersOffer offers to read the holders with another profile's token on the
// instance, saying what it costs.
func (g *guidanceTab) holdersOffer() fyne.CanvasObject {
	var names []string
	for _, r := range g.desk.RecordReaders(g.p.Name) {
		if !r.Own {
			names = append(names, r.Name)
		}
	}
	cost := lang.X("app.holders.cost", "Reading them opens a session for that token unless its session is still open: a licence slot, held for up to 20 minutes after its last call. "+
		"On a full instance only a token with an open session, or one whose System User has a reserved seat, gets one.")
	if len(names) == 0 {
		return wrapLabel(lang.X("app.holders.no_reader", "No other profile on {{.Host}} has a token to read them with. Instance Manager shows the sessions too (“Monitor session counts and license usage in the Instance Manager”, api-best-practices).", map[string]any{"Host": g.p.Host()}))
	}
	note := wrapLabel(cost)
	note.SizeName = theme.SizeNameCaptionText
	chosen := names[0]
	btn := newButton("", theme.SearchIcon(), nil)
	label := func() {
		btn.SetText(lang.X("app.holders.read_with", "Read them with “{{.Name}}”", map[string]any{"Name": chosen}))
	}
	label()
	btn.OnTapped = func() { g.readHolders(chosen) }
	var row fyne.CanvasObject = container.NewHBox(btn)
	if len(names) > 1 {
		pick := newEscSelect(func(s string) { chosen = s; label() }, nil)
		pick.name = lang.X("app.holders.read_them_with", "Read them with")
		pick.Options = names
		pick.SetSelected(chosen)
		row = container.NewBorder(nil, nil, widget.NewLabel(lang.X("app.read_with", "Read with")), btn, pick)
	}
	return container.NewVBox(note, row)
}

// readHolders asks the desk to read the holders with reader's token; the answer goes
// into the run's report, and Guidance shows it when it still shows that profile.
func (g *guidanceTab) readHolders(reader string) {
	name := g.p.Name
	began := func(*desk.Op) {
		g.sh.setStatus(lang.X("app.holders.reading", "Reading who holds the licences of {{.Host}} with the token of “{{.Name}}”…", map[string]any{"Host": g.p.Host(), "Name": reader}))
	}
	op := g.desk.ReadHolders(name, reader, began, func(res desk.HoldersRead) {
		if res.Cancelled {
			g.sh.setStatus(lang.X("app.holders.cancelled", "Reading who holds the licences was cancelled."))
			return
		}
		g.sh.setStatus(lang.X("app.holders.status", "Who holds the licences: {{.Note}}", map[string]any{"Note": res.Holders.Note}))
		if g.p.Name == name {
			g.render()
		}
	})
	if op == nil {
		g.sh.setStatus(lang.X("app.holders.gone", "“{{.Reader}}” cannot read them any more, or “{{.Name}}” has no run: test it again.", map[string]any{"Reader": reader, "Name": name}))
	}
}
