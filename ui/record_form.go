package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/report"
)

// The Record tab's third source of the record, beside this run's token and other
// profiles' tokens: the values shown on the Trusted App's form in ERP.net, pasted into
// a box. It is always in "Read with", and chosen for the user when the API refuses to
// show the record (403: the System User's permissions, or the sec scope ERP.net
// reserves for itself). The same checklist runs on it through the desk
// (ReadRecordForm), the ApplicationSecretHash comparison with the stored secret
// included; fields not pasted are left to check by hand.

// formLabel() names the form in "Read with" (check.FormReaderLabel in English).
func formLabel() string {
	return lang.X("app.record.form_label", "the values on the Trusted App's form")
}

// formText is formLabel(), as sentences name the choice.
func formText() string { return formLabel() }

// formReadLabel() is the button's text when the form is chosen; formEditLabel() once
// its checklist is shown and the box is folded away to give the rows the room.
func formReadLabel() string { return lang.X("app.record.form_check", "Check the pasted values") }
func formEditLabel() string { return lang.X("app.record.form_edit", "Edit the pasted values") }

// newForm builds the paste box (hidden until the form is chosen).
func (t *recordTab) newForm() {
	// The app's multi-line field: Tab moves on (to the checklist) instead of typing a
	// tab, Esc goes to the window.
	t.form = newMultiLineEntry(nil)
	t.form.Wrapping = fyne.TextWrapOff
	t.form.name = lang.X("app.record.form_name", "Values from the Trusted App's form")
	t.form.SetMinRowsVisible(6)
	t.form.SetPlaceHolder("ApplicationUri: com.acme/nightly\nIsEnabled: Yes\nClientType: Confidential\nApplicationSecretHash: T/AGymuI51LwjLeIFxRQXOs9IHnupDKs/ajhWODR2C4=\n" +
		"SystemUserAllowed: Yes\nSystemUser: svc-nightly\nScope: read update\nReferenceTokens: None\nBasicAuthenticationAllowed: No")
	help := wrapLabel(lang.X("app.record.form_help", "Open the Trusted App in ERP.net and copy the values its form shows, one “Field: value” a line (a copy of the whole form works too, as does the record's JSON). "+
		"Never the secret: the form does not show it, and the stored secret is only hashed here to compare with ApplicationSecretHash."))
	help.SizeName = theme.SizeNameCaptionText
	t.formBox = container.NewVBox(help, t.form)
	t.formBox.Hide()
}

// formChosen reports whether "Read with" names the form.
func (t *recordTab) formChosen() bool { return t.source.Selected == formLabel() }

// sourceChanged shows the paste box while the form is chosen.
func (t *recordTab) sourceChanged(string) {
	if t.formBox == nil {
		return
	}
	t.formFolded = false
	if t.formChosen() {
		t.formBox.Show()
	} else {
		t.formBox.Hide()
	}
	if t.read != nil {
		t.showRead()
		t.relayout()
	}
}

// relayout lays the box and the rows out again once the box was shown or hidden, the
// pane at its top (see layout).
func (t *recordTab) relayout() {
	if t.pane == nil {
		return // still being built
	}
	t.below.Refresh()
	t.layout()
	t.pane.ScrollToTop()
}

// layout lays the tab out again after something in it was shown, hidden or reworded.
// A container lays its objects out when its size changes, and Fyne's window only
// notices a change of minimum size on some frames: a problem shown under "Read with"
// was drawn over the first rows, and a box shown again kept the place and width of its
// last showing (a focus moved into it was ringed and scrolled to where it was not).
func (t *recordTab) layout() {
	if t.content != nil {
		t.content.Refresh()
	}
}

// setProblem shows text under the choice of source, or hides it when text is "", and
// lays the tab out for the room it takes or gives back.
func (t *recordTab) setProblem(text string) {
	if text == "" {
		t.problem.Hide()
	} else {
		t.problem.SetText(text)
		t.problem.Show()
	}
	t.layout()
}

