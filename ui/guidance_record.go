package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
)

// Guidance and the Trusted App record: after an invalid_client, the offer to read the
// record with another profile's token (ERP.net's answer cannot say which of five
// fields is wrong; the record can, down to the secret's hash), and the record read in
// the Record tab handed back to Guidance for its advice (guidance_advice.go).

// readOffer is the box under invalid_client's explanation: read the record with the
// token of another profile on this instance, in one click, and see it in the Record
// tab.
func (g *guidanceTab) readOffer() fyne.CanvasObject {
	icon := widget.NewIcon(theme.SearchIcon())
	var readers []desk.RecordReader
	for _, r := range g.desk.RecordReaders(g.p.Name) {
		if !r.Own {
			readers = append(readers, r)
		}
	}
	if len(readers) == 0 {
		text := wrapLabel(lang.X("app.offer.no_reader", "Which field is wrong? ERP.net's answer cannot tell, the Trusted App record can. No other profile on {{.Host}}"+
			" has a token to read it with: add or test a profile whose System User may read Trusted Applications, then read the record in the Record tab, "+
			"or paste the values shown on the Trusted App's form in ERP.net there (“{{.Form}}”). Meanwhile the Record tab shows the ApplicationSecretHash the record must hold, to compare by hand or put in a ticket.",
			map[string]any{"Host": g.p.Host(), "Form": formText()}))
		open := newButton(lang.X("app.offer.open_record", "Open the Record tab"), theme.ListIcon(), func() { g.sh.openTab("Record") })
		return container.NewBorder(nil, nil, container.NewVBox(icon), nil, container.NewVBox(text, container.NewHBox(open)))
	}
	names := make([]string, len(readers))
	for i, r := range readers {
		names[i] = r.Name
	}
	text := wrapLabel(lang.X("app.offer.read", "Which field is wrong? ERP.net's answer cannot tell, the Trusted App record can. Read it with the token of another profile on {{.Host}}"+
		": the Record tab compares every field client credentials depends on, down to the secret's hash (the secret never leaves this computer).", map[string]any{"Host": g.p.Host()}))
	btn := newButton("", theme.DownloadIcon(), nil)
	btn.Importance = widget.HighImportance
	chosen := names[0]
	label := func() {
		btn.SetText(lang.X("app.offer.read_with", "Read the record with “{{.Name}}”", map[string]any{"Name": chosen}))
	}
	label()
	btn.OnTapped = func() { g.sh.readRecordWith(chosen) }
	var row fyne.CanvasObject = container.NewHBox(btn)
	if len(names) > 1 {
		pick := newEscSelect(func(s string) {
			chosen = s
			label()
		}, nil)
		pick.name = lang.X("app.offer.read_record_with", "Read the record with")
		pick.Options = names
		pick.SetSelected(chosen)
		// The choice takes the room between its label and the button: names stay whole.
		row = container.NewBorder(nil, nil, widget.NewLabel(lang.X("app.read_with", "Read with")), btn, pick)
	}
	if u := readers[0].SystemUser(); u != "" && len(names) == 1 {
		text.SetText(text.Text + " " + lang.X("app.offer.acts_as", "“{{.Name}}” acts as {{.User}}.", map[string]any{"Name": chosen, "User": u}))
	}
	return container.NewBorder(nil, nil, container.NewVBox(icon), nil, container.NewVBox(text, row))
}

// setRecord takes the record read for the run shown (nil: it could not be read), and
// shows the advice it adds.
func (g *guidanceTab) setRecord(rec *check.TrustedAppRecord) {
	if rec == nil || len(g.r.Steps) == 0 {
		return
	}
	g.rec = rec
	g.render()
}

// recordReadFor passes a record read for run to Guidance, when it still shows run
// (recordShell).
func (u *UI) recordReadFor(run desk.RunID, rec *check.TrustedAppRecord) {
	if u.run.run == run {
		u.run.guidance.setRecord(rec)
	}
}

// readRecordWith reads the shown profile's record with the token of the profile
// called reader and shows it in the Record tab (guidanceShell).
func (u *UI) readRecordWith(reader string) {
	if u.run.tabs.Selected().Content == u.run.record.content {
		u.run.record.readWith(reader)
		return
	}
	// Opening the tab reads with reader, as the last thing it does: the read's answer
	// may come back at once (a test driver runs it on the desk's goroutine).
	u.run.record.nextReader = reader
	u.run.openTab("Record")
}
