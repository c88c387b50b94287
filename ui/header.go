package ui

import (
	"errors"
	"runtime"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// header is the profile's summary row with the Test button and the ⋮ menu of profile
// operations.
type header struct {
	sh   headerShell
	desk headerDesk
	name *widget.Label
	env  *widgets.Chip
	line *widgets.TipLabel
	// note is a compact button at the end of the summary line (a sandbox scenario's
	// description, a missing or old secret); tapping it shows the whole text.
	note     *widgets.TipButton
	noteText string
	test     *button
	// cancel takes the Test button's place while a run is in flight.
	cancel  *button
	edit    *widgets.TipButton
	more    *widgets.TipButton
	content fyne.CanvasObject
}

// headerShell is what the header needs of the window.
type headerShell interface {
	notifier
	window() fyne.Window
	focus(fyne.Focusable)
	StartRun()
	StartFreshRun()
	CancelRun()
	EditCurrent()
	InspectToken(raw string)
	exportProfiles(names []string)
	NewSecretForCurrent()
	CompareWith(name string)
}

// headerDesk is what the header asks of the desk.
type headerDesk interface {
	Current() (profiles.Profile, bool)
	Running() bool
	Profiles() []profiles.Profile
	Scenario(name string) (desk.SandboxProfile, bool)
	SandboxProfiles() []string
	Now() time.Time
	DuplicateProfile(name string, done func(desk.Duplicated)) *desk.Op
	RenameProfile(from, name string, done func(error)) *desk.Op
	DeleteProfiles(names []string, done func(desk.Deleted)) *desk.Op
}

func shortcutHint() string {
	if runtime.GOOS == "darwin" {
		return "⌘↩"
	}
	return "Ctrl+Enter"
}

// keyHint names the platform's shortcut for key: "Ctrl+E", or "⌘E" on macOS.
func keyHint(key string) string {
	if runtime.GOOS == "darwin" {
		return "⌘" + key
	}
	return "Ctrl+" + key
}

func freshShortcutHint() string {
	if runtime.GOOS == "darwin" {
		return "⇧⌘↩"
	}
	return "Ctrl+Shift+Enter"
}

func newHeader(sh headerShell, d headerDesk) *header {
	h := &header{sh: sh, desk: d}
	h.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.name.SizeName = theme.SizeNameHeadingText
	h.name.Truncation = fyne.TextTruncateEllipsis
	h.env = widgets.NewChip("", "")
	h.line = widgets.NewTipLabel("", fyne.TextStyle{}, "")
	h.line.Truncation = fyne.TextTruncateEllipsis
	h.note = widgets.NewTipButton("", theme.InfoIcon(), "", h.showNote)
	h.note.Importance = widget.LowImportance
	h.test = newButton(lang.X("app.header.test", "Test this Trusted App")+"  ("+shortcutHint()+")", theme.MediaPlayIcon(), sh.StartRun)
	h.test.Importance = widget.HighImportance
	h.cancel = newButton(lang.X("app.cancel_esc", "Cancel  (Esc)"), theme.CancelIcon(), sh.CancelRun)
	h.cancel.Hide()
	h.edit = widgets.NewTipButton(lang.X("app.header.edit", "Edit"), theme.DocumentCreateIcon(), lang.X("app.header.edit_tip", "Edit this profile")+" ("+keyHint("E")+")", sh.EditCurrent)
	h.more = widgets.NewTipButton("", theme.MoreVerticalIcon(), lang.X("app.header.more_tip", "More actions: test with a fresh token, a new secret, compare, duplicate, rename, export, delete"), h.showMenu)
	title := container.New(&nameTagLayout{name: h.name}, h.name, container.NewCenter(h.env))
	buttons := container.NewHBox(h.edit, h.more, h.test, h.cancel)
	// The buttons share the name's row; the summary line below gets the full width.
	// The note folds into the summary line: one row less above the identity card.
	h.content = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewCenter(buttons), title),
		container.NewBorder(nil, nil, nil, h.note, h.line))
	return h
}

