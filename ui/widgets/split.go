package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Split is Fyne's container.Split (two panes and a divider the user drags) built as a
// plain *fyne.Container: Fyne 2.8.1's screen-reader walker goes into containers only,
// so everything under a container.Split (a widget) is hidden from it. Put Container
// in the window; Leading, Trailing, Offset and SetOffset work as container.Split's.
type Split struct {
	// Offset is where the divider sits, 0 to 1, kept within the panes' minimum sizes.
	Offset     float64
	Horizontal bool
	Leading    fyne.CanvasObject
	Trailing   fyne.CanvasObject
	// Container holds the panes and the divider.
	Container *fyne.Container

	divider *splitDivider
}

// NewHSplit is a split with leading on the left and trailing on the right.
func NewHSplit(leading, trailing fyne.CanvasObject) *Split {
	return newSplit(true, leading, trailing)
}

// NewVSplit is a split with top above bottom.
func NewVSplit(top, bottom fyne.CanvasObject) *Split {
	return newSplit(false, top, bottom)
}

func newSplit(horizontal bool, leading, trailing fyne.CanvasObject) *Split {
	s := &Split{Offset: 0.5, Horizontal: horizontal, Leading: leading, Trailing: trailing}
	s.divider = &splitDivider{split: s}
	s.divider.ExtendBaseWidget(s.divider)
	s.Container = container.New(&splitLayout{s: s}, leading, s.divider, trailing)
	return s
}

// SetOffset moves the divider (0 to 1) and lays the panes out again.
func (s *Split) SetOffset(offset float64) {
	if s.Offset == offset {
		return
	}
	s.Offset = offset
	s.Container.Layout.Layout(s.Container.Objects, s.Container.Size())
	canvas.Refresh(s.divider)
}

func splitThickness() float32 {
	if t := theme.Size(theme.SizeNameSplitThickness); t > 0 {
		return t
	}
	return 5 // Fyne's own default
}

// splitLayout is container.Split's layout: the panes share the room at Offset, each
// at least its minimum size.
type splitLayout struct{ s *Split }

func (l *splitLayout) lengths(total, lMin, tMin float32) (float32, float32) {
	avail := float64(total - splitThickness())
	if avail <= 0 {
		return 0, 0
	}
	ld, tr := float64(lMin), float64(tMin)
	off := l.s.Offset
	lo, hi := ld/avail, 1-tr/avail
	if lo <= hi {
		off = max(lo, min(off, hi))
	} else {
		off = ld / (ld + tr)
	}
	return float32(off * avail), float32(avail - off*avail)
}

func (l *splitLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	s := l.s
	lead, trail, d := s.Leading, s.Trailing, s.divider
	both := lead.Visible() && trail.Visible()
	d.Hidden = !both
	switch {
	case !lead.Visible():
		trail.Move(fyne.NewPos(0, 0))
		trail.Resize(size)
		return
	case !trail.Visible():
		lead.Move(fyne.NewPos(0, 0))
		lead.Resize(size)
		return
	}
	t := splitThickness()
	if s.Horizontal {
		lw, tw := l.lengths(size.Width, lead.MinSize().Width, trail.MinSize().Width)
		lead.Move(fyne.NewPos(0, 0))
		lead.Resize(fyne.NewSize(lw, size.Height))
		d.Move(fyne.NewPos(lw, 0))
		d.Resize(fyne.NewSize(t, size.Height))
		trail.Move(fyne.NewPos(lw+t, 0))
		trail.Resize(fyne.NewSize(tw, size.Height))
		return
	}
	lh, th := l.lengths(size.Height, lead.MinSize().Height, trail.MinSize().Height)
	lead.Move(fyne.NewPos(0, 0))
	lead.Resize(fyne.NewSize(size.Width, lh))
	d.Move(fyne.NewPos(0, lh))
	d.Resize(fyne.NewSize(size.Width, t))
	trail.Move(fyne.NewPos(0, lh+t))
	trail.Resize(fyne.NewSize(size.Width, th))
}

