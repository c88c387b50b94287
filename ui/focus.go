package ui

import (
	"context"
	"fmt"
	"image/color"
	"time"
	_ "unsafe" // go:linkname below

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/ui/widgets"
)

// The keyboard focus: where it is drawn, and that it is in view.
//
// Fyne 2.8.1 shows focus with a tint its widgets pick from the theme: a primary button
// blends the focus colour over the same blue (invisible), a list row or table cell gets
// the hover tint (none on a selected row). So the window draws its own ring around the
// focused control, in a colour with at least 3:1 against every surface it can sit on
// (TestThemeContrast), two pixels outside the control: around a list row or a table
// cell, the highlighted one, just inside it. Fyne also never scrolls a focused control
// into view: a Tab could land on a button below the fold and Space press it unseen.
//
// Fyne has no hook for a change of focus, so the ring follows it by looking every
// focusPoll (UI.StartTicker starts that in the real app; tests call check after each
// key): a changed focus is scrolled into view in every scroll pane around it, and the
// ring is placed again, cut to what the panes show of the control.

const focusPoll = 60 * time.Millisecond

// colorNameFocusRing is the theme colour of the ring (theme.go).
const colorNameFocusRing fyne.ThemeColorName = "trustedapp-focus-ring"

// focusPart is a focusable whose focus is on one of its parts (a list's highlighted
// row): the ring surrounds the part.
type focusPart interface {
	focusedPart() fyne.CanvasObject
}

// focusRing draws the ring in the window's top layer, or inside the dialog that has the
// keyboard.
type focusRing struct {
	win   fyne.Window
	layer *fyne.Container // over the window's content (no layout)
	ring  *canvas.Rectangle
	// dialogRing is the ring while the focus is in a dialog: it is added to the dialog's
	// own container (host), whose layout leaves extra objects where they are put.
	dialogRing *canvas.Rectangle
	host       *fyne.Container
	last       fyne.Focusable
}

func newFocusRing(win fyne.Window) *focusRing {
	r := &focusRing{win: win, ring: newRingRect(), dialogRing: newRingRect()}
	r.layer = container.NewWithoutLayout(r.ring)
	return r
}

func newRingRect() *canvas.Rectangle {
	rc := canvas.NewRectangle(color.Transparent)
	rc.StrokeWidth = 2
	rc.CornerRadius = 4
	rc.Hide()
	return rc
}

// watch checks the focus every focusPoll until ctx ends (the real app; see check).
func (r *focusRing) watch(ctx context.Context) {
	t := time.NewTicker(focusPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fyne.Do(r.check)
		}
	}
}

// check scrolls a newly focused control into view and puts the ring around it (call
// it on the UI goroutine).
func (r *focusRing) check() {
	c := r.win.Canvas()
	f := c.Focused()
	root := c.Content()
	if top := c.Overlays().Top(); top != nil {
		root = top
	}
	if f != r.last {
		r.last = f
		if f != nil {
			reveal(root, f.(fyne.CanvasObject))
		}
	}
	r.place(c, root, f)
}

func (r *focusRing) place(c fyne.Canvas, root fyne.CanvasObject, f fyne.Focusable) {
	host := dialogBox(c)
	if r.host != nil && r.host != host {
		r.host.Remove(r.dialogRing)
		r.host = nil
	}
	ring, base := r.ring, fyne.CanvasObject(r.layer)
	if host != nil {
		if r.host == nil {
			host.Objects = append(host.Objects, r.dialogRing)
			r.host = host
			// The canvas draws a new object once it has seen its container change.
			canvas.Refresh(host)
		}
		ring, base = r.dialogRing, host
		r.ring.Hide()
	} else {
		r.dialogRing.Hide()
	}
	if f == nil || (c.Overlays().Top() != nil && host == nil) {
		// Nothing focused, or a menu or pop-up on top: those show their own highlight.
		hide(ring)
		return
	}
	target, inset := f.(fyne.CanvasObject), false
	if p, ok := f.(focusPart); ok {
		if part := p.focusedPart(); part != nil {
			target, inset = part, true
		}
	}
	path := pathTo(root, target)
	if path == nil {
		hide(ring)
		return
	}
	d := fyne.CurrentApp().Driver()
	pos, size := d.AbsolutePositionForObject(target), target.Size()
	grow := float32(3)
	if inset {
		grow = -1
	}
	x0, y0 := pos.X-grow, pos.Y-grow
	x1, y1 := pos.X+size.Width+grow, pos.Y+size.Height+grow
	// Cut to what the scroll panes around it show (and the ring's width beyond: a
	// control at a pane's edge keeps its whole ring).
	out := max(grow, 0)
	for _, o := range path[:len(path)-1] {
		if s := asScroll(o); s != nil {
			sp := d.AbsolutePositionForObject(o)
			x0, y0 = max(x0, sp.X-out), max(y0, sp.Y-out)
			x1, y1 = min(x1, sp.X+s.Size().Width+out), min(y1, sp.Y+s.Size().Height+out)
		}
	}
	if x1-x0 < 4 || y1-y0 < 4 {
		hide(ring)
		return
	}
	bp := d.AbsolutePositionForObject(base)
	th := fyne.CurrentApp().Settings().Theme()
	col := th.Color(colorNameFocusRing, fyne.CurrentApp().Settings().ThemeVariant())
	if ring.StrokeColor != col || ring.Hidden || ring.Position() != fyne.NewPos(x0-bp.X, y0-bp.Y) || ring.Size() != fyne.NewSize(x1-x0, y1-y0) {
		ring.StrokeColor = col
		ring.Move(fyne.NewPos(x0-bp.X, y0-bp.Y))
		ring.Resize(fyne.NewSize(x1-x0, y1-y0))
		ring.Show()
		ring.Refresh()
	}
}