// showMenu opens the ⋮ menu under its button.
func (h *header) showMenu() {
	fresh := fyne.NewMenuItem(lang.X("app.menu.test_fresh", "Test with a fresh token")+"  ("+freshShortcutHint()+")", h.sh.StartFreshRun)
	fresh.Disabled = h.desk.Running()
	menu := fyne.NewMenu("",
		fresh,
		fyne.NewMenuItem(lang.X("app.menu.inspect", "Inspect a token…")+"  ("+keyHint("I")+")", h.askToken),
		fyne.NewMenuItem(lang.X("app.header.new_secret", "New secret for this Trusted App…"), h.sh.NewSecretForCurrent),
		fyne.NewMenuItem(lang.X("app.header.compare_with", "Compare with…"), func() {
			if p, ok := h.desk.Current(); ok {
				h.sh.CompareWith(p.Name)
			}
		}),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.X("app.header.duplicate", "Duplicate"), h.duplicateCurrent),
		fyne.NewMenuItem(lang.X("app.header.rename", "Rename…"), h.renameCurrent),
		fyne.NewMenuItem(lang.X("app.header.export_this", "Export this profile…"), func() {
			if p, ok := h.desk.Current(); ok {
				h.sh.exportProfiles([]string{p.Name})
			}
		}),
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem(lang.X("app.header.delete", "Delete…"), h.deleteCurrent),
	)
	if n := len(h.desk.SandboxProfiles()); n > 0 {
		menu.Items = append(menu.Items, fyne.NewMenuItem(lang.XN("app.header.remove_sandbox", "Remove the {{.Count}} sandbox profiles…", n, map[string]any{"Count": n}), h.removeSandboxProfiles))
	}
	c := h.sh.window().Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.more)
	widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, h.more.Size().Height)))
}

// showNote shows the note's whole text in a pop-up under its button.
func (h *header) showNote() {
	if h.noteText == "" {
		return
	}
	body := widget.NewLabel(h.noteText)
	body.Wrapping = fyne.TextWrapWord
	c := h.sh.window().Canvas()
	pop := widget.NewPopUp(container.NewPadded(body), c)
	w := float32(460)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.note)
	x := pos.X + h.note.Size().Width - w
	if x < 0 {
		x = 0
	}
	pop.Resize(fyne.NewSize(w, body.MinSize().Height))
	pop.Resize(fyne.NewSize(w, pop.MinSize().Height))
	pop.ShowAtPosition(fyne.NewPos(x, pos.Y+h.note.Size().Height))
}

func authText(m profiles.AuthMethod) string {
	if m == profiles.AuthBasic {
		return "HTTP Basic"
	}
	return lang.X("app.header.form_body", "form body")
}

// summaryTip names the parts of the summary line.
func summaryTip(p profiles.Profile) string {
	if t := kindTip(p); t != "" {
		return t
	}
	how := lang.X("app.header.tip_form", "form body: client_id and client_secret go in the POST body (ERP.net's documented default)")
	if p.Method() == profiles.AuthBasic {
		how = lang.X("app.header.tip_basic", "HTTP Basic: client_id and client_secret go in the Authorization header")
	}
	scopes := lang.X("app.header.tip_scopes", "the scopes requested: the instance grants only those listed in the Trusted App's Scope field")
	if len(p.Scopes) == 0 {
		scopes = lang.X("app.header.tip_no_scope", "no scope parameter is sent, so the token carries every scope in the Trusted App's Scope field")
	}
	return lang.X("app.header.tip", "Instance {{.Root}} · client_id (the Trusted App's Application URI) · {{.How}} · {{.Scopes}}.", map[string]any{"Root": p.Root(), "How": how, "Scopes": scopes})
}

func scopesText(s []string) string {
	if len(s) == 0 {
		return lang.X("app.header.no_scope", "no scope sent (all of the app's scopes)")
	}
	return strings.Join(s, " ")
}

