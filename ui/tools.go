package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/ui/widgets"
)

// The tool screens ("Compare…" and "Explain an error…") take the place of the run
// view on the right, like the editor, and Close (or Esc) brings back what was there.
// Esc is handled here for the whole window: Fyne gives a key without a modifier to
// the focused widget, or, when none has the focus, to the canvas's typed-key handler,
// never to a canvas shortcut. The fields of the tool screens pass Esc on
// (dialogEntry, escSelect, escCheck).

// toolScreen is a screen opened from the menu that closes back to where it came from.
type toolScreen interface {
	screen() fyne.CanvasObject
	// primary is Ctrl+Enter on the screen (Compare, Explain).
	primary()
	// escape is Esc on the screen: cancel what runs, else close.
	escape()
	// closed is called when the screen goes away (Close, Esc, another screen).
	closed()
}

// openTool shows t on the right, remembering the screen it replaces (the editor comes
// back as it was; anything else, as the selected profile now is).
func (u *UI) openTool(t toolScreen) {
	if u.tool() == nil {
		u.toolBack = u.right.Objects[0]
		u.toolStatus = u.status.Text
	}
	u.showScreen(t.screen())
}

// closeTool closes the tool screen shown and brings back the one it replaced.
func (u *UI) closeTool() {
	if u.tool() == nil {
		return
	}
	back := u.toolBack
	u.toolBack = nil
	if back == u.editor.content {
		u.showScreen(back)
		return
	}
	u.showSelected()
}

// leaving tells the tool screen shown that o replaces it, and puts back the status line
// it found.
func (u *UI) leaving(o fyne.CanvasObject) {
	if t := u.tool(); t != nil && t.screen() != o {
		t.closed()
		u.setStatus(u.toolStatus)
	}
}

// tool is the tool screen shown (nil when none).
func (u *UI) tool() toolScreen {
	switch {
	case u.compare != nil && u.showing(u.compare.content):
		return u.compare
	case u.explainer != nil && u.showing(u.explainer.content):
		return u.explainer
	case u.fleet != nil && u.showing(u.fleet.content):
		return u.fleet
	}
	return nil
}

// typedKey is the canvas's handler of keys no focused widget took.
func (u *UI) typedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape {
		u.escape()
	}
}

// escape is Esc when no dialog that closes on Esc is open (escapeCloses chains those
// in front): it cancels or closes the tool screen shown, closes the profile editor
// without saving (as its Cancel does), else cancels the test run in flight. Under
// another dialog it does nothing.
func (u *UI) escape() {
	if u.win.Canvas().Overlays().Top() != nil {
		return
	}
	if t := u.tool(); t != nil {
		t.escape()
		return
	}
	if u.showing(u.editor.content) {
		u.closeEditor()
		return
	}
	u.CancelRun()
}

// showWithEsc shows d over w so that Esc dismisses it (as its dismiss button does; a
// confirmation answers no).
func showWithEsc(w fyne.Window, d dialog.Dialog) {
	d.SetOnClosed(escapeCloses(w.Canvas(), d.Hide))
	d.Show()
}

// escSelect is a select that hands Esc to onEsc (a tapped select keeps the focus).
type escSelect struct {
	widget.Select
	onEsc func()
	// name is what a screen reader calls the choice; the place holder when empty.
	name string
}

// AccessibilityLabel implements fyne.Accessible: "Read with: this run's token".
func (s *escSelect) AccessibilityLabel() string {
	name := s.name
	if name == "" {
		name = s.PlaceHolder
	}
	if s.Selected == "" {
		return lang.X("app.a11y.select_empty", "{{.Name}}, drop-down list, nothing chosen", map[string]any{"Name": name})
	}
	return lang.X("app.a11y.select", "{{.Name}}, drop-down list: {{.Value}}", map[string]any{"Name": name, "Value": s.Selected})
}

// AccessibilityRole implements fyne.Accessible (a button that opens the list).
func (s *escSelect) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

func newEscSelect(changed func(string), onEsc func()) *escSelect {
	s := &escSelect{onEsc: onEsc}
	s.OnChanged = changed
	s.ExtendBaseWidget(s)
	return s
}

// TypedKey implements fyne.Focusable.
func (s *escSelect) TypedKey(ev *fyne.KeyEvent) { passEsc(ev, escTo(s, s.onEsc), s.Select.TypedKey) }

// Compare opens the compare view: the selected profile now against its latest run in
// History (or, with none, a side B to choose).
func (u *UI) Compare() {
	p, ok := u.desk.Current()
	if !ok {
		u.openCompare(compareChoice{}, compareChoice{}, false)
		return
	}
	u.openCompare(compareChoice{profile: p.Name}, compareChoice{profile: p.Name, latest: true}, false)
}

// CompareWith opens the compare view with the profile called name now as side A.
func (u *UI) CompareWith(name string) {
	u.openCompare(compareChoice{profile: name}, compareChoice{}, false)
}

// compareRuns opens the compare view on runs from History: a against b, at once (no
// request is made); b nil leaves side B to choose.
func (u *UI) compareRuns(a, b *check.RunSummary) {
	u.openCompare(compareChoice{run: a}, compareChoice{run: b}, b != nil)
}

func (u *UI) openCompare(a, b compareChoice, auto bool) {
	u.openTool(u.compare)
	u.compare.open(a, b, auto)
}

// ExplainError opens "Explain an error…" with the cursor in its paste box.
func (u *UI) ExplainError() {
	u.openTool(u.explainer)
	u.explainer.open()
}

// escCheck is a check box that hands Esc to onEsc (a tapped check box keeps the focus).
type escCheck struct {
	widget.Check
	onEsc func()
}

// AccessibilityLabel implements fyne.Accessible: the label and whether it is ticked.
func (c *escCheck) AccessibilityLabel() string {
	if c.Checked {
		return lang.X("app.a11y.check_ticked", "{{.Name}}, check box, ticked", map[string]any{"Name": c.Text})
	}
	return lang.X("app.a11y.check_unticked", "{{.Name}}, check box, not ticked", map[string]any{"Name": c.Text})
}

// AccessibilityRole implements fyne.Accessible.
func (c *escCheck) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

func newEscCheck(label string, onEsc func()) *escCheck {
	c := &escCheck{onEsc: onEsc}
	c.Text = label
	c.ExtendBaseWidget(c)
	return c
}

// TypedKey implements fyne.Focusable.
func (c *escCheck) TypedKey(ev *fyne.KeyEvent) { passEsc(ev, escTo(c, c.onEsc), c.Check.TypedKey) }

// escTo is where Esc goes from o: onEsc, or the window's handler when nil.
func escTo(o fyne.CanvasObject, onEsc func()) func() {
	if onEsc != nil {
		return onEsc
	}
	return func() { widgets.PassKey(o, &fyne.KeyEvent{Name: fyne.KeyEscape}) }
}

// toolHeader is a tool screen's top row: its title, and Close (Esc) on the right.
func toolHeader(title string, close func()) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.SizeName = theme.SizeNameHeadingText
	return container.NewBorder(nil, nil, nil, newButton(lang.X("app.close_esc", "Close  (Esc)"), theme.CancelIcon(), close), t)
}
