package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
)

// escapes records the keys a window's typed-key handler gets.
func escapes(w fyne.Window) *[]fyne.KeyName {
	var got []fyne.KeyName
	w.Canvas().SetOnTypedKey(func(ev *fyne.KeyEvent) { got = append(got, ev.Name) })
	return &got
}

func key(f fyne.Focusable, name fyne.KeyName) { f.TypedKey(&fyne.KeyEvent{Name: name}) }

// Chips, steps and copyable values: Space or Enter presses them, Esc goes on to the
// window, and only those with something to do are Tab stops.
func TestKeyboardWidgets(t *testing.T) {
	test.NewTempApp(t)
	pressed := 0
	chip := NewChip("read", theme.ColorNamePrimary)
	shown := NewChip("update", theme.ColorNameSuccess) // shows a scope, does nothing
	slot := NewSlot("Token", VerdictIcon(""), func() { pressed++ })
	var copied string
	value := NewCopyLabel()
	value.Name = "System User"
	value.OnCopy = func(v string) { copied = v }
	empty := NewCopyLabel()
	empty.OnCopy = value.OnCopy
	w := test.NewTempWindow(t, container.NewVBox(chip, shown, slot, value, empty))
	got := escapes(w)

	chip.OnTapped = func() { pressed++ }
	value.Set("svc-import", "svc-import")
	if chip.Disabled() || !shown.Disabled() || !slot.Disabled() || value.Disabled() || !empty.Disabled() {
		t.Fatal("Tab stops: want the chip with an action and the value with something to copy only")
	}
	slot.SetOpenable(true)
	c := w.Canvas()
	var stops []fyne.Focusable
	for i := 0; i < 3; i++ {
		c.FocusNext()
		stops = append(stops, c.Focused())
	}
	if stops[0] != chip || stops[1] != slot || stops[2] != value {
		t.Fatalf("Tab order %v", stops)
	}
	key(chip, fyne.KeySpace)
	key(slot, fyne.KeyReturn)
	key(value, fyne.KeyEnter)
	if pressed != 2 || copied != "svc-import" {
		t.Errorf("pressed %d, copied %q", pressed, copied)
	}
	for _, f := range []fyne.Focusable{chip, slot, value} {
		key(f, fyne.KeyEscape)
	}
	if len(*got) != 3 {
		t.Errorf("the window got %v, want three Esc", *got)
	}
	if value.AccessibilityLabel() != "System User: svc-import" || value.AccessibilityRole() != fyne.AccessibleRoleButton {
		t.Errorf("value reads %q (%s)", value.AccessibilityLabel(), value.AccessibilityRole())
	}
	shown.Description = "Scope update: granted"
	if shown.AccessibilityLabel() != "Scope update: granted" || shown.AccessibilityRole() != fyne.AccessibleRoleText {
		t.Errorf("chip reads %q", shown.AccessibilityLabel())
	}
	slot.Spoken = "Token: failed, invalid_client"
	if slot.AccessibilityLabel() != "Token: failed, invalid_client" {
		t.Errorf("slot reads %q", slot.AccessibilityLabel())
	}
	icon := NewTipButton("", theme.MoreVerticalIcon(), "More actions", nil)
	if icon.AccessibilityLabel() != "More actions" {
		t.Errorf("an icon-only button reads %q, want its tooltip", icon.AccessibilityLabel())
	}
	if v := NewVerdict(check.Fail); v.AccessibilityLabel() != "failed" {
		t.Errorf("a failed verdict reads %q", v.AccessibilityLabel())
	}
}