// unfoldForm shows the paste box again after its checklist was shown.
func (t *recordTab) unfoldForm() {
	t.formFolded = false
	t.formBox.Show()
	t.showRead()
	t.relayout()
	t.sh.setStatus(lang.X("app.record.form_change", "Change the pasted values, then press “{{.Button}}”.", map[string]any{"Button": formReadLabel()}))
}

// chooseForm chooses the form in "Read with" (a read was refused).
func (t *recordTab) chooseForm() {
	if t.p.Name != "" {
		t.source.SetSelected(formLabel())
	}
}

// readForm checks the pasted values through the desk.
func (t *recordTab) readForm() {
	if t.formFolded {
		t.unfoldForm()
		return
	}
	if strings.TrimSpace(t.form.Text) == "" {
		t.sh.setStatus(lang.X("app.record.form_paste_first", "Paste the values shown on the Trusted App's form first, one “Field: value” a line."))
		return
	}
	began := func(op *desk.Op) {
		t.pending = op
		t.showRead()
		t.sh.setStatus(lang.X("app.record.form_checking", "Checking the values pasted from the Trusted App's form of {{.App}}…", map[string]any{"App": t.p.ClientID}))
	}
	if t.desk.ReadRecordForm(t.p.Name, t.form.Text, t.run, began, t.recordRead) == nil {
		t.sh.setStatus(lang.X("app.record.form_gone", "“{{.Name}}” is no longer a profile: choose another.", map[string]any{"Name": t.p.Name}))
	}
}

// formShown shows the checklist of a read from the form's values (recordRead has
// checked it belongs to the run shown).
func (t *recordTab) formShown(res desk.RecordRead) {
	rr := res.Result
	t.formRead = rr.Form
	var lines []string
	if rr.Problem != "" {
		lines = append(lines, report.RecordIn(lang.Localizer(), rr.Problem))
	}
	if rr.Form != nil {
		for _, n := range rr.Form.Notes {
			lines = append(lines, report.FormNoteIn(lang.Localizer(), n))
		}
	}
	t.setProblem(strings.Join(lines, "\n"))
	if res.SecretHash.Name == t.p.Name {
		t.hash = res.SecretHash
		t.hashOp = 0
	}
	if rr.Record == nil {
		t.formRead = nil
		t.sh.setStatus(lang.X("app.record.form_not_read", "The pasted values could not be read: see the Record tab."))
		return
	}
	t.intro.SetText(lang.X("app.record.form_intro", "The Trusted App record of {{.App}} from the values copied from the Trusted App's form: the fields client credentials depends on, fields to fix first; the fields not pasted are left to check by hand.", map[string]any{"App": t.p.ClientID}))
	// The rows need the room: the box folds away until the user edits the values again.
	t.formFolded = true
	t.formBox.Hide()
	t.showRead()
	t.relayout()
	t.show(check.RecordChecklist(t.p, rr.Record, systemUserOf(t.r)))
	t.sh.recordReadFor(res.Run, rr.Record)
	var bad, unknown []string
	for _, c := range t.checks {
		switch c.State {
		case check.RecordBad:
			bad = append(bad, c.Field)
		case check.RecordUnknown:
			unknown = append(unknown, c.Field)
		}
	}
	msg := lang.X("app.record.form_all_right", "no field pasted needs fixing")
	if len(bad) > 0 {
		msg = lang.XN("app.record.to_fix", "{{.Count}} fields to fix: {{.Fields}}", len(bad), map[string]any{"Count": len(bad), "Fields": strings.Join(bad, ", ")})
	}
	if len(unknown) > 0 {
		msg += "; " + lang.X("app.record.not_pasted", "not pasted: {{.Fields}}", map[string]any{"Fields": strings.Join(unknown, ", ")})
	}
	t.sh.setStatus(lang.X("app.record.form_status", "Trusted App record of {{.App}} (from its form): {{.Result}}.", map[string]any{"App": t.p.ClientID, "Result": msg}))
}
