package ui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
	"trustedapp-tester/ui/widgets"
)

// The keyboard alone: every control of every screen and dialog is reached with Tab and
// Shift+Tab, is in view (inside every scroll pane around it) and ringed when it has the
// focus, and no control keeps Tab for itself.

// pressTab is Tab (or Shift+Tab) as the desktop driver handles it
// (internal/driver/glfw/window.go, capturesTab): a focused widget that accepts Tab gets
// it (typed into it: the walk is trapped), else the focus moves. Then the window's
// focus watcher runs, as its ticker would.
func pressTab(u *UI, back bool) (trapped bool) {
	c := u.win.Canvas()
	if tb, ok := c.Focused().(fyne.Tabbable); ok && tb.AcceptsTab() {
		return true
	}
	if back {
		c.FocusPrevious()
	} else {
		c.FocusNext()
	}
	u.ring.check()
	return false
}

// pressKey is a key without a modifier as the desktop driver hands it out: to the
// focused widget, else to the canvas's typed-key handler.
func pressKey(u *UI, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	c := u.win.Canvas()
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
	u.ring.check()
}

// describe names a control in a failure.
func describe(o fyne.CanvasObject) string {
	switch w := o.(type) {
	case *widget.Button:
		return fmt.Sprintf("button %q", w.Text)
	case *button:
		return fmt.Sprintf("button %q", w.Text)
	case *widgets.TipButton:
		return fmt.Sprintf("button %q (%s)", w.Text, w.ToolTip())
	case *widgets.Chip:
		return fmt.Sprintf("chip %q", w.Text)
	case *widgets.Slot:
		return fmt.Sprintf("step %q", w.Text)
	case *widgets.CopyLabel:
		return fmt.Sprintf("value %q", w.Text)
	case *widget.Entry:
		return fmt.Sprintf("field %q", w.PlaceHolder)
	case *dialogEntry:
		return fmt.Sprintf("field %q", w.PlaceHolder)
	case *widget.Label:
		return fmt.Sprintf("label %q", w.Text)
	}
	if a, ok := o.(fyne.Accessible); ok {
		return fmt.Sprintf("%T %q", o, a.AccessibilityLabel())
	}
	return fmt.Sprintf("%T", o)
}

// controls lists what under root the keyboard must reach: every focusable that is
// shown and enabled, in tree order. mouseOnly lists what a pointer can press but the
// keyboard cannot reach: tappable, not focusable, and not part of a focusable (a list's
// rows belong to the list, which the arrows move through).
func controls(root fyne.CanvasObject) (keys, mouseOnly []fyne.CanvasObject) {
	var walk func(o fyne.CanvasObject, inFocusable bool)
	walk = func(o fyne.CanvasObject, inFocusable bool) {
		if o == nil || !o.Visible() {
			return
		}
		_, focusable := o.(fyne.Focusable)
		if focusable {
			if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
				keys = append(keys, o)
			}
		} else if _, tappable := o.(fyne.Tappable); tappable && !inFocusable && pressable(o) {
			mouseOnly = append(mouseOnly, o)
		}
		for _, c := range children(o) {
			walk(c, inFocusable || focusable)
		}
	}
	walk(root, false)
	return keys, mouseOnly
}

// pressable reports whether tapping o does something (a chip that only shows a scope,
// a value with nothing to copy, does not).
func pressable(o fyne.CanvasObject) bool {
	switch t := fmt.Sprintf("%T", o); t {
	case "*widget.OverlayContainer", "*widget.PopUp":
		return false // a modal dialog's backdrop: a click there does nothing
	}
	switch w := o.(type) {
	case *widgets.Chip:
		return w.OnTapped != nil
	case *widgets.CopyLabel:
		return w.Value != "" && w.OnCopy != nil
	}
	return true
}

