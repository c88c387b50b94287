package ui

// The tooltip library shows a tooltip from a timer goroutine through fyne.Do. A real
// driver runs that on its main goroutine, one event at a time; Fyne's test driver runs
// it right there on the timer goroutine, in parallel with the test, which was building
// renderers and measuring text at the same moment: a data race that failed the hover
// test when it ran with the rest of the package and once crashed the text shaper.
// useMainLoop gives the test what the real driver gives the app: calls from other
// goroutines wait in a queue until the test goroutine runs them.

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/ui/widgets"
)

// useMainLoop is the queue fyne.Do calls wait in until the test goroutine runs them
// (see the file comment): newEnv installs it for every test of the window.
func useMainLoop(t *testing.T) *fyneloop.Loop {
	t.Helper()
	if l, ok := fyne.CurrentApp().Driver().(*fyneloop.Loop); ok {
		return l
	}
	return fyneloop.Install(t, fyne.CurrentApp())
}

// shownTip is the text of the tooltip drawn in the window's tooltip layer, "" for none.
func shownTip(w fyne.Window) string {
	f := find(w.Canvas().Content(), func(o fyne.CanvasObject) bool {
		return reflect.TypeOf(o).String() == "*internal.ToolTip"
	})
	if f == nil {
		return ""
	}
	return reflect.ValueOf(f).Elem().FieldByName("Text").String()
}

// hoverTip rests the pointer on o and waits for its tooltip (it appears after a delay),
// running queued UI calls on this goroutine meanwhile.
func hoverTip(t *testing.T, loop *fyneloop.Loop, w fyne.Window, o fyne.CanvasObject) string {
	t.Helper()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(4, 4))
	test.MoveMouse(w.Canvas(), pos)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		loop.Pump()
		if got := shownTip(w); got != "" {
			return got
		}
		time.Sleep(25 * time.Millisecond)
	}
	return ""
}

func TestTooltipsShowOnHover(t *testing.T) {
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme())
	u := e.u
	u.StartRun()
	u.Wait()
	w := u.Window()
	w.Resize(fyne.NewSize(1200, 720))
	loop := useMainLoop(t)

	scopes := find(u.run.identity.content, func(o fyne.CanvasObject) bool {
		l, ok := o.(*widgets.TipLabel)
		return ok && l.Text == "SCOPES"
	})
	if scopes == nil {
		t.Fatal("no SCOPES label on the identity card")
	}
	if got := hoverTip(t, loop, w, scopes); !strings.Contains(got, "Trusted App's Scope field") {
		t.Fatalf("SCOPES tooltip = %q", got)
	}
	// Moving away hides it.
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got := shownTip(w); got != "" {
		t.Errorf("tooltip still shown after the pointer left: %q", got)
	}

	if got := hoverTip(t, loop, w, u.run.timeline.slots[check.StepToken]); !strings.Contains(got, "client credentials grant") || !strings.Contains(got, "SystemUserAllowed") {
		t.Errorf("Token step tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	read := u.run.identity.scopes.Objects[0]
	if got := hoverTip(t, loop, w, read); got != "read: read-only data access. Granted." {
		t.Errorf("read chip tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got := hoverTip(t, loop, w, u.run.header.more); !strings.Contains(got, "More actions") {
		t.Errorf("⋮ tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got := hoverTip(t, loop, w, u.run.header.line); !strings.Contains(got, "form body: client_id and client_secret go in the POST body") {
		t.Errorf("summary line tooltip = %q", got)
	}
}

// A tooltip goes with its screen: click Edit while "Edit this profile" shows, and the
// editor opens without it floating over the Name field; click before it shows, and it
// never comes.
func TestTooltipGoesWithItsScreen(t *testing.T) {
	e := newEnv(t, Deps{}, acme())
	u := e.u
	w := u.Window()
	w.Resize(fyne.NewSize(1200, 720))
	loop := useMainLoop(t)
	edit := u.run.header.edit
	if got := hoverTip(t, loop, w, edit); !strings.HasPrefix(got, "Edit this profile") {
		t.Fatalf("Edit tooltip = %q", got)
	}
	test.Tap(edit) // the pointer stays where it is
	loop.Pump()
	if !u.showing(u.editor.content) {
		t.Fatal("Edit did not open the editor")
	}
	if got := shownTip(w); got != "" {
		t.Errorf("tooltip %q floats over the editor", got)
	}

	// Back, rest on Edit and click before the tooltip's delay is over.
	u.closeEditor()
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	test.MoveMouse(w.Canvas(), fyne.CurrentApp().Driver().AbsolutePositionForObject(edit).Add(fyne.NewPos(4, 4)))
	test.Tap(edit)
	time.Sleep(1500 * time.Millisecond) // longer than the library's 750 ms delay
	loop.Pump()
	if got := shownTip(w); got != "" {
		t.Errorf("tooltip %q appeared over the editor after the click", got)
	}
}