func (l *splitLayout) MinSize(_ []fyne.CanvasObject) fyne.Size {
	var out fyne.Size
	add := func(m fyne.Size) {
		if l.s.Horizontal {
			out = fyne.NewSize(out.Width+m.Width, max(out.Height, m.Height))
		} else {
			out = fyne.NewSize(max(out.Width, m.Width), out.Height+m.Height)
		}
	}
	lead, trail := l.s.Leading, l.s.Trailing
	if lead.Visible() {
		add(lead.MinSize())
	}
	if lead.Visible() && trail.Visible() {
		add(fyne.NewSquareSize(splitThickness()))
	}
	if trail.Visible() {
		add(trail.MinSize())
	}
	return out
}

// splitDivider is the bar between the panes, dragged with the pointer as Fyne's is.
type splitDivider struct {
	widget.BaseWidget
	split   *Split
	hovered bool
	start   *fyne.Position
	at      fyne.Position
}

func (d *splitDivider) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameShadow))
	handle := canvas.NewRectangle(theme.Color(theme.ColorNameForeground))
	return &dividerRenderer{d: d, bg: bg, handle: handle}
}

// Cursor implements desktop.Cursorable.
func (d *splitDivider) Cursor() desktop.Cursor {
	if d.split.Horizontal {
		return desktop.HResizeCursor
	}
	return desktop.VResizeCursor
}

// Dragged implements fyne.Draggable.
func (d *splitDivider) Dragged(e *fyne.DragEvent) {
	s := d.split
	if d.start == nil {
		d.at = d.Position().Add(e.Position)
		start := e.Position.Subtract(e.Dragged)
		d.start = &start
	} else {
		d.at = d.at.Add(e.Dragged)
	}
	var free, pos, lead, trail float64
	size := s.Container.Size()
	if s.Horizontal {
		free = float64(size.Width - splitThickness())
		pos = float64(d.at.X - d.start.X)
		lead, trail = float64(s.Leading.MinSize().Width), float64(s.Trailing.MinSize().Width)
	} else {
		free = float64(size.Height - splitThickness())
		pos = float64(d.at.Y - d.start.Y)
		lead, trail = float64(s.Leading.MinSize().Height), float64(s.Trailing.MinSize().Height)
	}
	if free <= 0 {
		return
	}
	s.SetOffset(max(lead/free, min(pos/free, 1-trail/free)))
}

// DragEnd implements fyne.Draggable.
func (d *splitDivider) DragEnd() { d.start = nil }

// MouseIn implements desktop.Hoverable.
func (d *splitDivider) MouseIn(*desktop.MouseEvent) { d.hovered = true; d.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (d *splitDivider) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (d *splitDivider) MouseOut() { d.hovered = false; d.Refresh() }

type dividerRenderer struct {
	d          *splitDivider
	bg, handle *canvas.Rectangle
}

func (r *dividerRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	pad := theme.Padding()
	thick := theme.Size(theme.SizeNameSeparatorThickness)
	if r.d.split.Horizontal {
		r.handle.Resize(fyne.NewSize(thick, pad*4))
		r.handle.Move(fyne.NewPos((size.Width-thick)/2, (size.Height-pad*4)/2))
		return
	}
	r.handle.Resize(fyne.NewSize(pad*4, thick))
	r.handle.Move(fyne.NewPos((size.Width-pad*4)/2, (size.Height-thick)/2))
}

func (r *dividerRenderer) MinSize() fyne.Size {
	if r.d.split.Horizontal {
		return fyne.NewSize(splitThickness(), theme.Padding()*6)
	}
	return fyne.NewSize(theme.Padding()*6, splitThickness())
}

func (r *dividerRenderer) Refresh() {
	th := r.d.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.FillColor = th.Color(theme.ColorNameShadow, v)
	if r.d.hovered {
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.handle.FillColor = th.Color(theme.ColorNameForeground, v)
	r.bg.Refresh()
	r.handle.Refresh()
	r.Layout(r.d.Size())
}

func (r *dividerRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.bg, r.handle} }
func (r *dividerRenderer) Destroy()                     {}
