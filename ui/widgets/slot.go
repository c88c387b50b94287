package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	ttwidget "github.com/dweymouth/fyne-tooltip/widget"
)

// Slot is one step of the run timeline: an icon, the step's name and, under it, a
// short detail ("failed · 88 ms", "3/3 passed"). It shrinks with an ellipsis instead of
// pushing the row wider than the window, and is tappable; once it has something to
// open (SetOpenable) it is a Tab stop that Space or Enter opens.
type Slot struct {
	widget.BaseWidget
	// The slot explains its step in a tooltip (SetToolTip).
	ttwidget.ToolTipWidgetExtend
	// Text is the whole slot text, "Title  detail" (what a screen reader or a test reads).
	Text     string
	title    string
	detail   string
	icon     fyne.Resource
	hovered  bool
	OnTapped func()
	// Spoken is what a screen reader says for the slot ("Token: failed,
	// invalid_client"); Text when empty.
	Spoken   string
	openable bool
	focused  bool
}

// NewSlot returns a slot with a title and icon.
func NewSlot(title string, icon fyne.Resource, tapped func()) *Slot {
	s := &Slot{title: title, Text: title, icon: icon, OnTapped: tapped}
	s.ExtendBaseWidget(s)
	return s
}

// Set changes the title and detail.
func (s *Slot) Set(title, detail string) {
	s.title, s.detail = title, detail
	s.Text = title
	if detail != "" {
		s.Text += "  " + detail
	}
	s.Refresh()
}

// SetIcon changes the icon.
func (s *Slot) SetIcon(r fyne.Resource) { s.icon = r; s.Refresh() }

// Tapped implements fyne.Tappable.
func (s *Slot) Tapped(*fyne.PointEvent) {
	if s.OnTapped != nil {
		s.OnTapped()
	}
}

// SetOpenable says whether the slot has results to open: only then is it a Tab stop.
func (s *Slot) SetOpenable(on bool) { s.openable = on }

// Disabled reports that the slot has nothing to open yet: the focus manager passes over
// it. It never looks disabled: the icon says the step has not run.
func (s *Slot) Disabled() bool { return !s.openable }

// Enable implements fyne.Disableable (SetOpenable(true)).
func (s *Slot) Enable() { s.SetOpenable(true) }

// Disable implements fyne.Disableable (SetOpenable(false)).
func (s *Slot) Disable() { s.SetOpenable(false) }

// FocusGained implements fyne.Focusable.
func (s *Slot) FocusGained() { s.focused = true; s.Refresh() }

// FocusLost implements fyne.Focusable.
func (s *Slot) FocusLost() { s.focused = false; s.Refresh() }

// TypedRune implements fyne.Focusable.
func (s *Slot) TypedRune(rune) {}

// TypedKey opens the slot on Space or Enter and hands every other key to the window.
func (s *Slot) TypedKey(ev *fyne.KeyEvent) {
	if Activates(ev) && s.OnTapped != nil {
		s.OnTapped()
		return
	}
	PassKey(s, ev)
}

// AccessibilityLabel implements fyne.Accessible.
func (s *Slot) AccessibilityLabel() string {
	if s.Spoken != "" {
		return s.Spoken
	}
	return s.Text
}

// AccessibilityRole implements fyne.Accessible: a button (it opens the step's details).
func (s *Slot) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

// Cursor implements desktop.Cursorable.
func (s *Slot) Cursor() desktop.Cursor { return desktop.PointerCursor }

// ExtendBaseWidget also wires the tooltip.
func (s *Slot) ExtendBaseWidget(w fyne.Widget) {
	s.ExtendToolTipWidget(w)
	s.BaseWidget.ExtendBaseWidget(w)
}

// MouseIn implements desktop.Hoverable.
func (s *Slot) MouseIn(e *desktop.MouseEvent) {
	s.hovered = true
	s.Refresh()
	tipIn(&s.ToolTipWidgetExtend, e)
}

// MouseMoved implements desktop.Hoverable.
func (s *Slot) MouseMoved(e *desktop.MouseEvent) { tipMoved(&s.ToolTipWidgetExtend, e) }

// MouseOut implements desktop.Hoverable.
func (s *Slot) MouseOut() {
	s.hovered = false
	s.Refresh()
	tipOut(&s.ToolTipWidgetExtend)
}

// CreateRenderer implements fyne.Widget.
func (s *Slot) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHover))
	bg.CornerRadius = theme.InputRadiusSize()
	icon := widget.NewIcon(s.icon)
	title := widget.NewLabelWithStyle(s.title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	detail := widget.NewLabel(s.detail)
	detail.SizeName = theme.SizeNameCaptionText
	detail.Truncation = fyne.TextTruncateEllipsis
	texts := container.New(layout.NewCustomPaddedVBoxLayout(-14), title, detail)
	box := container.NewBorder(nil, nil, container.NewCenter(icon), nil, texts)
	r := &slotRenderer{s: s, bg: bg, icon: icon, title: title, detail: detail, box: box}
	r.Refresh()
	return r
}

type slotRenderer struct {
	s      *Slot
	bg     *canvas.Rectangle
	icon   *widget.Icon
	title  *widget.Label
	detail *widget.Label
	box    *fyne.Container
}

func (r *slotRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	r.box.Resize(size)
}

func (r *slotRenderer) MinSize() fyne.Size {
	m := r.box.MinSize()
	// Room for the icon and a few letters: the title truncates below its full width.
	return fyne.NewSize(m.Width, m.Height)
}

func (r *slotRenderer) Refresh() {
	th := r.s.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	if r.s.hovered || r.s.focused {
		r.bg.Show()
	} else {
		r.bg.Hide()
	}
	r.icon.SetResource(r.s.icon)
	r.title.SetText(r.s.title)
	r.detail.SetText(r.s.detail)
	if r.s.detail == "" {
		r.detail.SetText(" ")
	}
	r.bg.Refresh()
}

func (r *slotRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.box} }
func (r *slotRenderer) Destroy()                     {}
