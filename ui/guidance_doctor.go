package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
)

// The doctor's parts of the Guidance tab (issue 13): after an invalid_client, the offer
// to read the Trusted App record with another profile's token (ERP.net's answer cannot
// say which of five fields is wrong; the record can, down to the secret's hash), and
// the "Least privilege" section, advice that never fails a check.

// readOffer is the box under invalid_client's explanation: read the record with the
// token of another profile on this instance, in one click, and see it in the Record
// tab.
func (g *guidanceTab) readOffer() fyne.CanvasObject {
	icon := widget.NewIcon(theme.SearchIcon())
	readers := g.desk.RecordReaders(g.p.Name)
	if len(readers) == 0 {
		text := wrapLabel("Which field is wrong? ERP.net's answer cannot tell, the Trusted App record can. No other profile on " + g.p.Host() +
			" has a token to read it with: add or test a profile whose System User may read Trusted Applications, then read the record in the Record tab. " +
			"Meanwhile the Record tab shows the ApplicationSecretHash the record must hold, to compare by hand or put in a ticket.")
		open := newButton("Open the Record tab", theme.ListIcon(), func() { g.sh.openTab("Record") })
		return container.NewBorder(nil, nil, container.NewVBox(icon), nil, container.NewVBox(text, container.NewHBox(open)))
	}
	names := make([]string, len(readers))
	for i, r := range readers {
		names[i] = r.Name
	}
	text := wrapLabel("Which field is wrong? ERP.net's answer cannot tell, the Trusted App record can. Read it with the token of another profile on " + g.p.Host() +
		": the Record tab compares every field client credentials depends on, down to the secret's hash (the secret never leaves this computer).")
	btn := newButton("", theme.DownloadIcon(), nil)
	btn.Importance = widget.HighImportance
	chosen := names[0]
	label := func() {
		btn.SetText("Read the record with “" + chosen + "”")
	}
	label()
	btn.OnTapped = func() { g.sh.readRecordWith(chosen) }
	var row fyne.CanvasObject = container.NewHBox(btn)
	if len(names) > 1 {
		pick := widget.NewSelect(names, func(s string) {
			chosen = s
			label()
		})
		pick.SetSelected(chosen)
		// The choice takes the room between its label and the button: names stay whole.
		row = container.NewBorder(nil, nil, widget.NewLabel("Read with"), btn, pick)
	}
	if u := readers[0].SystemUser(); u != "" && len(names) == 1 {
		text.SetText(text.Text + " “" + chosen + "” acts as " + u + ".")
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

// adviceSection is the "Least privilege" section: what the token (and the record, once
// read) show could be narrowed. nil when neither was read. It is advice: shown with an
// information icon, never as a failure, and it leaves the verdict alone.
func (g *guidanceTab) adviceSection() fyne.CanvasObject {
	if g.r.Claims == nil && g.rec == nil {
		return nil
	}
	advice := g.desk.LeastPrivilege(g.p, g.r, g.rec)
	g.advice = advice
	title := widget.NewLabelWithStyle("Least privilege", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	from := "the token"
	switch {
	case g.r.Claims == nil:
		from = "the Trusted App record"
	case g.rec != nil:
		from = "the token and the Trusted App record"
	}
	box := container.NewVBox(container.NewBorder(nil, nil, widget.NewIcon(theme.InfoIcon()), nil, title))
	if len(advice) == 0 {
		box.Add(wrapLabel("Nothing to narrow that " + from + " show. (Advice only: it never fails a check.)"))
		if g.rec == nil {
			box.Add(wrapLabel("Reading the record in the Record tab adds its settings (ReferenceTokens, Basic authentication, an administrator System User) to this advice."))
		}
		return box
	}
	note := wrapLabel("Advice on what to narrow, from " + from + ". None of it fails the check or changes the verdict.")
	note.TextStyle.Italic = true
	box.Add(note)
	for _, f := range advice {
		box.Add(g.adviceView(f))
	}
	if g.rec == nil {
		hint := wrapLabel("Reading the record in the Record tab adds its settings to this advice.")
		hint.TextStyle.Italic = true
		box.Add(hint)
	}
	return box
}

// adviceView is one piece of advice: what to narrow, and where.
func (g *guidanceTab) adviceView(f check.Finding) fyne.CanvasObject {
	ex := g.desk.Explain(f.Code, f.Evidence)
	head := widget.NewLabelWithStyle("•  "+orText(ex.Title, f.Code), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(head, wrapLabel(f.Message))
	var fields []string
	for _, fl := range ex.Fields {
		line := fl.Where + " field “" + fl.Name + "”"
		if fl.Expect != "" {
			line += ": " + fl.Expect
		}
		fields = append(fields, line)
	}
	if len(fields) > 0 {
		box.Add(keyLabel("NARROW"))
		box.Add(wrapLabel(strings.Join(fields, "\n")))
	}
	code := widget.NewLabel(f.Code)
	code.Importance = widget.LowImportance
	code.TextStyle.Monospace = true
	actions := container.NewHBox(code)
	if ex.DocURL != "" {
		url := ex.DocURL
		actions.Add(newButton("Open the docs", theme.HelpIcon(), func() { g.sh.openURL(url) }))
	}
	box.Add(actions)
	return box
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
	if u.run.tabs.Selected().Text == "Record" {
		u.run.record.readWith(reader)
		return
	}
	// Opening the tab reads with reader, as the last thing it does: the read's answer
	// may come back at once (a test driver runs it on the desk's goroutine).
	u.run.record.nextReader = reader
	u.run.openTab("Record")
}

// adviceCount says in the status line that Guidance holds least-privilege advice (a
// passing run opens on Claims, where it would go unseen); "" when there is none.
func (g *guidanceTab) adviceCount() string {
	switch n := len(g.advice); n {
	case 0:
		return ""
	case 1:
		return " Least privilege: 1 suggestion in Guidance."
	default:
		return fmt.Sprintf(" Least privilege: %d suggestions in Guidance.", n)
	}
}