// inView checks that f (or its focused part) is inside the window and every scroll
// pane around it, and that the ring surrounds it; "" when so.
func inView(u *UI, root fyne.CanvasObject, f fyne.Focusable) string {
	target, inset := f.(fyne.CanvasObject), false
	if p, ok := f.(focusPart); ok {
		if part := p.focusedPart(); part != nil {
			target, inset = part, true
		}
	}
	path := pathTo(root, target)
	if path == nil {
		return "not shown"
	}
	d := fyne.CurrentApp().Driver()
	pos, size := d.AbsolutePositionForObject(target), target.Size()
	win := u.win.Canvas().Size()
	if pos.X < -0.5 || pos.Y < -0.5 || pos.X+size.Width > win.Width+0.5 || pos.Y+min(size.Height, 20) > win.Height+0.5 {
		return fmt.Sprintf("outside the window at %v %v", pos, size)
	}
	for _, o := range path[:len(path)-1] {
		s := asScroll(o)
		if s == nil {
			continue
		}
		sp := d.AbsolutePositionForObject(o)
		top, bottom := sp.Y, sp.Y+s.Size().Height
		if pos.Y < top-0.5 || (pos.Y+size.Height > bottom+0.5 && size.Height <= s.Size().Height) {
			return fmt.Sprintf("scrolled out of its pane: at y %.0f-%.0f, the pane shows %.0f-%.0f", pos.Y, pos.Y+size.Height, top, bottom)
		}
	}
	ring := u.ring.ring
	if dialogBox(u.win.Canvas()) != nil {
		ring = u.ring.dialogRing
	}
	if !ring.Visible() {
		return "no focus ring"
	}
	rp := d.AbsolutePositionForObject(ring)
	if inset {
		if rp.X < pos.X-0.5 || rp.Y < pos.Y-0.5 {
			return "the ring is not inside the highlighted row"
		}
	} else if rp.X > pos.X-2 || rp.Y > pos.Y-2 && rp.Y+ring.Size().Height > pos.Y+size.Height {
		return fmt.Sprintf("the ring (%v %v) does not surround the control (%v %v) with a gap", rp, ring.Size(), pos, size)
	}
	return ""
}

// walkTabs presses Tab from nothing focused round the whole chain under the top of the
// canvas, then Shift+Tab back, and reports every control not reached, not in view,
// reached only by the mouse, or keeping Tab. It returns the controls in Tab order.
func walkTabs(t *testing.T, u *UI, where string) []fyne.Focusable {
	t.Helper()
	c := u.win.Canvas()
	root := c.Content()
	if top := c.Overlays().Top(); top != nil {
		root = top
	}
	c.Unfocus()
	u.ring.check()
	want, mouseOnly := controls(root)
	for _, o := range mouseOnly {
		t.Errorf("%s: %s can be pressed with the mouse only", where, describe(o))
	}
	var order []fyne.Focusable
	seen := map[fyne.Focusable]bool{}
	for i := 0; i < 3*len(want)+10; i++ {
		if pressTab(u, false) {
			t.Errorf("%s: Tab is kept by %s (after %d stops)", where, describe(c.Focused().(fyne.CanvasObject)), len(order))
			return order
		}
		f := c.Focused()
		if f == nil {
			t.Errorf("%s: Tab focused nothing", where)
			return order
		}
		if seen[f] {
			if f != order[0] {
				t.Errorf("%s: Tab came back to %s, not to the first stop", where, describe(f.(fyne.CanvasObject)))
			}
			break
		}
		if why := inView(u, root, f); why != "" {
			t.Errorf("%s: %s: %s", where, describe(f.(fyne.CanvasObject)), why)
		}
		seen[f] = true
		order = append(order, f)
	}
	for _, o := range want {
		if !seen[o.(fyne.Focusable)] {
			t.Errorf("%s: Tab never reaches %s", where, describe(o))
		}
	}
	// Shift+Tab goes through the same stops. (Not always in the mirror order: Fyne's
	// reverse walk meets a focusable that holds others, a scroll pane or a field with a
	// button, before what it holds, as the forward walk does.)
	back := map[fyne.Focusable]bool{}
	for range order {
		if pressTab(u, true) {
			t.Errorf("%s: Shift+Tab is kept by %s", where, describe(c.Focused().(fyne.CanvasObject)))
			return order
		}
		f := c.Focused()
		if !seen[f] {
			t.Errorf("%s: Shift+Tab went to %s, which Tab never reached", where, describe(f.(fyne.CanvasObject)))
		}
		if why := inView(u, root, f); why != "" {
			t.Errorf("%s (Shift+Tab): %s: %s", where, describe(f.(fyne.CanvasObject)), why)
		}
		back[f] = true
	}
	if len(back) != len(order) {
		t.Errorf("%s: Shift+Tab reached %d of the %d stops", where, len(back), len(order))
	}
	return order
}

