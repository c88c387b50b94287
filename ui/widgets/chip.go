// Package widgets holds the small reusable pieces of the desktop app: chips for scopes
// and environments, and verdict icons.
package widgets

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	ttwidget "github.com/dweymouth/fyne-tooltip/widget"
)

// Chip is a small rounded label with a coloured background, used for scopes and
// environment tags.
type Chip struct {
	widget.BaseWidget
	// The chip shows a tooltip (SetToolTip) after the pointer rests on it.
	ttwidget.ToolTipWidgetExtend
	Text string
	// Color is the theme colour of the background; the text uses the matching
	// "on" colour (or the foreground colour for neutral chips).
	Color fyne.ThemeColorName
	// Custom overrides Color with a fixed colour (environment tags).
	Custom color.Color
	// Strike is the leading part of Text drawn struck through (a scope requested but
	// not granted); empty for none.
	Strike string
	// Outlined draws an unselected chip: a border in Color on no fill.
	Outlined bool
	// Icon, when set, leads the text, drawn in the text's colour (a ✔ or ✖ typed as
	// text comes from a fallback font in its own colour, dark on any chip).
	Icon fyne.Resource
	// OnTapped makes the chip a button (scope toggles, remove chips): it is then a Tab
	// stop, and Space or Enter presses it.
	OnTapped func()
	// Description is what a screen reader says for the chip ("read: granted"); Text
	// when empty.
	Description string

	focused bool
}

// NewIconChip returns a chip with an icon before its text.
func NewIconChip(icon fyne.Resource, text string, c fyne.ThemeColorName) *Chip {
	ch := NewChip(text, c)
	ch.Icon = icon
	return ch
}

// Tapped implements fyne.Tappable.
func (c *Chip) Tapped(*fyne.PointEvent) {
	if c.OnTapped != nil {
		c.OnTapped()
	}
}

// FocusGained implements fyne.Focusable (a chip with an action).
func (c *Chip) FocusGained() { c.focused = true; c.Refresh() }

// FocusLost implements fyne.Focusable.
func (c *Chip) FocusLost() { c.focused = false; c.Refresh() }

// TypedRune implements fyne.Focusable.
func (c *Chip) TypedRune(rune) {}

// TypedKey presses the chip on Space or Enter and hands every other key to the window
// (Esc closes the screen the chip is on).
func (c *Chip) TypedKey(ev *fyne.KeyEvent) {
	if Activates(ev) && c.OnTapped != nil {
		c.OnTapped()
		return
	}
	PassKey(c, ev)
}

// Disabled reports whether the chip has no action: the focus manager then passes over
// it (a chip that only shows something is not a Tab stop). Enable and Disable do
// nothing: a chip is pressable exactly when it has OnTapped.
func (c *Chip) Disabled() bool { return c.OnTapped == nil }

// Enable implements fyne.Disableable (see Disabled).
func (c *Chip) Enable() {}

// Disable implements fyne.Disableable (see Disabled).
func (c *Chip) Disable() {}

// AccessibilityLabel implements fyne.Accessible: the description, else the text.
func (c *Chip) AccessibilityLabel() string {
	if c.Description != "" {
		return c.Description
	}
	return c.Text
}

// AccessibilityRole implements fyne.Accessible: a button when it has an action.
func (c *Chip) AccessibilityRole() fyne.AccessibleRole {
	if c.OnTapped != nil {
		return fyne.AccessibleRoleButton
	}
	return fyne.AccessibleRoleText
}

// Cursor shows a pointer over tappable chips.
func (c *Chip) Cursor() desktop.Cursor {
	if c.OnTapped != nil {
		return desktop.PointerCursor
	}
	return desktop.DefaultCursor
}

// NewChip returns a chip with text on the given theme colour.
func NewChip(text string, c fyne.ThemeColorName) *Chip {
	ch := &Chip{Text: text, Color: c}
	ch.ExtendBaseWidget(ch)
	return ch
}

// ExtendBaseWidget also wires the tooltip.
func (c *Chip) ExtendBaseWidget(w fyne.Widget) {
	c.ExtendToolTipWidget(w)
	c.BaseWidget.ExtendBaseWidget(w)
}

// MouseIn implements desktop.Hoverable (the tooltip).
func (c *Chip) MouseIn(e *desktop.MouseEvent) { tipIn(&c.ToolTipWidgetExtend, e) }

// MouseMoved implements desktop.Hoverable.
func (c *Chip) MouseMoved(e *desktop.MouseEvent) { tipMoved(&c.ToolTipWidgetExtend, e) }

// MouseOut implements desktop.Hoverable.
func (c *Chip) MouseOut() { tipOut(&c.ToolTipWidgetExtend) }

// SetText changes the chip's text.
func (c *Chip) SetText(s string) { c.Text = s; c.Refresh() }

// CreateRenderer implements fyne.Widget.
func (c *Chip) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(color.Transparent)
	bg.CornerRadius = 10
	txt := canvas.NewText(c.Text, color.Black)
	txt.TextSize = theme.TextSize() * 0.92
	strike := canvas.NewLine(color.Black)
	strike.StrokeWidth = 1.5
	icon := canvas.NewImageFromResource(nil)
	icon.FillMode = canvas.ImageFillContain
	r := &chipRenderer{c: c, bg: bg, txt: txt, strike: strike, icon: icon}
	r.Refresh()
	return r
}

