package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Tabs is a row of tabs over the selected tab's content, as container.AppTabs shows
// them, made for the keyboard and for screen readers: each tab is a Tab stop, Left and
// Right (and Home, End) move to the tab beside and show it, Space or Enter shows the
// focused one; Next and Previous are the window's Ctrl+Tab and Ctrl+Shift+Tab. Tabs
// and contents sit in plain containers, so Fyne's screen-reader walker reaches them
// (AppTabs is a widget: the walker stops at it).
type Tabs struct {
	Items      []*container.TabItem
	OnSelected func(*container.TabItem)
	// Container holds the tab row above the contents.
	Container *fyne.Container

	buttons  []*tabButton
	stack    *fyne.Container
	selected int
}

// NewTabs shows items, the first selected.
func NewTabs(items ...*container.TabItem) *Tabs {
	t := &Tabs{Items: items}
	row := container.NewHBox()
	t.stack = container.NewStack()
	for i, it := range items {
		b := &tabButton{tabs: t, index: i}
		b.ExtendBaseWidget(b)
		t.buttons = append(t.buttons, b)
		row.Add(b)
		t.stack.Add(it.Content)
	}
	top := container.NewVBox(row, widget.NewSeparator())
	// The row first: Tab and a screen reader meet the tabs before what they show.
	t.Container = container.New(layout.NewBorderLayout(top, nil, nil, nil), top, t.stack)
	t.show(0)
	return t
}

// Selected is the tab shown.
func (t *Tabs) Selected() *container.TabItem { return t.Items[t.selected] }

// SelectedIndex is the index of the tab shown.
func (t *Tabs) SelectedIndex() int { return t.selected }

// Size is the size of the tabs and their contents.
func (t *Tabs) Size() fyne.Size { return t.Container.Size() }

// SelectIndex shows tab i (OnSelected is called when it changes).
func (t *Tabs) SelectIndex(i int) {
	if i < 0 || i >= len(t.Items) || i == t.selected {
		return
	}
	t.show(i)
	if t.OnSelected != nil {
		t.OnSelected(t.Items[i])
	}
}

// Select shows item.
func (t *Tabs) Select(item *container.TabItem) {
	for i, it := range t.Items {
		if it == item {
			t.SelectIndex(i)
		}
	}
}

// Next shows the tab after the one shown (the last wraps to the first), and moves the
// keyboard to it when a tab had it.
func (t *Tabs) Next() { t.step(1) }

// Previous shows the tab before the one shown (the first wraps to the last).
func (t *Tabs) Previous() { t.step(-1) }

func (t *Tabs) step(d int) {
	n := len(t.Items)
	if n == 0 {
		return
	}
	i := ((t.selected+d)%n + n) % n
	focusHere := false
	for _, b := range t.buttons {
		focusHere = focusHere || b.focused
	}
	t.SelectIndex(i)
	if focusHere {
		t.buttons[i].focus()
	}
}

// Button is the tab button of item i (tests, and the window's focus).
func (t *Tabs) Button(i int) fyne.Focusable { return t.buttons[i] }

func (t *Tabs) show(i int) {
	t.selected = i
	for k, it := range t.Items {
		if k == i {
			it.Content.Show()
		} else {
			it.Content.Hide()
		}
	}
	for _, b := range t.buttons {
		b.Refresh()
	}
	t.stack.Refresh()
}

// tabButton is one tab of the row.
type tabButton struct {
	widget.BaseWidget
	tabs    *Tabs
	index   int
	focused bool
	hovered bool
}

func (b *tabButton) item() *container.TabItem { return b.tabs.Items[b.index] }

func (b *tabButton) focus() {
	if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil {
		c.Focus(b)
	}
}

// Tapped shows the tab.
func (b *tabButton) Tapped(*fyne.PointEvent) { b.tabs.SelectIndex(b.index) }

// Cursor implements desktop.Cursorable.
func (b *tabButton) Cursor() desktop.Cursor { return desktop.PointerCursor }

// MouseIn implements desktop.Hoverable.
func (b *tabButton) MouseIn(*desktop.MouseEvent) { b.hovered = true; b.Refresh() }