// walkEnv is a window at the smallest size the app supports, where panes scroll most.
func walkEnv(t *testing.T, deps Deps, seed ...profiles.Profile) *env {
	e := newEnv(t, deps, seed...)
	e.u.win.Resize(fyne.NewSize(1024, 700))
	return e
}

func TestKeyboardWalkMainWindow(t *testing.T) {
	// The welcome panel: an empty list is no stop (it showed no highlight); the first
	// Tab goes to the search.
	e := walkEnv(t, Deps{})
	order := walkTabs(t, e.u, "welcome")
	if len(order) == 0 || order[0] != fyne.Focusable(e.u.sidebar.search) {
		t.Errorf("welcome: the first Tab goes to %v, want the search", order)
	}

	for _, tc := range []struct {
		name string
		run  Deps
		p    profiles.Profile
	}{
		{"healthy", Deps{Run: replayRun(healthyReport())}, acme()},
		{"failing", Deps{Run: replayRun(scopeFailReport())}, acme()},
		{"user scopes", Deps{Run: replayRun(userScopesReport())}, userScopes()},
	} {
		e := walkEnv(t, tc.run, tc.p)
		u := e.u
		u.StartRun()
		u.Wait()
		for i, it := range u.run.tabs.Items {
			u.run.tabs.SelectIndex(i)
			u.Wait()
			order := walkTabs(t, u, tc.name+", "+it.Text+" tab")
			// From the search, Tab goes to the list.
			for k, f := range order {
				if f == fyne.Focusable(e.u.sidebar.search) && (k+1 >= len(order) || order[k+1] != fyne.Focusable(e.u.sidebar.list)) {
					t.Errorf("%s: Tab from the search does not go to the list", tc.name)
				}
			}
		}
	}
}

func TestKeyboardWalkGuidanceOffer(t *testing.T) {
	e := doctorEnv(t)
	e.u.win.Resize(fyne.NewSize(1024, 700))
	walkTabs(t, e.u, "invalid_client guidance")
}

func TestKeyboardWalkEditor(t *testing.T) {
	p := acme()
	p.Scopes = []string{"read", "update", "custom.scope"}
	p.Calls = []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/General_Products_Products?$top=1"}, {Method: "POST", Path: "/api/domain/odata/X", Body: `{"a":1}`}}
	e := walkEnv(t, Deps{}, p)
	u := e.u
	u.EditCurrent()
	walkTabs(t, u, "editor")
	// The Advanced section, opened.
	acc := find(u.editor.content, func(o fyne.CanvasObject) bool { _, ok := o.(*widget.Accordion); return ok }).(*widget.Accordion)
	acc.Open(0)
	walkTabs(t, u, "editor with Advanced open")
}

func TestKeyboardWalkToolScreens(t *testing.T) {
	e := walkEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	u.Compare()
	u.Wait()
	if f := u.win.Canvas().Focused(); f != fyne.Focusable(u.compare.prof[0]) {
		t.Errorf("opening Compare leaves the focus on %v, want its first choice", f)
	}
	walkTabs(t, u, "compare")
	u.closeTool()

	u.ExplainError()
	test.Type(u.explainer.input, `{"error":"invalid_client"}`)
	walkTabs(t, u, "explain, pasted")
	u.explainer.primary()
	u.Wait()
	walkTabs(t, u, "explain, explained")
}

