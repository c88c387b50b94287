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
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/ui/widgets"
)

// loopApp is the test app with loopDriver as its driver.
type loopApp struct {
	fyne.App
	drv *loopDriver
}

func (a loopApp) Driver() fyne.Driver { return a.drv }

// loopDriver queues fyne.Do calls for the test goroutine (pump), like a real driver's
// main loop.
type loopDriver struct {
	fyne.Driver
	mu    sync.Mutex
	calls []func()
}

func (d *loopDriver) DoFromGoroutine(f func(), wait bool) {
	done := make(chan struct{})
	d.mu.Lock()
	d.calls = append(d.calls, func() { f(); close(done) })
	d.mu.Unlock()
	if wait {
		<-done
	}
}

// pump runs the queued calls on the calling (test) goroutine.
func (d *loopDriver) pump() {
	for {
		d.mu.Lock()
		calls := d.calls
		d.calls = nil
		d.mu.Unlock()
		if len(calls) == 0 {
			return
		}
		for _, f := range calls {
			f()
		}
	}
}

// useMainLoop serialises fyne.Do for the rest of the test (see the file comment).
func useMainLoop(t *testing.T) *loopDriver {
	t.Helper()
	a := fyne.CurrentApp()
	d := &loopDriver{Driver: a.Driver()}
	fyne.SetCurrentApp(loopApp{App: a, drv: d})
	t.Cleanup(func() { fyne.SetCurrentApp(a) })
	return d
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
func hoverTip(t *testing.T, loop *loopDriver, w fyne.Window, o fyne.CanvasObject) string {
	t.Helper()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(o).Add(fyne.NewPos(4, 4))
	test.MoveMouse(w.Canvas(), pos)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		loop.pump()
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

	scopes := find(u.identity.content, func(o fyne.CanvasObject) bool {
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

	if got := hoverTip(t, loop, w, u.timeline.slots[check.StepToken]); !strings.Contains(got, "client credentials grant") || !strings.Contains(got, "SystemUserAllowed") {
		t.Errorf("Token step tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	read := u.identity.scopes.Objects[0]
	if got := hoverTip(t, loop, w, read); got != "read: read-only data access. Granted." {
		t.Errorf("read chip tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got := hoverTip(t, loop, w, u.header.more); !strings.Contains(got, "More actions") {
		t.Errorf("⋮ tooltip = %q", got)
	}
	test.MoveMouse(w.Canvas(), fyne.NewPos(2, 2))
	if got := hoverTip(t, loop, w, u.header.line); !strings.Contains(got, "form body: client_id and client_secret go in the POST body") {
		t.Errorf("summary line tooltip = %q", got)
	}
}