// MouseMoved implements desktop.Hoverable.
func (b *tabButton) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (b *tabButton) MouseOut() { b.hovered = false; b.Refresh() }

// FocusGained implements fyne.Focusable.
func (b *tabButton) FocusGained() { b.focused = true; b.Refresh() }

// FocusLost implements fyne.Focusable.
func (b *tabButton) FocusLost() { b.focused = false; b.Refresh() }

// TypedRune implements fyne.Focusable.
func (b *tabButton) TypedRune(rune) {}

// TypedKey moves along the row with the arrows, shows the tab on Space or Enter, and
// hands every other key to the window.
func (b *tabButton) TypedKey(ev *fyne.KeyEvent) {
	t := b.tabs
	to := -1
	switch ev.Name {
	case fyne.KeyLeft:
		to = (b.index - 1 + len(t.Items)) % len(t.Items)
	case fyne.KeyRight:
		to = (b.index + 1) % len(t.Items)
	case fyne.KeyHome:
		to = 0
	case fyne.KeyEnd:
		to = len(t.Items) - 1
	default:
		if Activates(ev) {
			t.SelectIndex(b.index)
			return
		}
		PassKey(b, ev)
		return
	}
	t.SelectIndex(to)
	t.buttons[to].focus()
}

// AccessibilityLabel implements fyne.Accessible: "Guidance tab, 1 of 6, selected".
func (b *tabButton) AccessibilityLabel() string {
	s := lang.X("app.a11y.tab", "{{.Name}} tab, {{.N}} of {{.Count}}", map[string]any{"Name": b.item().Text, "N": b.index + 1, "Count": len(b.tabs.Items)})
	if b.index == b.tabs.selected {
		s += ", " + lang.X("app.sidebar.selected", "selected")
	}
	return s
}

// AccessibilityRole implements fyne.Accessible.
func (b *tabButton) AccessibilityRole() fyne.AccessibleRole { return fyne.AccessibleRoleButton }

func (b *tabButton) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameHover))
	bg.CornerRadius = theme.InputRadiusSize()
	txt := canvas.NewText(b.item().Text, theme.Color(theme.ColorNameForeground))
	line := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	r := &tabRenderer{b: b, bg: bg, txt: txt, line: line}
	r.Refresh()
	return r
}

type tabRenderer struct {
	b        *tabButton
	bg, line *canvas.Rectangle
	txt      *canvas.Text
}

func (r *tabRenderer) pad() float32 { return theme.InnerPadding() }

func (r *tabRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	t := r.txt.MinSize()
	r.txt.Move(fyne.NewPos((size.Width-t.Width)/2, (size.Height-t.Height)/2))
	r.txt.Resize(t)
	h := float32(3)
	r.line.Move(fyne.NewPos(0, size.Height-h))
	r.line.Resize(fyne.NewSize(size.Width, h))
}

func (r *tabRenderer) MinSize() fyne.Size {
	t := r.txt.MinSize()
	return fyne.NewSize(t.Width+2*r.pad(), t.Height+r.pad()+theme.Padding())
}

func (r *tabRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	sel := r.b.index == r.b.tabs.selected
	r.txt.Text = r.b.item().Text
	r.txt.TextSize = th.Size(theme.SizeNameText)
	r.txt.TextStyle = fyne.TextStyle{Bold: true} // as AppTabs, every tab: no width jumps
	r.txt.Color = th.Color(theme.ColorNameForeground, v)
	if sel {
		r.txt.Color = th.Color(theme.ColorNamePrimary, v)
		r.line.FillColor = th.Color(theme.ColorNamePrimary, v)
		r.line.Show()
	} else {
		r.line.Hide()
	}
	r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	if r.b.hovered || r.b.focused {
		r.bg.Show()
	} else {
		r.bg.Hide()
	}
	r.bg.Refresh()
	r.txt.Refresh()
	r.line.Refresh()
	r.Layout(r.b.Size())
}

func (r *tabRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.txt, r.line}
}
func (r *tabRenderer) Destroy() {}