func (h *header) set(p profiles.Profile) {
	h.name.SetText(p.Name)
	env := p.Environment
	if env == "" {
		env = lang.X("app.env.none", "No environment")
	}
	h.env.Text = env
	h.env.Custom = widgets.EnvColor(p.Environment)
	h.env.Refresh()
	h.line.SetText(strings.Join(headerParts(p), "  ·  ")) // header_kind.go
	h.line.SetToolTip(summaryTip(p))
	note, short, icon, imp := "", "", theme.InfoIcon(), widget.LowImportance
	if sb, ok := h.desk.Scenario(p.Name); ok {
		note, short = lang.X("app.header.scenario", "Sandbox scenario: {{.Description}}", map[string]any{"Description": sb.Description}), lang.X("app.header.about_scenario", "About this scenario")
		if sb.Expect != "" {
			note += " " + lang.X("app.header.expected", "Expected: {{.Expect}}", map[string]any{"Expect": sb.Expect})
		}
	} else if p.SecretSetAt.IsZero() || p.StoredKind() != p.KindOf() {
		note, short = missingCredentialNote(p)
		icon, imp = theme.WarningIcon(), widget.WarningImportance
	} else if note = secretElsewhereNote(p); note != "" { // editor_hosts.go
		short, icon, imp = lang.X("app.header.secret_elsewhere", "Secret stored for another host"), theme.WarningIcon(), widget.WarningImportance
	} else if age := h.desk.Now().Sub(p.SecretSetAt); age > rotationAge {
		note = lang.X("app.header.rotate", "The client secret was set {{.Age}} ago: consider rotating it.", map[string]any{"Age": roughAge(age)})
		short = lang.X("app.header.secret_age", "Secret set {{.Age}} ago", map[string]any{"Age": roughAge(age)})
		icon, imp = theme.WarningIcon(), widget.WarningImportance
	}
	h.noteText = note
	h.note.SetText(short)
	h.note.SetIcon(icon)
	h.note.Importance = imp
	if note == "" {
		h.note.Hide()
	} else {
		h.note.Show()
	}
	h.note.Refresh()
}

func (h *header) setRunning(r bool) {
	if r {
		h.test.Disable()
		h.test.Hide()
		h.cancel.Enable()
		h.cancel.Show()
		h.edit.Disable()
	} else {
		h.test.Enable()
		h.test.Show()
		h.cancel.Hide()
		h.edit.Enable()
	}
}

// cancelling shows that a cancel was asked for.
func (h *header) cancelling() { h.cancel.Disable() }

// duplicateCurrent stores a copy of the selected profile with its secret.
func (h *header) duplicateCurrent() {
	p, ok := h.desk.Current()
	if !ok {
		return
	}
	h.desk.DuplicateProfile(p.Name, func(res desk.Duplicated) {
		if res.Err != nil {
			h.sh.showError(lang.X("app.dup.failed", "Could not duplicate “{{.Name}}”", map[string]any{"Name": p.Name}), res.Err, lang.X("app.dup.failed_fix", "Try again; if the store file changed on disk, the app reloads it first."))
			return
		}
		msg := lang.X("app.dup.done_secret", "Duplicated as “{{.Copy}}” with its client secret.", map[string]any{"Copy": res.Copy.Name})
		if !res.SecretCopied {
			msg = lang.X("app.dup.done_no_secret", "Duplicated as “{{.Copy}}”. “{{.Name}}” has no client secret: press Edit to add one.", map[string]any{"Copy": res.Copy.Name, "Name": p.Name})
		}
		h.sh.setStatus(msg)
	})
}

