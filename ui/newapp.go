package ui

import (
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/sentence"
	"trustedapp-tester/internal/userfile"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// newApp is "New Trusted App…": a strong client secret for a new profile or the
// selected one, stored in the keychain for it and shown once with its hash, and the
// values to enter in the Trusted App record in ERP.net, each with Copy, which can be
// saved without the secret for a support ticket. It is the app's `trustedapp-check
// secret new`.
type newApp struct {
	sh   newAppShell
	desk newAppDesk
	// forNew is the choice "For a new profile" as the open form says it.
	forNew string

	// form is the open "New Trusted App" dialog (nil when closed); result the dialog
	// that shows the secret.
	form   dialog.Dialog
	result dialog.Dialog
	// secret shows the new secret until the result dialog closes.
	secret *widget.Label
	// setup is the record values of the last secret made (never the secret).
	setup check.AppSetup
	// The form's fields while it is open.
	name, instance, clientID *dialogEntry
	env                      *escSelectEntry
	who                      *widget.RadioGroup
	problem                  *widget.Label
	submit                   func()
}

// newAppShell is what "New Trusted App…" needs of the window.
type newAppShell interface {
	notifier
	window() fyne.Window
	clipboard() fyne.Clipboard
	focus(fyne.Focusable)
	saveFile(name string, write func(fyne.URIWriteCloser))
}

// newAppDesk is what "New Trusted App…" asks of the desk.
type newAppDesk interface {
	Current() (profiles.Profile, bool)
	Profiles() []profiles.Profile
	Running() bool
	NewTrustedApp(orig string, p profiles.Profile, replace bool, done func(desk.NewApp)) *desk.Op
	ExportSetup(wc fyne.URIWriteCloser, s check.AppSetup, asJSON bool, done func(desk.Written)) *desk.Op
}

func newNewApp(sh newAppShell, d newAppDesk) *newApp { return &newApp{sh: sh, desk: d} }

// open shows the form: a new profile (name, instance, client_id), or the selected
// profile when there is one and forSelected is true.
func (n *newApp) open(forSelected bool) {
	if n.form != nil {
		return
	}
	cur, hasCur := n.desk.Current()
	var d dialog.Dialog
	closeForm := func() {
		if d != nil {
			d.Hide()
		}
	}
	name := newDialogEntry(closeForm)
	name.SetPlaceHolder("Nightly import (Production)")
	name.Validator = func(s string) error { return nameError(n.desk.Profiles(), s, "") }
	env := newEscSelectEntry([]string{profiles.EnvProduction, profiles.EnvTest, profiles.EnvSandbox}, closeForm)
	env.SetPlaceHolder(lang.X("app.editor.env_hint", "Production, Test, Sandbox or your own label"))
	instance := newDialogEntry(closeForm)
	instance.SetPlaceHolder("https://acme.my.erp.net")
	instance.Validator = instanceError
	if hasCur {
		instance.SetText(cur.InstanceURL)
	}
	clientID := newDialogEntry(closeForm)
	clientID.SetPlaceHolder(lang.X("app.newapp.client_id_hint", "com.acme/nightly-import: the Trusted App's ApplicationUri"))
	clientID.Validator = clientIDError
	fields := widget.NewForm(
		&widget.FormItem{Text: lang.X("app.kind.name", "Name"), Widget: name, HintText: lang.X("app.newapp.name_hint", "the profile's name in this tool")},
		&widget.FormItem{Text: lang.X("app.kind.env", "Environment"), Widget: env},
		&widget.FormItem{Text: lang.X("app.kind.instance", "Instance"), Widget: instance, HintText: lang.X("app.newapp.instance_hint", "the instance root, e.g. https://acme.my.erp.net")},
		&widget.FormItem{Text: "Client ID", Widget: clientID, HintText: lang.X("app.newapp.client_id_form_hint", "becomes the record's ApplicationUri; unique per app")},
	)
	intro := wrapLabel(lang.X("app.newapp.intro", "Makes a strong client secret (40 letters and digits from the system's cryptographic random source), "+
		"stores it in {{.Keychain}} for the profile and shows it once, with its hash. Then it lists the values to enter "+
		"in the Trusted App record: ERP.net keeps only the secret's hash (ApplicationSecretHash).", map[string]any{"Keychain": keychainName()}))
	var who *widget.RadioGroup
	problem := wrapLabel("")
	problem.Importance = widget.DangerImportance
	problem.Hide()
	body := container.NewVBox(intro)
	if hasCur {
		selLabel := lang.X("app.newapp.for_selected", "For the selected profile “{{.Name}}”", map[string]any{"Name": cur.Name})
		newLabel := lang.X("app.newapp.for_new", "For a new profile")
		n.forNew = newLabel
		who = widget.NewRadioGroup([]string{selLabel, newLabel}, func(s string) {
			if s == newLabel {
				fields.Show()
			} else {
				fields.Hide()
			}
			problem.Hide()
		})
		who.Required = true
		body.Add(who)
		if forSelected {
			who.SetSelected(selLabel)
		} else {
			who.SetSelected(newLabel)
		}
	}
	body.Add(fields)
	body.Add(problem)

	n.name, n.instance, n.clientID, n.env, n.who, n.problem = name, instance, clientID, env, who, problem
	submit := func() {
		if who != nil && who.Selected != n.forNew {
			closeForm()
			n.make(cur.Name, cur, false)
			return
		}
		for _, v := range []fyne.Validatable{name, instance, clientID} {
			if err := v.Validate(); err != nil {
				problem.SetText(lang.X("app.newapp.not_made", "Not made: {{.Err}}.", map[string]any{"Err": err.Error()}))
				problem.Show()
				return
			}
		}
		p := profiles.Profile{
			Name: profiles.NormalizeName(strings.TrimSpace(name.Text)), Environment: strings.TrimSpace(env.Text),
			InstanceURL: strings.TrimSpace(instance.Text), ClientID: strings.TrimSpace(clientID.Text),
			AuthMethod: profiles.AuthPost, Scopes: []string{"read"},
		}
		closeForm()
		n.make("", p, false)
	}
	n.submit = submit
	for _, e := range []*dialogEntry{name, instance, clientID} {
		e.OnSubmitted = func(string) { submit() }
	}
	cancel := newButton(lang.X("app.cancel", "Cancel"), theme.CancelIcon(), closeForm)
	ok := newButton(lang.X("app.newapp.make", "Make the secret"), theme.ConfirmIcon(), submit)
	ok.Importance = widget.HighImportance
	d = dialog.NewCustomWithoutButtons(lang.X("app.newapp.title", "New Trusted App"), container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), cancel, ok), nil, nil, body), n.sh.window())
	restore := escapeCloses(n.sh.window().Canvas(), closeForm)
	d.SetOnClosed(func() {
		restore()
		n.form, n.submit = nil, nil
	})
	n.form = d
	d.Resize(fyne.NewSize(640, 1))
	d.Show()
	if who == nil || who.Selected == n.forNew {
		n.sh.focus(name)
	}
}