type chipRenderer struct {
	c      *Chip
	bg     *canvas.Rectangle
	txt    *canvas.Text
	strike *canvas.Line
	icon   *canvas.Image
}

func (r *chipRenderer) pad() fyne.Size { return fyne.NewSize(10, 3) }

// iconWidth is the room the icon takes before the text (0 without one).
func (r *chipRenderer) iconWidth() float32 {
	if r.c.Icon == nil {
		return 0
	}
	return r.txt.TextSize + 3
}

func (r *chipRenderer) MinSize() fyne.Size {
	t := r.txt.MinSize()
	p := r.pad()
	return fyne.NewSize(r.iconWidth()+t.Width+2*p.Width, t.Height+2*p.Height)
}

func (r *chipRenderer) Layout(s fyne.Size) {
	r.bg.Resize(s)
	t := r.txt.MinSize()
	iw := r.iconWidth()
	x := (s.Width - t.Width - iw) / 2
	if iw > 0 {
		sz := r.txt.TextSize
		r.icon.Move(fyne.NewPos(x, (s.Height-sz)/2))
		r.icon.Resize(fyne.NewSize(sz, sz))
	}
	r.txt.Move(fyne.NewPos(x+iw, (s.Height-t.Height)/2))
	r.txt.Resize(t)
	y := s.Height / 2
	w := fyne.MeasureText(r.c.Strike, r.txt.TextSize, r.txt.TextStyle).Width
	r.strike.Position1 = fyne.NewPos(r.txt.Position().X-1, y)
	r.strike.Position2 = fyne.NewPos(r.txt.Position().X+w+1, y)
}

func (r *chipRenderer) Refresh() {
	th := r.c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.txt.Text = r.c.Text
	fg := theme.ColorNameForeground // the text's colour, for the icon too
	switch {
	case r.c.Custom != nil:
		r.bg.FillColor = r.c.Custom
		r.txt.Color = color.White
		fg = theme.ColorNameForegroundOnPrimary
	case r.c.Color == "" || r.c.Color == theme.ColorNameDisabledButton:
		r.bg.FillColor = th.Color(theme.ColorNameDisabledButton, v)
	case r.c.Outlined:
		r.bg.FillColor = color.Transparent
	default:
		r.bg.FillColor = th.Color(r.c.Color, v)
		fg = OnColor(r.c.Color)
	}
	if r.c.Custom == nil {
		r.txt.Color = th.Color(fg, v)
	}
	if r.c.Icon != nil {
		r.icon.Resource = theme.NewColoredResource(r.c.Icon, fg)
		r.icon.Show()
	} else {
		r.icon.Resource = nil
		r.icon.Hide()
	}
	r.bg.StrokeWidth = 0
	if r.c.Outlined {
		col := r.c.Color
		if col == "" {
			col = theme.ColorNameForeground
		}
		r.bg.StrokeColor = th.Color(col, v)
		r.bg.StrokeWidth = 1.5
	}
	r.strike.StrokeColor = r.txt.Color
	if r.c.Strike != "" {
		r.strike.Show()
	} else {
		r.strike.Hide()
	}
	r.txt.TextSize = th.Size(theme.SizeNameText) * 0.92
	r.bg.Refresh()
	r.txt.Refresh()
	r.strike.Refresh()
	r.icon.Refresh()
	r.Layout(r.c.Size())
}

// OnColor is the text colour for a chip filled with the theme colour c.
func OnColor(c fyne.ThemeColorName) fyne.ThemeColorName {
	switch c {
	case theme.ColorNameSuccess:
		return theme.ColorNameForegroundOnSuccess
	case theme.ColorNameWarning:
		return theme.ColorNameForegroundOnWarning
	case theme.ColorNameError:
		return theme.ColorNameForegroundOnError
	case theme.ColorNamePrimary:
		return theme.ColorNameForegroundOnPrimary
	}
	return theme.ColorNameForeground
}

func (r *chipRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.txt, r.strike}
}
func (r *chipRenderer) Destroy() {}

// ChipRow lays chips out left to right, wrapping onto more lines when needed.
func ChipRow(chips ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowLayout{gap: 6}, chips...)
}

// flowLayout places objects in rows, wrapping at the container's width. Its minimum
// height is that of the rows at the last width it was laid out with.
type flowLayout struct {
	gap       float32
	lastWidth float32
}

func (f *flowLayout) rows(objs []fyne.CanvasObject, width float32, place bool) fyne.Size {
	x, y, rowH, maxW := float32(0), float32(0), float32(0), float32(0)
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		if x > 0 && width > 0 && x+m.Width > width {
			x, y, rowH = 0, y+rowH+f.gap, 0
		}
		if place {
			o.Move(fyne.NewPos(x, y))
			o.Resize(m)
		}
		x += m.Width + f.gap
		if x-f.gap > maxW {
			maxW = x - f.gap
		}
		if m.Height > rowH {
			rowH = m.Height
		}
	}
	return fyne.NewSize(maxW, y+rowH)
}

func (f *flowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	f.lastWidth = size.Width
	f.rows(objs, size.Width, true)
}

func (f *flowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := float32(0)
	for _, o := range objs {
		if o.Visible() && o.MinSize().Width > w {
			w = o.MinSize().Width
		}
	}
	s := f.rows(objs, f.lastWidth, false)
	return fyne.NewSize(w, s.Height)
}