// renameCurrent asks for a new name, then renames the profile and moves its secret.
func (h *header) renameCurrent() {
	p, ok := h.desk.Current()
	if !ok {
		return
	}
	var k *keyDialog
	e := newDialogEntry(func() { k.close(-1) })
	e.name = lang.X("app.rename.new_name", "New name")
	e.SetText(p.Name)
	e.Validator = func(s string) error { return nameError(h.desk.Profiles(), s, p.Name) }
	form := widget.NewForm(widget.NewFormItem(lang.X("app.rename.new_name", "New name"), e))
	k = showKeyDialog(h.sh.window(), lang.X("app.rename.title", "Rename profile"), form, fyne.NewSize(480, 1), widget.HighImportance, []string{lang.X("app.cancel", "Cancel"), lang.X("app.rename.rename", "Rename")}, func(pressed int) {
		name := profiles.NormalizeName(strings.TrimSpace(e.Text))
		if pressed != 1 || name == p.Name {
			return
		}
		h.desk.RenameProfile(p.Name, name, func(err error) {
			var saved *profiles.SavedError
			switch {
			case errors.As(err, &saved):
				h.sh.showError(lang.X("app.rename.partly", "Renamed, but not everything went with it"), err, lang.X("app.editor.paste_again", "Open Edit and paste the secret again."))
			case err != nil:
				h.sh.showError(lang.X("app.rename.failed", "Could not rename “{{.Name}}”", map[string]any{"Name": p.Name}), err, lang.X("app.rename.failed_fix", "Choose a name no other profile uses. Nothing was changed."))
			}
		})
	})
	k.allow = func(pressed int) bool { return pressed != 1 || e.Validate() == nil }
	e.OnSubmitted = func(string) { k.close(1) }
	h.sh.focus(e)
}

// deleteCurrent deletes the selected profile and its secret after a confirmation.
func (h *header) deleteCurrent() {
	p, ok := h.desk.Current()
	if !ok {
		return
	}
	data := map[string]any{"Name": p.Name, "Keychain": keychainName()}
	confirmDanger(h.sh.window(), lang.X("app.delete.ask", "Delete “{{.Name}}”?", data),
		lang.X("app.delete.text", "The profile and its client secret in {{.Keychain}} are removed. The Trusted App on the server is not touched.", data),
		lang.X("app.delete.delete", "Delete"), func() {
			h.desk.DeleteProfiles([]string{p.Name}, func(res desk.Deleted) {
				if res.Failed != nil {
					h.sh.showError(lang.X("app.delete.failed", "Could not delete “{{.Name}}”", data), res.Failed, deleteFix(res))
					return
				}
				h.sh.setStatus(lang.X("app.delete.done", "Deleted “{{.Name}}”.", data))
			})
		})
}

// deleteFix is what to do after a delete that failed.
func deleteFix(res desk.Deleted) string {
	var saved *profiles.SavedError
	if errors.As(res.Failed, &saved) {
		return lang.X("app.delete.fix_saved", "The profile is gone; remove its entry in {{.Keychain}} by hand, or leave it: a profile made later with this name replaces it when you paste its secret.", map[string]any{"Keychain": keychainName()})
	}
	return lang.X("app.delete.fix", "Check that the store file is writable and {{.Keychain}} unlocked, then try again. Nothing was deleted.", map[string]any{"Keychain": keychainName()})
}

// confirmDanger asks before a destructive action; Keep is the safe default.
func confirmDanger(w fyne.Window, title, msg, action string, do func()) {
	askYesNo(w, title, msg, lang.X("app.keep", "Keep"), action, widget.DangerImportance, func(ok bool) {
		if ok {
			do()
		}
	})
}

