package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/desk"
	"trustedapp-tester/internal/safetext"
	"trustedapp-tester/profiles"
)

// Client secrets one after another: after an import (a bundle or a CSV file never
// holds one) and from the fleet view, for the profiles that have none.

// csvImportHint is what a CSV file of profiles must look like.
func csvImportHint() string {
	return lang.X("app.import.csv_hint", "A CSV file of profiles names its columns in the first row: name, instance and client_id, optionally scopes, env and tags (comma, semicolon or tab separated; saved as CSV UTF-8). It never holds a secret. Nothing was changed.")
}

// secretsDesk is what setting secrets asks of the desk.
type secretsDesk interface {
	NeedSecrets(names []string, done func(desk.NeedSecrets)) *desk.Op
	SetSecret(name, secret string, done func(error)) *desk.Op
}

// secretsShell is what setting secrets needs of the window.
type secretsShell interface {
	notifier
	window() fyne.Window
}

// askSecrets asks for the client secret of each profile called names in turn: Save
// and next (Enter), Skip, Stop (Esc). Each secret goes to the keychain as it is
// typed; done gets how many were set, after the last.
func askSecrets(sh secretsShell, d secretsDesk, names []string, done func(set int)) {
	var (
		dlg     dialog.Dialog
		i, set  int
		skipped []string
		saving  bool
	)
	step := widget.NewLabel("")
	name := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	problem := wrapLabel("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	var entry *dialogEntry
	var save, skip, stop *button
	finish := func() {
		dlg.Hide()
		skipped = append(skipped, names[min(i, len(names)):]...)
		msg := lang.XN("app.secrets.set_n", "Set {{.Count}} client secrets in the keychain.", set, map[string]any{"Count": set})
		if len(skipped) > 0 {
			msg += " " + lang.XN("app.secrets.still_need", "{{.Count}} profiles still need one: {{.Names}}. Set each with the editor (Edit), Set secrets… in the fleet view, or trustedapp-check profiles set-secret NAME.",
				len(skipped), map[string]any{"Count": len(skipped), "Names": escapedList(skipped)})
		}
		sh.setStatus(msg)
		if done != nil {
			done(set)
		}
	}
	show := func() {
		if i >= len(names) {
			finish()
			return
		}
		step.SetText(lang.X("app.secrets.step", "Client secret {{.N}} of {{.Count}}, for the profile", map[string]any{"N": i + 1, "Count": len(names)}))
		name.SetText(lang.X("app.secrets.name", "“{{.Name}}”", map[string]any{"Name": safetext.Line(names[i])}))
		entry.SetText("")
		problem.Hide()
		sh.window().Canvas().Focus(entry)
	}
	saveOne := func() {
		secret := entry.Text
		if saving {
			return
		}
		if strings.TrimSpace(secret) == "" {
			problem.SetText(lang.X("app.secrets.empty", "Paste the secret the Trusted App was created with, or press Skip."))
			problem.Show()
			return
		}
		saving = true
		save.Disable()
		skip.Disable()
		d.SetSecret(names[i], secret, func(err error) {
			saving = false
			save.Enable()
			skip.Enable()
			if err != nil {
				problem.SetText(lang.X("app.secrets.not_saved", "Not saved: {{.Err}}", map[string]any{"Err": err.Error()}))
				problem.Show()
				return
			}
			set++
			i++
			show()
		})
	}
	entry = newDialogEntry(func() { finish() })
	entry.Password = true
	entry.SetPlaceHolder(lang.X("app.secrets.placeholder", "The Trusted App's client secret"))
	entry.OnSubmitted = func(string) { saveOne() }
	save = newButton(lang.X("app.secrets.save_next", "Save and next  (Enter)"), theme.ConfirmIcon(), saveOne)
	save.Importance = widget.HighImportance
	skip = newButton(lang.X("app.secrets.skip", "Skip"), nil, func() {
		skipped = append(skipped, names[i])
		i++
		show()
	})
	stop = newButton(lang.X("app.secrets.stop", "Stop  (Esc)"), nil, finish)
	note := wrapLabel(lang.X("app.secrets.note", "Each secret goes to the system keychain as soon as it is saved (never to a file). Skipped profiles keep no secret and are listed at the end."))
	body := container.NewVBox(step, name, entry, problem, note, container.NewHBox(layout.NewSpacer(), stop, skip, save))
	dlg = dialog.NewCustomWithoutButtons(lang.X("app.secrets.title", "Set client secrets"), body, sh.window())
	dlg.Resize(fyne.NewSize(560, 1))
	showEscPressing(sh.window(), dlg, stop)
	show()
}

// importFinished says what an import did and selects the first profile it brought;
// when some of them have no client secret, it names them and offers to set them one
// after another.
func (u *UI) importFinished(file string, res profiles.ImportResult) {
	title, text, first := importSummary(file, res)
	names := append([]string{}, res.Added...)
	for _, r := range res.Renamed {
		names = append(names, r.To)
	}
	names = append(names, res.Replaced...)
	if len(names) == 0 {
		u.showMessage(title, text)
		u.Reload(first)
		return
	}
	u.desk.NeedSecrets(names, func(n desk.NeedSecrets) {
		// The list is read again last: its answer may come at once (Fyne's test driver).
		defer u.Reload(first)
		switch {
		case n.Unknown:
			u.showMessage(title, text+"\n\n"+lang.X("app.secrets.import_unknown", "The keychain does not answer, so which of them need a client secret cannot be told."))
			return
		case len(n.Names) == 0:
			u.showMessage(title, text)
			return
		}
		text += "\n\n" + lang.XN("app.secrets.import_need", "{{.Count}} profiles still need a client secret: {{.Names}}.", len(n.Names), map[string]any{"Count": len(n.Names), "Names": escapedList(n.Names)})
		u.setStatus(strings.ReplaceAll(text, "\n", " "))
		var d dialog.Dialog
		later := newButton(lang.X("app.secrets.later", "Later"), nil, func() { d.Hide() })
		now := newButton(lang.X("app.secrets.set_now", "Set them now…"), theme.AccountIcon(), func() {
			d.Hide()
			askSecrets(u, u.desk, n.Names, func(set int) {
				if set > 0 {
					u.Reload(first)
				}
			})
		})
		now.Importance = widget.HighImportance
		d = dialog.NewCustomWithoutButtons(title, container.NewVBox(wrapLabel(text), container.NewHBox(layout.NewSpacer(), later, now)), u.win)
		d.Resize(fyne.NewSize(560, 1))
		showEscPressing(u.win, d, later)
	})
}
