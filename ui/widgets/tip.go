package widgets

import (
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
	ttwidget "github.com/dweymouth/fyne-tooltip/widget"
)

// Tooltips come from github.com/dweymouth/fyne-tooltip: the window's content must be
// wrapped with fynetooltip.AddWindowToolTipLayer for them to show. A widget with an
// empty tooltip shows none.
//
// The library shows a tooltip a moment after the pointer came to rest on its widget and
// hides it when the pointer leaves. A widget that leaves the window under a resting
// pointer (its screen replaced after a click) gets no such event, so its tooltip would
// float over the next screen: every tooltip widget here notes when the pointer is on
// it, and HideToolTips, which the window calls when it changes screens, hides that
// one's tooltip, shown or pending.

// hovered is the tooltip widget under the pointer (nil for none).
var hovered struct {
	sync.Mutex
	tip *ttwidget.ToolTipWidgetExtend
}

// HideToolTips hides the tooltip of the widget under the pointer, shown or about to
// show (call it on the UI goroutine).
func HideToolTips() {
	hovered.Lock()
	t := hovered.tip
	hovered.tip = nil
	hovered.Unlock()
	if t != nil {
		t.MouseOut()
	}
}

// tipIn starts the tooltip's delay and notes the widget as hovered; a nil event (a test
// calling MouseIn directly) carries no position, so it shows nothing.
func tipIn(t *ttwidget.ToolTipWidgetExtend, e *desktop.MouseEvent) {
	if e == nil {
		return
	}
	hovered.Lock()
	hovered.tip = t
	hovered.Unlock()
	t.MouseIn(e)
}

func tipMoved(t *ttwidget.ToolTipWidgetExtend, e *desktop.MouseEvent) {
	if e != nil {
		t.MouseMoved(e)
	}
}

// tipOut hides the tooltip as the pointer leaves.
func tipOut(t *ttwidget.ToolTipWidgetExtend) {
	hovered.Lock()
	if hovered.tip == t {
		hovered.tip = nil
	}
	hovered.Unlock()
	t.MouseOut()
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
func (l *TipLabel) MouseOut() { tipOut(&l.ToolTipWidgetExtend) }

// TipButton is a button (often icon-only) whose tooltip says what it does.
type TipButton struct {
	ttwidget.Button
}

// NewTipButton returns a button with text, icon, tooltip and action.
func NewTipButton(text string, icon fyne.Resource, tip string, tapped func()) *TipButton {
	b := &TipButton{}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	b.SetToolTip(tip)
	return b
}

// TypedKey presses the button on Space or Enter and hands every other key to the
// window (Fyne's button takes only Space, and swallows Esc).
func (b *TipButton) TypedKey(ev *fyne.KeyEvent) {
	if Activates(ev) {
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	}
	PassKey(b, ev)
}

// AccessibilityLabel implements fyne.Accessible: the text, or the tooltip of an
// icon-only button (Fyne would say the icon's file name).
func (b *TipButton) AccessibilityLabel() string {
	if b.Text != "" {
		return b.Text
	}
	return b.ToolTip()
}

// MouseIn implements desktop.Hoverable.
func (b *TipButton) MouseIn(e *desktop.MouseEvent) {
	tipIn(&b.ToolTipWidgetExtend, e)
	b.Button.Button.MouseIn(e)
}

// MouseMoved implements desktop.Hoverable.
func (b *TipButton) MouseMoved(e *desktop.MouseEvent) {
	tipMoved(&b.ToolTipWidgetExtend, e)
	b.Button.Button.MouseMoved(e)
}

// MouseOut implements desktop.Hoverable.
func (b *TipButton) MouseOut() {
	tipOut(&b.ToolTipWidgetExtend)
	b.Button.Button.MouseOut()
}
