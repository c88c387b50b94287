package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// CopyLabel is a label whose whole value can be seen and copied even when the text is
// cut with an ellipsis: hovering, or the keyboard's focus, calls OnHover (the app shows
// the value in its status line) and a click, a tap, Space or Enter calls OnCopy with
// Value. It is a Tab stop while it has a value to copy.
type CopyLabel struct {
	widget.Label
	// Value is what is copied (often longer than what Text shows); empty means
	// nothing to copy.
	Value   string
	OnCopy  func(value string)
	OnHover func(in bool)
	// Name says what the value is ("System User"): a screen reader says "Name: value".
	Name string

	focused bool
}

// NewCopyLabel returns an empty copyable label.
func NewCopyLabel() *CopyLabel {
	l := &CopyLabel{}
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// Set changes the shown text and the copied value.
func (l *CopyLabel) Set(text, value string) {
	l.Value = value
	l.SetText(text)
}

// CopyValue is what a tap copies.
func (l *CopyLabel) CopyValue() string { return l.Value }

// Tapped implements fyne.Tappable.
func (l *CopyLabel) Tapped(*fyne.PointEvent) {
	if l.OnCopy != nil && l.CopyValue() != "" {
		l.OnCopy(l.CopyValue())
	}
}

// Disabled reports that there is nothing to copy: the focus manager then passes over
// the label. It never looks disabled (it is a label).
func (l *CopyLabel) Disabled() bool { return l.Value == "" || l.OnCopy == nil }

// Enable implements fyne.Disableable (the label is pressable exactly when it has a
// value to copy).
func (l *CopyLabel) Enable() {}

// Disable implements fyne.Disableable (see Enable).
func (l *CopyLabel) Disable() {}

// FocusGained shows the whole value as hovering does.
func (l *CopyLabel) FocusGained() {
	l.focused = true
	if l.OnHover != nil {
		l.OnHover(true)
	}
}

// FocusLost implements fyne.Focusable.
func (l *CopyLabel) FocusLost() {
	l.focused = false
	if l.OnHover != nil {
		l.OnHover(false)
	}
}

// TypedRune implements fyne.Focusable.
func (l *CopyLabel) TypedRune(rune) {}

// TypedKey copies on Space or Enter and hands every other key to the window.
func (l *CopyLabel) TypedKey(ev *fyne.KeyEvent) {
	if Activates(ev) {
		l.Tapped(nil)
		return
	}
	PassKey(l, ev)
}

// AccessibilityLabel implements fyne.Accessible: "System User: svc-import".
func (l *CopyLabel) AccessibilityLabel() string {
	v := l.Value
	if v == "" {
		v = l.Text
	}
	if l.Name == "" {
		return v
	}
	return l.Name + ": " + v
}

// AccessibilityRole implements fyne.Accessible: a button while it copies something.
func (l *CopyLabel) AccessibilityRole() fyne.AccessibleRole {
	if l.Disabled() {
		return fyne.AccessibleRoleText
	}
	return fyne.AccessibleRoleButton
}

// Cursor shows a pointer when there is a value to copy.
func (l *CopyLabel) Cursor() desktop.Cursor {
	if l.Value != "" {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// MouseIn implements desktop.Hoverable.
func (l *CopyLabel) MouseIn(*desktop.MouseEvent) {
	if l.OnHover != nil {
		l.OnHover(true)
	}
}

// MouseMoved implements desktop.Hoverable.
func (l *CopyLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (l *CopyLabel) MouseOut() {
	if l.OnHover != nil {
		l.OnHover(false)
	}
}
