package widgets

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
)

// Scroll is a vertical scroll pane the keyboard can scroll: while its content is taller
// than the pane it is a Tab stop, and Up, Down, Page Up, Page Down, Home and End move
// it (Fyne's scroll takes only the mouse wheel). Fyne's screen-reader walker does not
// go into scroll panes (they are widgets), so the pane reads its content's text out as
// one text element instead.
type Scroll struct {
	container.Scroll
	focused bool
}

// NewVScroll returns a vertical pane over content.
func NewVScroll(content fyne.CanvasObject) *Scroll {
	s := &Scroll{}
	s.Direction = container.ScrollVerticalOnly
	s.Content = content
	s.ExtendBaseWidget(s)
	return s
}

// overflows reports whether there is anything to scroll to.
func (s *Scroll) overflows() bool {
	return s.Content != nil && s.Content.MinSize().Height > s.Size().Height+0.5
}

// Disabled reports that the content fits: the focus manager then passes over the
// pane. It never looks disabled.
func (s *Scroll) Disabled() bool { return !s.overflows() }

// Enable implements fyne.Disableable (the pane is a Tab stop exactly while its content
// overflows).
func (s *Scroll) Enable() {}

// Disable implements fyne.Disableable (see Enable).
func (s *Scroll) Disable() {}

// FocusGained implements fyne.Focusable.
func (s *Scroll) FocusGained() { s.focused = true }

// FocusLost implements fyne.Focusable.
func (s *Scroll) FocusLost() { s.focused = false }

// TypedRune implements fyne.Focusable.
func (s *Scroll) TypedRune(rune) {}

// TypedKey scrolls by a line, a page or to either end; other keys go to the window.
func (s *Scroll) TypedKey(ev *fyne.KeyEvent) {
	line := theme.TextSize() * 2
	page := s.Size().Height - line
	if page < line {
		page = line
	}
	y := s.Offset.Y
	switch ev.Name {
	case fyne.KeyUp:
		y -= line
	case fyne.KeyDown:
		y += line
	case fyne.KeyPageUp:
		y -= page
	case fyne.KeyPageDown, fyne.KeySpace:
		y += page
	case fyne.KeyHome:
		y = 0
	case fyne.KeyEnd:
		y = s.Content.MinSize().Height
	default:
		PassKey(s, ev)
		return
	}
	s.ScrollTo(y)
}

// ScrollTo scrolls so that y of the content is at the top, as far as the content goes.
func (s *Scroll) ScrollTo(y float32) {
	bottom := s.Content.MinSize().Height - s.Size().Height
	y = max(0, min(y, bottom))
	s.ScrollToOffset(fyne.NewPos(s.Offset.X, y))
}

// AccessibilityLabel implements fyne.Accessible: the text of what the pane holds, as
// the walker would read it were it not in a pane.
func (s *Scroll) AccessibilityLabel() string {
	var parts []string
	for _, e := range AccessibleElements(s.Content) {
		if t := strings.TrimSpace(e.Label); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, "\n")
}

// AccessibilityRole implements fyne.Accessible.
func (s *Scroll) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleText }

// Element is one thing Fyne's screen-reader walker exposes: the object, what it says
// and its role.
type Element struct {
	Object fyne.CanvasObject
	Label  string
	Role   fyne.AccessibleRole
}

// AccessibleElements lists what Fyne 2.8.1's walker exposes under o, in its order: it
// visits visible objects, exposes each that implements fyne.Accessible (containers
// only as groups, left out here), and goes into *fyne.Container objects only, never
// into a widget's own parts (internal/driver/glfw/accessibility_windows.go; the macOS
// walker keeps the same elements as a tree).
func AccessibleElements(o fyne.CanvasObject) []Element {
	var out []Element
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		if a, ok := o.(fyne.Accessible); ok && a.AccessibilityRole() != fyne.AccessibleRoleContainer {
			out = append(out, Element{Object: o, Label: a.AccessibilityLabel(), Role: a.AccessibilityRole()})
		}
		if c, ok := o.(*fyne.Container); ok {
			for _, x := range c.Objects {
				walk(x)
			}
		}
	}
	walk(o)
	return out
}