// askToken asks for an access token to inspect with the current profile's instance.
func (h *header) askToken() {
	p, ok := h.desk.Current()
	if !ok || h.desk.Running() {
		return
	}
	var k *keyDialog
	e := newSecretEntry(func() { k.close(-1) }) // Esc in the field closes the dialog
	e.SetPlaceHolder(lang.X("app.inspect.hint", "eyJhbGciOi… or enrt_…"))
	e.Validator = func(s string) error {
		if check.TrimBearer(s) == "" {
			return errors.New(lang.X("app.inspect.paste", "paste the access token"))
		}
		return nil
	}
	intro := wrapLabel(lang.X("app.inspect.intro", "Paste an access token (a JWT, or an enrt_ reference token) from a log, a script or a colleague. It is decoded, its signature is checked against {{.Root}}'s published keys, and {{.Name}}'s API calls run with it. Nothing is requested from the identity server; the token stays in memory and is never saved.",
		map[string]any{"Root": p.Root(), "Name": p.Name}))
	k = showKeyDialog(h.sh.window(), lang.X("app.inspect.title", "Inspect a token"), container.NewVBox(intro, keyLabel("ACCESS TOKEN"), e), fyne.NewSize(620, 280),
		widget.HighImportance, []string{lang.X("app.cancel_esc", "Cancel  (Esc)"), lang.X("app.inspect.inspect", "Inspect")}, func(pressed int) {
			raw := check.TrimBearer(e.Text)
			e.SetText("")
			if pressed != 1 {
				return
			}
			if raw == "" {
				h.sh.showMessage(lang.X("app.inspect.none", "No token pasted"), lang.X("app.inspect.none_text", "Paste the whole access token, then press Inspect."))
				return
			}
			h.sh.InspectToken(raw)
		})
	e.OnSubmitted = func(string) { k.close(1) }
	h.sh.focus(e)
}

// removeSandboxProfiles deletes every sandbox profile and its secret, after a
// confirmation; the user's own profiles stay. "Try the sandbox" brings them back.
func (h *header) removeSandboxProfiles() {
	names := h.desk.SandboxProfiles()
	if len(names) == 0 {
		return
	}
	confirmDanger(h.sh.window(), lang.XN("app.sandbox.remove_ask", "Remove the {{.Count}} sandbox profiles?", len(names), map[string]any{"Count": len(names)}),
		lang.X("app.sandbox.remove_text", "The profiles made for the built-in sandbox and their secrets are removed. Your own profiles stay. “Try the sandbox” brings the scenarios back."),
		lang.X("app.sandbox.remove", "Remove"), func() {
			h.desk.DeleteProfiles(names, func(res desk.Deleted) {
				if res.Failed != nil {
					h.sh.showError(lang.XN("app.sandbox.removed_some", "Removed {{.Done}} of {{.Count}} sandbox profiles", len(names), map[string]any{"Done": len(res.Removed), "Count": len(names)}), res.Failed, deleteFix(res))
					return
				}
				h.sh.setStatus(lang.XN("app.sandbox.removed", "Removed {{.Count}} sandbox profiles.", len(res.Removed), map[string]any{"Count": len(res.Removed)}))
			})
		})
}

// nameTagLayout puts the environment tag right after the profile name: the name takes
// its natural width, or what is left beside the tag (then it ends in an ellipsis).
type nameTagLayout struct{ name *widget.Label }

func (l *nameTagLayout) nameWidth() float32 {
	th := l.name.Theme()
	return fyne.MeasureText(l.name.Text, th.Size(l.name.SizeName), l.name.TextStyle).Width + 2*th.Size(theme.SizeNameInnerPadding) + th.Size(theme.SizeNamePadding)
}

func (l *nameTagLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	name, tag := objs[0], objs[1]
	tw := tag.MinSize().Width
	w := l.nameWidth()
	if max := size.Width - tw - theme.Padding(); w > max {
		w = max
	}
	if w < 0 {
		w = 0
	}
	name.Move(fyne.NewPos(0, 0))
	name.Resize(fyne.NewSize(w, size.Height))
	tag.Move(fyne.NewPos(w+theme.Padding(), 0))
	tag.Resize(fyne.NewSize(tw, size.Height))
}

func (l *nameTagLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	n, t := objs[0].MinSize(), objs[1].MinSize()
	h := n.Height
	if t.Height > h {
		h = t.Height
	}
	return fyne.NewSize(n.Width+theme.Padding()+t.Width, h)
}