func TestTabs(t *testing.T) {
	test.NewTempApp(t)
	var shown []string
	items := []*container.TabItem{container.NewTabItem("Guidance", widget.NewLabel("g")),
		container.NewTabItem("Claims", widget.NewLabel("c")), container.NewTabItem("History", widget.NewLabel("h"))}
	tabs := NewTabs(items...)
	tabs.OnSelected = func(it *container.TabItem) { shown = append(shown, it.Text) }
	w := test.NewTempWindow(t, tabs.Container)
	w.Resize(fyne.NewSize(400, 200))
	c := w.Canvas()
	c.FocusNext() // the first tab
	if c.Focused() != tabs.Button(0) {
		t.Fatalf("first Tab stop %v", c.Focused())
	}
	key(tabs.Button(0), fyne.KeyRight)
	if tabs.SelectedIndex() != 1 || c.Focused() != tabs.Button(1) || !items[1].Content.Visible() || items[0].Content.Visible() {
		t.Fatalf("Right: tab %d, focus %v", tabs.SelectedIndex(), c.Focused())
	}
	key(tabs.Button(1), fyne.KeyEnd)
	tabs.Next() // wraps to the first, the focus with it
	tabs.Previous()
	if tabs.SelectedIndex() != 2 || c.Focused() != tabs.Button(2) {
		t.Errorf("Next and Previous: tab %d, focus %v", tabs.SelectedIndex(), c.Focused())
	}
	if got := tabs.Button(2).(fyne.Accessible).AccessibilityLabel(); got != "History tab, 3 of 3, selected" {
		t.Errorf("tab reads %q", got)
	}
	if len(shown) != 4 || shown[0] != "Claims" || shown[3] != "History" {
		t.Errorf("OnSelected saw %v", shown)
	}
	// Every tab is a Tab stop, then the shown content.
	c.Unfocus()
	for i := range items {
		c.FocusNext()
		if c.Focused() != tabs.Button(i) {
			t.Errorf("stop %d: %v", i, c.Focused())
		}
	}
}

// A scroll pane is a Tab stop while its content overflows, and the keys scroll it.
func TestScrollKeys(t *testing.T) {
	test.NewTempApp(t)
	tall := canvas.NewRectangle(nil)
	tall.SetMinSize(fyne.NewSize(100, 1000))
	s := NewVScroll(tall)
	w := test.NewTempWindow(t, container.NewStack(s))
	w.Resize(fyne.NewSize(200, 300))
	got := escapes(w)
	if s.Disabled() {
		t.Fatal("an overflowing pane is no Tab stop")
	}
	key(s, fyne.KeyPageDown)
	if s.Offset.Y <= 200 {
		t.Errorf("Page Down scrolled to %v", s.Offset.Y)
	}
	key(s, fyne.KeyEnd)
	if s.Offset.Y != 1000-s.Size().Height {
		t.Errorf("End scrolled to %v", s.Offset.Y)
	}
	key(s, fyne.KeyUp)
	key(s, fyne.KeyHome)
	key(s, fyne.KeyEscape)
	if s.Offset.Y != 0 || len(*got) != 1 {
		t.Errorf("Home: %v; window got %v", s.Offset.Y, *got)
	}
	tall.SetMinSize(fyne.NewSize(100, 50))
	if !s.Disabled() {
		t.Error("a pane whose content fits is a Tab stop")
	}
	if lbl := NewVScroll(container.NewVBox(widget.NewLabel("one"), widget.NewButton("two", nil))).AccessibilityLabel(); lbl != "one\ntwo" {
		t.Errorf("the pane reads %q", lbl)
	}
}

// The split lays its panes out as Fyne's does, in a plain container.
func TestSplit(t *testing.T) {
	test.NewTempApp(t)
	a, b := widget.NewLabel("left"), widget.NewLabel("right")
	s := NewHSplit(a, b)
	w := test.NewTempWindow(t, s.Container)
	w.Resize(fyne.NewSize(400, 100))
	s.SetOffset(0.25)
	if a.Size().Width > b.Size().Width || a.Position().X != 0 || b.Position().X <= a.Size().Width {
		t.Errorf("at 0.25: left %v %v, right %v %v", a.Position(), a.Size(), b.Position(), b.Size())
	}
	s.SetOffset(0) // never below the pane's minimum
	if a.Size().Width < a.MinSize().Width {
		t.Errorf("left pane squeezed to %v", a.Size())
	}
	if els := AccessibleElements(s.Container); len(els) != 2 || els[0].Label != "left" {
		t.Errorf("the walker reads %v", els)
	}
}
