package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// Controls that keep the window's keys working while they have the keyboard: a focused
// Fyne widget takes every key, so Esc pressed on a button or a drop-down list never
// closed the screen or dialog it was on. These hand Esc on, to onEscape or to the
// window's handler (UI.typedKey, with dialogs chained in front by escapeCloses).

// button is a widget.Button that Space or Enter presses (Fyne's takes only Space) and
// that hands every other key to the window.
type button struct {
	widget.Button
	// spoken is what a screen reader says for an icon-only button ("Copy the
	// ApplicationUri"); Fyne says the icon's file name.
	spoken string
}

// AccessibilityLabel implements fyne.Accessible.
func (b *button) AccessibilityLabel() string {
	if b.Text == "" && b.spoken != "" {
		return b.spoken
	}
	return b.Button.AccessibilityLabel()
}

// newButton is widget.NewButtonWithIcon's button (icon may be nil).
func newButton(text string, icon fyne.Resource, tapped func()) *button {
	b := &button{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable.
func (b *button) TypedKey(ev *fyne.KeyEvent) {
	if widgets.Activates(ev) {
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	}
	widgets.PassKey(b, ev)
}

// escSelectEntry is a widget.SelectEntry (a field with a drop-down of suggestions) that
// hands Esc to onEscape, or to the window when nil.
type escSelectEntry struct {
	widget.SelectEntry
	onEscape func()
}

func newEscSelectEntry(options []string, onEscape func()) *escSelectEntry {
	e := &escSelectEntry{onEscape: onEscape}
	e.ExtendBaseWidget(e)
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	e.SetOptions(options)
	return e
}

// TypedKey implements fyne.Focusable.
func (e *escSelectEntry) TypedKey(k *fyne.KeyEvent) {
	passEsc(k, func() {
		if e.onEscape != nil {
			e.onEscape()
			return
		}
		widgets.PassKey(e, k)
	}, e.SelectEntry.TypedKey)
}

// newSecretEntry is a password field that hands Esc on (see dialogEntry), with a
// button that shows or hides what was typed (Fyne's own eye is not reachable from the
// keyboard; this one is a Tab stop).
func newSecretEntry(onEscape func()) *dialogEntry {
	e := newDialogEntry(onEscape)
	e.Password = true
	e.Wrapping = fyne.TextWrap(fyne.TextTruncateClip)
	var eye *widgets.TipButton
	// The icon says what the field does now, as Fyne's own: crossed out while hidden.
	eye = widgets.NewTipButton("", theme.VisibilityOffIcon(), lang.X("app.keys.show_typed", "Show what was typed"), func() {
		e.Password = !e.Password
		if e.Password {
			eye.SetIcon(theme.VisibilityOffIcon())
			eye.SetToolTip(lang.X("app.keys.show_typed", "Show what was typed"))
		} else {
			eye.SetIcon(theme.VisibilityIcon())
			eye.SetToolTip(lang.X("app.keys.hide_typed", "Hide what was typed"))
		}
		e.Refresh()
	})
	eye.Importance = widget.LowImportance
	e.ActionItem = eye
	return e
}

// inOrderBorder is container.NewBorder(top, bottom, nil, nil, center) with its objects
// in reading order (top, center, bottom): Tab follows the order of the objects, and
// NewBorder puts the center first.
func inOrderBorder(top, bottom, center fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, center, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, nil, nil), objs...)
}