// make asks the desk for the secret of p (orig "" for a new profile), and asks before
// replacing a secret the profile already has.
func (n *newApp) make(orig string, p profiles.Profile, replace bool) {
	if n.desk.Running() {
		n.sh.showMessage(lang.X("app.newapp.running", "A test is running"), lang.X("app.newapp.running_text", "Wait for the test to finish (or cancel it), then make the new secret."))
		return
	}
	n.sh.setStatus(lang.X("app.newapp.making", "Making a new client secret for “{{.Name}}”…", map[string]any{"Name": p.Name}))
	n.desk.NewTrustedApp(orig, p, replace, func(res desk.NewApp) {
		var saved *profiles.SavedError
		switch {
		case res.Exists:
			n.sh.setStatus("")
			n.askReplace(orig, p)
		case res.Err != nil && !errors.As(res.Err, &saved):
			n.sh.showError(lang.X("app.newapp.failed", "Could not make the new secret for “{{.Name}}”", map[string]any{"Name": p.Name}), res.Err, lang.X("app.newapp.failed_fix", "No secret was stored or shown. Check that {{.Keychain}} is unlocked and the profile store writable, then try again.", map[string]any{"Keychain": keychainName()}))
		default:
			n.show(res)
		}
	})
}

// askReplace asks before a new secret replaces the one the profile has.
func (n *newApp) askReplace(orig string, p profiles.Profile) {
	askYesNo(n.sh.window(), lang.X("app.newapp.replace_ask", "Replace the client secret of “{{.Name}}”?", map[string]any{"Name": p.Name}),
		lang.X("app.newapp.replace_text", "“{{.Name}}” already has a client secret. A new one replaces it in {{.Keychain}}, and the old one cannot be shown again. "+
			"The Trusted App keeps accepting the old secret until you put the new hash in ApplicationSecretHash; from then on only the new one works, "+
			"so update the integration at the same time.", map[string]any{"Name": p.Name, "Keychain": keychainName()}),
		lang.X("app.newapp.keep_old", "Keep the old secret"), lang.X("app.newapp.replace", "Replace it"), widget.DangerImportance,
		func(ok bool) {
			if ok {
				n.make(orig, p, true)
				return
			}
			n.sh.setStatus(lang.X("app.newapp.kept", "Kept the client secret of “{{.Name}}”: nothing was changed.", map[string]any{"Name": p.Name}))
		})
}