func TestKeyboardWalkDialogs(t *testing.T) {
	e := walkEnv(t, Deps{Run: replayRun(scopeFailReport()), NewSecret: pinnedSecret}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	for _, d := range []struct {
		name string
		open func()
	}{
		{"a step's details", func() { u.run.timeline.open(check.StepToken) }},
		{"Inspect a token", u.run.header.askToken},
		{"New Trusted App", u.NewTrustedApp},
		{"New Trusted App, the secret", func() {
			u.newApp.make("", profiles.Profile{Name: "Nightly export", InstanceURL: "https://acme.my.erp.net", ClientID: "com.acme/x", AuthMethod: profiles.AuthPost}, false)
			u.Wait()
		}},
		{"keyboard shortcuts", u.ShowShortcuts},
		{"About", u.showAbout},
		{"Delete", u.run.header.deleteCurrent},
		{"Rename", u.run.header.renameCurrent},
		{"an error", func() { u.showError("Could not do it", fmt.Errorf("broken"), "Try again.") }},
	} {
		walkDialog(t, u, d.name, d.open)
	}
}

// walkDialog opens a dialog with open, walks it with Tab and Shift+Tab, and checks that
// Esc closes it from every stop (Fyne's radio buttons excepted: they keep Esc). It
// returns the stops.
func walkDialog(t *testing.T, u *UI, name string, open func()) []fyne.Focusable {
	t.Helper()
	open()
	if u.win.Canvas().Overlays().Top() == nil {
		t.Fatalf("%s: no dialog", name)
	}
	stops := walkTabs(t, u, name)
	closeDialogs(u)
	for i := range stops {
		open()
		u.win.Canvas().Unfocus()
		for k := 0; k <= i; k++ {
			pressTab(u, false)
		}
		f := u.win.Canvas().Focused()
		if keepsEsc(f) {
			closeDialogs(u)
			continue
		}
		top := u.win.Canvas().Overlays().Top()
		pressKey(u, fyne.KeyEscape)
		u.Wait()
		// (What the answer leads to may show a dialog of its own: an import's summary.)
		for _, o := range u.win.Canvas().Overlays().List() {
			if o == top {
				t.Errorf("%s: Esc on %s left it open", name, describe(f.(fyne.CanvasObject)))
			}
		}
		closeDialogs(u)
	}
	return stops
}

// Esc closes the editor, "Inspect a token…" and "New Trusted App" from every field,
// and the editor from its buttons and chips too.
func TestEscapeFromEveryField(t *testing.T) {
	p := acme()
	p.Scopes = []string{"read", "custom.scope"}
	p.Calls = []profiles.APICall{{Method: "POST", Path: "/api/domain/odata/X", Body: `{"a":1}`}}
	e := walkEnv(t, Deps{}, p)
	u := e.u
	u.EditCurrent()
	stops := walkTabs(t, u, "editor")
	for i := range stops {
		u.EditCurrent()
		// Tab to the i-th stop, then Esc.
		u.win.Canvas().Unfocus()
		for k := 0; k <= i; k++ {
			pressTab(u, false)
		}
		f := u.win.Canvas().Focused()
		if keepsEsc(f) {
			continue
		}
		pressKey(u, fyne.KeyEscape)
		if u.showing(u.editor.content) {
			t.Errorf("Esc on %s left the editor open", describe(f.(fyne.CanvasObject)))
		}
	}

	u.run.header.askToken()
	pressKey(u, fyne.KeyEscape) // the token field has the focus
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc in the token field left “Inspect a token” open")
	}
	u.NewTrustedApp()
	u.win.Canvas().Focus(u.newApp.env)
	pressKey(u, fyne.KeyEscape)
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("Esc in New Trusted App's Environment left it open")
	}
}

// keepsEsc reports the parts of Fyne's widgets that take Esc and do nothing with it,
// which the app cannot hand on (docs/decisions.md): the Advanced section's header and a
// drop-down's arrow (plain Fyne buttons inside Fyne's widgets), a radio button, and the
// text of a selectable label.
func keepsEsc(f fyne.Focusable) bool {
	switch fmt.Sprintf("%T", f) {
	case "*widget.Button", "*widget.radioItem", "*widget.focusSelectable":
		return true
	}
	return false
}
