package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	ttwidget "github.com/dweymouth/fyne-tooltip/widget"
)

// Tooltips come from github.com/dweymouth/fyne-tooltip: the window's content must be
// wrapped with fynetooltip.AddWindowToolTipLayer for them to show. A widget with an
// empty tooltip shows none.

// tipIn starts the tooltip's delay; a nil event (a test calling MouseIn directly)
// carries no position, so it shows nothing.
func tipIn(t *ttwidget.ToolTipWidgetExtend, e *desktop.MouseEvent) {
	if e != nil {
		t.MouseIn(e)
	}
}

func tipMoved(t *ttwidget.ToolTipWidgetExtend, e *desktop.MouseEvent) {
	if e != nil {
		t.MouseMoved(e)
	}
}

// TipLabel is a label that explains itself in a tooltip.
type TipLabel struct {
	widget.Label
	ttwidget.ToolTipWidgetExtend
}

// NewTipLabel returns a label with text, style and tooltip.
func NewTipLabel(text string, style fyne.TextStyle, tip string) *TipLabel {
	l := &TipLabel{}
	l.Text = text
	l.TextStyle = style
	l.ExtendBaseWidget(l)
	l.SetToolTip(tip)
	return l
}

// ExtendBaseWidget also wires the tooltip.
func (l *TipLabel) ExtendBaseWidget(w fyne.Widget) {
	l.ExtendToolTipWidget(w)
	l.Label.ExtendBaseWidget(w)
}

// MouseIn implements desktop.Hoverable.
func (l *TipLabel) MouseIn(e *desktop.MouseEvent) { tipIn(&l.ToolTipWidgetExtend, e) }

// MouseMoved implements desktop.Hoverable.
func (l *TipLabel) MouseMoved(e *desktop.MouseEvent) { tipMoved(&l.ToolTipWidgetExtend, e) }

// MouseOut implements desktop.Hoverable.
func (l *TipLabel) MouseOut() { l.ToolTipWidgetExtend.MouseOut() }

// NewTipButton returns a button (often icon-only) whose tooltip says what it does.
func NewTipButton(text string, icon fyne.Resource, tip string, tapped func()) *ttwidget.Button {
	b := ttwidget.NewButtonWithIcon(text, icon, tapped)
	b.SetToolTip(tip)
	return b
}
