package ui

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	ttwidget "github.com/dweymouth/fyne-tooltip/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// header is the profile's summary row with the Test button.
type header struct {
	u    *UI
	name *widget.Label
	env  *widgets.Chip
	line *widgets.TipLabel
	// note is a compact button at the end of the summary line (a sandbox scenario's
	// description, a missing or old secret); tapping it shows the whole text.
	note     *ttwidget.Button
	noteText string
	test     *widget.Button
	// cancel takes the Test button's place while a run is in flight.
	cancel  *widget.Button
	edit    *ttwidget.Button
	more    *ttwidget.Button
	content fyne.CanvasObject
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

func newHeader(u *UI) *header {
	h := &header{u: u}
	h.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.name.SizeName = theme.SizeNameHeadingText
	h.name.Truncation = fyne.TextTruncateEllipsis
	h.env = widgets.NewChip("", "")
	h.line = widgets.NewTipLabel("", fyne.TextStyle{}, "")
	h.line.Truncation = fyne.TextTruncateEllipsis
	h.note = widgets.NewTipButton("", theme.InfoIcon(), "", h.showNote)
	h.note.Importance = widget.LowImportance
	h.test = widget.NewButtonWithIcon("Test this Trusted App  ("+shortcutHint()+")", theme.MediaPlayIcon(), u.StartRun)
	h.test.Importance = widget.HighImportance
	h.cancel = widget.NewButtonWithIcon("Cancel  (Esc)", theme.CancelIcon(), u.CancelRun)
	h.cancel.Hide()
	h.edit = widgets.NewTipButton("Edit", theme.DocumentCreateIcon(), "Edit this profile ("+keyHint("E")+")", u.EditCurrent)
	h.more = widgets.NewTipButton("", theme.MoreVerticalIcon(), "More actions: test with a fresh token, duplicate, rename, export, delete", nil)
	h.more.OnTapped = func() {
		fresh := fyne.NewMenuItem("Test with a fresh token  ("+freshShortcutHint()+")", u.StartFreshRun)
		fresh.Disabled = u.running
		menu := fyne.NewMenu("",
			fresh,
			fyne.NewMenuItem("Inspect a token…  ("+keyHint("I")+")", u.askToken),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Duplicate", u.duplicateCurrent),
			fyne.NewMenuItem("Rename…", u.renameCurrent),
			fyne.NewMenuItem("Export this profile…", func() {
				if p, ok := u.Current(); ok {
					u.sidebar.exportProfiles([]string{p.Name})
				}
			}),
			fyne.NewMenuItemSeparator(),
			fyne.NewMenuItem("Delete…", u.deleteCurrent),
		)
		if n := len(u.sandboxProfiles()); n > 0 {
			menu.Items = append(menu.Items, fyne.NewMenuItem(fmt.Sprintf("Remove the %d sandbox profiles…", n), u.removeSandboxProfiles))
		}
		c := u.win.Canvas()
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(h.more)
		widget.ShowPopUpMenuAtPosition(menu, c, pos.Add(fyne.NewPos(0, h.more.Size().Height)))
	}
	title := container.New(&nameTagLayout{name: h.name}, h.name, container.NewCenter(h.env))
	buttons := container.NewHBox(h.edit, h.more, h.test, h.cancel)
	// The buttons share the name's row; the summary line below gets the full width.
	// The note folds into the summary line: one row less above the identity card.
	h.content = container.NewVBox(container.NewBorder(nil, nil, nil, container.NewCenter(buttons), title),
		container.NewBorder(nil, nil, nil, h.note, h.line))
	return h
}

// showNote shows the note's whole text in a pop-up under its button.
func (h *header) showNote() {
	if h.noteText == "" {
		return
	}
	body := widget.NewLabel(h.noteText)
	body.Wrapping = fyne.TextWrapWord
	c := h.u.win.Canvas()
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
	return "form body"
}

// summaryTip names the parts of the summary line.
func summaryTip(p profiles.Profile) string {
	how := "form body: client_id and client_secret go in the POST body (ERP.net's documented default)"
	if p.Method() == profiles.AuthBasic {
		how = "HTTP Basic: client_id and client_secret go in the Authorization header"
	}
	scopes := "the scopes requested: the instance grants only those listed in the Trusted App's Scope field"
	if len(p.Scopes) == 0 {
		scopes = "no scope parameter is sent, so the token carries every scope in the Trusted App's Scope field"
	}
	return "Instance " + p.Root() + " · client_id (the Trusted App's Application URI) · " + how + " · " + scopes + "."
}

func scopesText(s []string) string {
	if len(s) == 0 {
		return "no scope sent (all of the app's scopes)"
	}
	return strings.Join(s, " ")
}

func (h *header) set(p profiles.Profile) {
	h.name.SetText(p.Name)
	env := p.Environment
	if env == "" {
		env = "No environment"
	}
	h.env.Text = env
	h.env.Custom = widgets.EnvColor(p.Environment)
	h.env.Refresh()
	h.line.SetText(strings.Join([]string{p.Root(), p.ClientID, authText(p.Method()), scopesText(p.Scopes)}, "  ·  "))
	h.line.SetToolTip(summaryTip(p))
	note, short, icon, imp := "", "", theme.InfoIcon(), widget.LowImportance
	if sb, ok := h.u.sandbox[p.Name]; ok {
		note, short = "Sandbox scenario: "+sb.Description, "About this scenario"
		if sb.Expect != "" {
			note += " Expected: " + sb.Expect
		}
	} else if p.SecretSetAt.IsZero() {
		note, short = "No client secret stored yet: press Edit to add it.", "No client secret yet"
		icon, imp = theme.WarningIcon(), widget.WarningImportance
	} else if age := h.u.deps.Now().Sub(p.SecretSetAt); age > rotationAge {
		note, short = "The client secret was set "+roughAge(age)+" ago: consider rotating it.", "Secret set "+roughAge(age)+" ago"
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

// duplicateCurrent stores a copy of the selected profile (without its secret).
func (u *UI) duplicateCurrent() {
	p, ok := u.Current()
	if !ok {
		return
	}
	cp := p
	cp.Name = u.freeName(p.Name + " copy")
	cp.SecretSetAt = time.Time{}
	cp.Created, cp.Updated = u.deps.Now(), u.deps.Now()
	cp.Sandbox = false
	u.background(func() {
		err := u.deps.Store.Add(cp)
		fyne.Do(func() {
			if err != nil {
				u.showError("Could not duplicate “"+p.Name+"”", err, "Try again; if the store file changed on disk, the app reloads it first.")
				return
			}
			u.setStatus("Duplicated as “" + cp.Name + "”. Its client secret was not copied: press Edit to add one.")
			u.Reload(cp.Name)
		})
	})
}

func (u *UI) freeName(base string) string {
	name := base
	for i := 2; ; i++ {
		if _, taken := u.find(name); !taken {
			return name
		}
		name = base + " " + strconv.Itoa(i)
	}
}

// renameCurrent asks for a new name, then renames the profile and moves its secret.
func (u *UI) renameCurrent() {
	p, ok := u.Current()
	if !ok {
		return
	}
	e := widget.NewEntry()
	e.SetText(p.Name)
	e.Validator = func(s string) error { return u.nameError(s, p.Name) }
	dialog.ShowForm("Rename profile", "Rename", "Cancel", []*widget.FormItem{widget.NewFormItem("New name", e)}, func(ok bool) {
		name := profiles.NormalizeName(strings.TrimSpace(e.Text))
		if !ok || name == p.Name {
			return
		}
		u.renameProfile(p, name)
	}, u.win)
}

func (u *UI) renameProfile(p profiles.Profile, name string) {
	np := p
	np.Name = name
	np.Updated = u.deps.Now()
	u.background(func() {
		err := u.deps.Store.Update(p.Name, np)
		var serr error
		if err == nil {
			serr = moveSecret(u.deps.Secrets, p.Name, name)
		}
		fyne.Do(func() {
			if err != nil {
				u.showError("Could not rename “"+p.Name+"”", err, "Choose a name no other profile uses.")
				return
			}
			if sb, ok := u.sandbox[p.Name]; ok {
				delete(u.sandbox, p.Name)
				u.sandbox[name] = sb
			}
			if r, ok := u.reports[p.Name]; ok {
				delete(u.reports, p.Name)
				u.reports[name] = r
			}
			if serr != nil {
				u.showError("Renamed, but the client secret could not be moved", serr, "Open Edit and paste the secret again.")
			}
			u.Reload(name)
		})
	})
}

func moveSecret(s SecretStore, from, to string) error {
	sec, err := s.Get(from)
	if err != nil || sec == "" {
		return err
	}
	if err := s.Set(to, sec); err != nil {
		return err
	}
	return s.Delete(from)
}

// deleteCurrent deletes the selected profile and its secret after a confirmation.
func (u *UI) deleteCurrent() {
	p, ok := u.Current()
	if !ok {
		return
	}
	u.confirmDanger("Delete “"+p.Name+"”?",
		"The profile and its client secret in the keychain are removed. The Trusted App on the server is not touched.",
		"Delete", func() {
			u.deleteProfiles([]string{p.Name}, func(_ int, err error) {
				if err != nil {
					u.showError("Could not delete “"+p.Name+"”", err, "Check that the store file is writable and try again.")
					return
				}
				u.setStatus("Deleted “" + p.Name + "”.")
			})
		})
}

// confirmDanger asks before a destructive action; Keep is the safe default.
func (u *UI) confirmDanger(title, msg, action string, do func()) {
	d := dialog.NewConfirm(title, msg, func(ok bool) {
		if ok {
			do()
		}
	}, u.win)
	d.SetConfirmText(action)
	d.SetDismissText("Keep")
	d.SetConfirmImportance(widget.DangerImportance)
	d.Show()
}

// deleteProfiles deletes the named profiles and their secrets on a goroutine, then
// calls done on the UI goroutine with how many went and the first failure, and
// reloads the list.
func (u *UI) deleteProfiles(names []string, done func(removed int, failed error)) {
	u.background(func() {
		var failed error
		var gone []string
		for _, n := range names {
			if err := u.deps.Store.Delete(n); err != nil {
				if failed == nil {
					failed = err
				}
				continue
			}
			_ = u.deps.Secrets.Delete(n)
			gone = append(gone, n)
		}
		fyne.Do(func() {
			for _, n := range gone {
				delete(u.reports, n)
				delete(u.sandbox, n)
			}
			done(len(gone), failed)
			u.current = ""
			u.Reload("")
		})
	})
}

// askToken asks for an access token to inspect with the current profile's instance.
func (u *UI) askToken() {
	p, ok := u.Current()
	if !ok || u.running {
		return
	}
	e := widget.NewPasswordEntry()
	e.SetPlaceHolder("eyJhbGciOi… or enrt_…")
	e.Validator = func(s string) error {
		if check.TrimBearer(s) == "" {
			return errors.New("paste the access token")
		}
		return nil
	}
	intro := wrapLabel("Paste an access token (a JWT, or an enrt_ reference token) from a log, a script or a colleague. It is decoded, its signature is checked against " + p.Root() + "'s published keys, and " + p.Name + "'s API calls run with it. Nothing is requested from the identity server; the token stays in memory and is never saved.")
	var d *dialog.ConfirmDialog
	d = dialog.NewCustomConfirm("Inspect a token", "Inspect", "Cancel",
		container.NewVBox(intro, keyLabel("ACCESS TOKEN"), e), func(ok bool) {
			raw := check.TrimBearer(e.Text)
			e.SetText("")
			if !ok {
				return
			}
			if raw == "" {
				u.showMessage("No token pasted", "Paste the whole access token, then press Inspect.")
				return
			}
			u.InspectToken(raw)
		}, u.win)
	e.OnSubmitted = func(string) { d.Confirm() }
	d.Resize(fyne.NewSize(620, 280))
	d.Show()
	u.win.Canvas().Focus(e)
}

// sandboxProfiles are the names of the stored profiles made for the sandbox.
func (u *UI) sandboxProfiles() []string {
	var names []string
	for _, p := range u.profiles {
		if p.Sandbox {
			names = append(names, p.Name)
		}
	}
	return names
}

// removeSandboxProfiles deletes every sandbox profile and its secret, after a
// confirmation; the user's own profiles stay. "Try the sandbox" brings them back.
func (u *UI) removeSandboxProfiles() {
	names := u.sandboxProfiles()
	if len(names) == 0 {
		return
	}
	u.confirmDanger(fmt.Sprintf("Remove the %d sandbox profiles?", len(names)),
		"The profiles made for the built-in sandbox and their secrets are removed. Your own profiles stay. “Try the sandbox” brings the scenarios back.",
		"Remove", func() {
			u.deleteProfiles(names, func(removed int, err error) {
				if err != nil {
					u.showError(fmt.Sprintf("Removed %d of %d sandbox profiles", removed, len(names)), err, "Check that the store file is writable and try again.")
					return
				}
				u.setStatus(fmt.Sprintf("Removed %d sandbox profiles.", removed))
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