func hide(o fyne.CanvasObject) {
	if o.Visible() {
		o.Hide()
	}
}

// dialogBox is the container of the dialog on top of c, nil when the top is no Fyne
// dialog (a menu, a pop-up) or nothing is. A dialog's layout places its first five
// objects (icon, background, content, buttons, title) and leaves more where they are
// put (fyne.io/fyne/v2/dialog, base.go), so the ring can go in as a sixth.
func dialogBox(c fyne.Canvas) *fyne.Container {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	var pop *widget.PopUp
	for _, o := range children(top) { // Fyne's overlay container holds the pop-up
		if p, ok := o.(*widget.PopUp); ok {
			pop = p
		}
	}
	if pop == nil {
		return nil
	}
	box, ok := pop.Content.(*fyne.Container)
	if !ok || fmt.Sprintf("%T", box.Layout) != "*dialog.dialogLayout" || len(box.Objects) < 5 {
		return nil
	}
	return box
}

// reveal scrolls o into view in every scroll pane around it under root, the innermost
// first.
func reveal(root, o fyne.CanvasObject) {
	path := pathTo(root, o)
	for i := len(path) - 2; i >= 0; i-- {
		if s := asScroll(path[i]); s != nil {
			revealIn(s, path[i], o)
		}
	}
}

// revealIn scrolls s (shown as the object so) so that o, and a little room around it,
// is inside its view; an o taller than the view shows from its top.
func revealIn(s *container.Scroll, so, o fyne.CanvasObject) {
	if c, m := s.Content.Size(), s.Content.MinSize(); c.Height < m.Height || c.Width < m.Width {
		// The content grew since the pane last laid it out (the window does so when it
		// next draws): lay it out now, or the pane cannot scroll to the new part.
		s.Refresh()
	}
	d := fyne.CurrentApp().Driver()
	op, sp := d.AbsolutePositionForObject(o), d.AbsolutePositionForObject(so)
	margin := 2 * float32(4)
	fit := func(at, length, off, view, content float32) float32 {
		switch {
		case length+2*margin > view || at-margin < off:
			off = at - margin
		case at+length+margin > off+view:
			off = at + length + margin - view
		}
		return max(0, min(off, content-view))
	}
	off := s.Offset
	content := s.Content.MinSize() // how far Fyne lets the pane scroll
	if s.Direction != container.ScrollHorizontalOnly && s.Direction != container.ScrollNone {
		off.Y = fit(op.Y-sp.Y+s.Offset.Y, o.Size().Height, s.Offset.Y, s.Size().Height, content.Height)
	}
	if s.Direction != container.ScrollVerticalOnly && s.Direction != container.ScrollNone {
		off.X = fit(op.X-sp.X+s.Offset.X, o.Size().Width, s.Offset.X, s.Size().Width, content.Width)
	}
	if off != s.Offset {
		s.ScrollToOffset(off)
	}
}

// asScroll is o as a scroll pane (Fyne's, or the app's keyboard one), else nil.
func asScroll(o fyne.CanvasObject) *container.Scroll {
	switch s := o.(type) {
	case *container.Scroll:
		return s
	case *widgets.Scroll:
		return &s.Scroll
	case *windowScroll:
		return &s.Scroll
	}
	return nil
}

// The objects of the window as Fyne's own focus manager walks them: a container's
// objects, and a widget's rendered parts. Fyne keeps widget renderers in an internal
// cache and gives tests its test.WidgetRenderer (which calls the same function); a
// package of the app cannot import the test package (its init makes a test app).

//go:linkname cachedRenderer fyne.io/fyne/v2/internal/cache.Renderer
func cachedRenderer(fyne.Widget) fyne.WidgetRenderer

// children are o's objects: a container's, or a widget's parts.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch w := o.(type) {
	case *fyne.Container:
		return w.Objects
	case fyne.Widget:
		if r := cachedRenderer(w); r != nil {
			return r.Objects()
		}
	}
	return nil
}

// pathTo is the chain of visible objects from root down to target (both included), nil
// when target is not shown under root.
func pathTo(root, target fyne.CanvasObject) []fyne.CanvasObject {
	var path []fyne.CanvasObject
	var find func(o fyne.CanvasObject) bool
	find = func(o fyne.CanvasObject) bool {
		if o == nil || !o.Visible() {
			return false
		}
		path = append(path, o)
		if o == target {
			return true
		}
		for _, c := range children(o) {
			if find(c) {
				return true
			}
		}
		path = path[:len(path)-1]
		return false
	}
	if find(root) {
		return path
	}
	return nil
}