// show shows the new secret once, its hash and the record values.
func (n *newApp) show(res desk.NewApp) {
	n.setup = res.Setup
	name := res.Profile.Name
	copyBtn := func(label, what, value string) *button {
		b := newButton(label, theme.ContentCopyIcon(), func() {
			n.sh.clipboard().SetContent(value)
			n.sh.setStatus(lang.X("app.newapp.copied", "Copied {{.What}}.", map[string]any{"What": what}))
		})
		return b
	}
	where := lang.X("app.newapp.stored_in", "It is stored in {{.Keychain}} for “{{.Name}}”, for this tool's tests.", map[string]any{"Keychain": keychainName(), "Name": name})
	if res.SessionOnly {
		where = lang.X("app.newapp.in_memory", "{{.Keychain}} is not available: it is kept in memory for “{{.Name}}” until the app closes.", map[string]any{"Keychain": sentence.Capitalize(keychainName()), "Name": name})
	}
	warn := wrapLabel(lang.X("app.newapp.copy_now", "Copy the secret now: it will not be shown again.") + " " + where + " " +
		lang.X("app.newapp.put_it", "Put it in the integration's configuration; the Trusted App record keeps only its hash."))
	warn.Importance = widget.WarningImportance
	warn.TextStyle.Bold = true
	n.secret = monoLabel(res.Secret)
	secretRow := container.NewBorder(nil, nil, nil, copyBtn(lang.X("app.newapp.copy_secret", "Copy secret"), lang.X("app.newapp.the_secret", "the new client secret"), res.Secret), n.secret)
	hash := monoLabel(res.Setup.ApplicationSecretHash)
	hashRow := container.NewBorder(nil, nil, nil, copyBtn(lang.X("app.record.copy_hash", "Copy hash"), lang.X("app.newapp.the_hash", "ApplicationSecretHash (the hash, not the secret)"), res.Setup.ApplicationSecretHash), hash)

	values := container.NewVBox()
	for _, v := range res.Setup.Values {
		field := widget.NewLabelWithStyle(v.Field, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		val := widget.NewLabelWithStyle(v.Value, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
		val.Truncation = fyne.TextTruncateEllipsis
		note := wrapLabel(v.Note)
		note.SizeName = theme.SizeNameCaptionText
		cp := copyBtn("", v.Field+" ("+v.Value+")", v.Value)
		cp.Importance = widget.LowImportance
		cp.spoken = "Copy " + v.Field
		head := container.NewBorder(nil, nil, container.New(&minWidthLayout{width: 210}, field), cp, val)
		values.Add(container.New(layout.NewCustomPaddedVBoxLayout(-10), head, note))
	}
	where2 := wrapLabel(lang.X("app.newapp.enter_values", "Enter these values in the Trusted App record (Instance Manager > Security > Trusted Apps; on the hosted service, send them in a support ticket). "+
		"Create the System User first: a dedicated, Active user of type ApplicationUserNoLogin with only the roles the integration needs."))
	var d dialog.Dialog
	closeResult := func() {
		if d != nil {
			d.Hide()
		}
	}
	saveText := newButton(lang.X("app.newapp.save_text", "Save as text…"), theme.DocumentSaveIcon(), func() { n.saveSetup(false) })
	saveJSON := newButton(lang.X("app.newapp.save_json", "Save as JSON…"), theme.DocumentSaveIcon(), func() { n.saveSetup(true) })
	doneBtn := newButton(lang.X("app.newapp.done", "Done"), theme.ConfirmIcon(), closeResult)
	doneBtn.Importance = widget.HighImportance
	saveNote := widget.NewLabel(lang.X("app.newapp.saved_note", "Saved files hold the hash, never the secret."))
	saveNote.SizeName = theme.SizeNameCaptionText
	top := container.NewVBox(warn, keyLabel("CLIENT SECRET"), secretRow, keyLabel("APPLICATIONSECRETHASH"), hashRow, widget.NewSeparator(), where2)
	if res.Err != nil {
		later := wrapLabel(lang.X("app.newapp.partly", "The secret is stored, but not everything was saved: {{.Err}}", map[string]any{"Err": res.Err.Error()}))
		later.Importance = widget.DangerImportance
		top.Add(later)
	}
	scroll := widgets.NewVScroll(values)
	scroll.SetMinSize(fyne.NewSize(660, 220))
	bottom := container.NewHBox(saveText, saveJSON, saveNote, layout.NewSpacer(), doneBtn)
	d = dialog.NewCustomWithoutButtons(lang.X("app.newapp.result_title", "New client secret for “{{.Name}}”", map[string]any{"Name": name}), container.NewBorder(top, bottom, nil, nil, scroll), n.sh.window())
	restore := escapeCloses(n.sh.window().Canvas(), closeResult)
	d.SetOnClosed(func() {
		restore()
		// The secret goes from the screen with the dialog.
		n.secret.SetText("")
		n.secret = nil
		n.result = nil
		n.sh.setStatus(lang.X("app.newapp.stored", "New secret stored for “{{.Name}}”. Put its hash in the Trusted App's ApplicationSecretHash, then test it.", map[string]any{"Name": name}))
	})
	n.result = d
	d.Resize(fyne.NewSize(760, 640))
	d.Show()
	n.sh.setStatus(lang.X("app.newapp.made", "Made a new client secret for “{{.Name}}”: copy it now, it will not be shown again.", map[string]any{"Name": name}))
}

// saveSetup asks where to save the record values, without the secret.
func (n *newApp) saveSetup(asJSON bool) {
	s := n.setup
	ext := ".txt"
	if asJSON {
		ext = ".json"
	}
	file := "trusted-app" + ext
	if s.Profile != "" {
		file = userfile.WithSuffix(s.Profile, "-trusted-app"+ext)
	}
	n.sh.saveFile(file, func(wc fyne.URIWriteCloser) { n.saveTo(wc, asJSON) })
}

// saveTo writes the record values to wc (the save dialog's callback; tests call it
// with a file writer).
func (n *newApp) saveTo(wc fyne.URIWriteCloser, asJSON bool) {
	n.desk.ExportSetup(wc, n.setup, asJSON, written(n.sh, lang.X("app.newapp.save_failed", "Could not save the record values"), func(path string) string {
		return lang.X("app.newapp.saved", "Saved the Trusted App record values to {{.Path}} (the hash, never the secret).", map[string]any{"Path": path})
	}))
}

// clientIDError checks a client_id (the Trusted App's ApplicationUri).
func clientIDError(s string) error {
	if strings.TrimSpace(s) == "" {
		return errors.New(lang.X("app.newapp.err_client_id", "enter the client_id: the Trusted App's Application URI"))
	}
	if strings.ContainsAny(strings.TrimSpace(s), " \t") {
		return errors.New(lang.X("app.newapp.err_spaces", "the client_id has spaces: copy the Application URI exactly"))
	}
	return nil
}

// dialogEntry is an entry whose Esc closes the dialog or screen it is on even while it
// has the keyboard (a focused entry takes every key; Fyne's dialogs do not close on
// Esc): onEscape, or the window's Esc when nil. A multi-line one never takes Tab
// either: Tab moves on, as everywhere else (it typed a tab character, a trap for
// keyboard users).
type dialogEntry struct {
	widget.Entry
	onEscape func()
	// name is what a screen reader calls the field ("Search profiles"); the place
	// holder when empty. Fyne's entry exposes nothing.
	name string
}

func newDialogEntry(onEscape func()) *dialogEntry {
	e := &dialogEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	return e
}

// newMultiLineEntry is a multi-line dialogEntry.
func newMultiLineEntry(onEscape func()) *dialogEntry {
	e := newDialogEntry(onEscape)
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	return e
}

// TypedKey closes the dialog on Esc and types every other key.
func (e *dialogEntry) TypedKey(k *fyne.KeyEvent) { passEsc(k, e.escape, e.Entry.TypedKey) }

func (e *dialogEntry) escape() {
	if e.onEscape != nil {
		e.onEscape()
		return
	}
	widgets.PassKey(e, &fyne.KeyEvent{Name: fyne.KeyEscape})
}

// TypedShortcut hands the window's second shortcuts (Ctrl+Page Down) to the window and
// every other shortcut to the entry.
func (e *dialogEntry) TypedShortcut(s fyne.Shortcut) {
	if !forwardShortcut(e, s) {
		e.Entry.TypedShortcut(s)
	}
}

// AccessibilityLabel implements fyne.Accessible: "Search profiles, edit field: acme",
// never a password's text.
func (e *dialogEntry) AccessibilityLabel() string {
	name := e.name
	if name == "" {
		name = e.PlaceHolder
	}
	switch {
	case e.Password && e.Text != "":
		return lang.X("app.a11y.field_hidden", "{{.Name}}, edit field, filled (hidden)", map[string]any{"Name": name})
	case e.Text == "":
		return lang.X("app.a11y.field_empty", "{{.Name}}, edit field, empty", map[string]any{"Name": name})
	}
	return lang.X("app.a11y.field", "{{.Name}}, edit field: {{.Value}}", map[string]any{"Name": name, "Value": e.Text})
}

// AccessibilityRole implements fyne.Accessible (2.8.1 has no role for a field).
func (e *dialogEntry) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// AcceptsTab implements fyne.Tabbable: never (see dialogEntry).
func (e *dialogEntry) AcceptsTab() bool { return false }

// passEsc is the TypedKey of a focusable widget that hands Esc to onEsc (a focused
// widget takes every key, so the window's Esc would never see it) and every other key
// to the widget's own handler, next. With onEsc nil, Esc goes to next too.
func passEsc(k *fyne.KeyEvent, onEsc func(), next func(*fyne.KeyEvent)) {
	if k.Name == fyne.KeyEscape && onEsc != nil {
		onEsc()
		return
	}
	next(k)
}

// escapeCloses makes Esc call close while nothing has the keyboard, and returns what
// puts the canvas's earlier key handler back (call it when the dialog closes).
func escapeCloses(c fyne.Canvas, close func()) (restore func()) {
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			close()
			return
		}
		if prev != nil {
			prev(k)
		}
	})
	return func() { c.SetOnTypedKey(prev) }
}

// NewTrustedApp opens "New Trusted App…" (for a new profile; the selected one can be
// chosen instead).
func (u *UI) NewTrustedApp() {
	if !u.desk.Running() {
		u.newApp.open(false)
	}
}

// NewSecretForCurrent makes a new secret for the selected profile's Trusted App (the
// ⋮ menu), asking before it replaces one.
func (u *UI) NewSecretForCurrent() {
	if p, ok := u.desk.Current(); ok {
		u.newApp.make(p.Name, p, false)
	}
}
