package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// CopyLabel is a label whose whole value can be seen and copied even when the text is
// cut with an ellipsis: hovering calls OnHover (the app shows the value in its status
// line) and a click or tap calls OnCopy with Value.
type CopyLabel struct {
	widget.Label
	// Value is what is copied (often longer than what Text shows); empty means
	// nothing to copy.
	Value   string
	OnCopy  func(value string)
	OnHover func(in bool)
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
