package ui

import (
	"testing"

	"fyne.io/fyne/v2"
)

// Plain Esc reaches the canvas as a typed key, not a shortcut: it cancels the run in
// flight; with a dialog open it closes the dialog first and the run goes on.
func TestEscapeCancelsTheRun(t *testing.T) {
	started := make(chan struct{})
	e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
	u := e.u
	u.StartRun()
	<-started
	u.newApp.open(false) // (the menu does not open it while a test runs)
	esc := u.win.Canvas().OnTypedKey()
	esc(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if u.newApp.form != nil {
		t.Fatal("Esc did not close the dialog")
	}
	if !u.Running() {
		t.Fatal("the Esc that closed the dialog also cancelled the run")
	}
	u.win.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	u.Wait()
	if r := u.desk.Report("Nightly import"); r == nil || !r.Cancelled {
		t.Fatalf("Esc did not cancel the run: %+v", r)
	}
}

// After a click in the sidebar, its search box or its list has the keyboard; Esc still
// cancels the run (it used to be swallowed there).
func TestEscapeFromTheSidebarCancelsTheRun(t *testing.T) {
	for _, where := range []string{"search", "list"} {
		t.Run(where, func(t *testing.T) {
			started := make(chan struct{})
			e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
			u := e.u
			u.StartRun()
			<-started
			var f fyne.Focusable = u.sidebar.search
			if where == "list" {
				f = u.sidebar.list
			}
			u.win.Canvas().Focus(f)
			if u.win.Canvas().Focused() != f {
				t.Fatalf("the %s did not take the keyboard", where)
			}
			f.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
			u.Wait()
			if r := u.desk.Report("Nightly import"); r == nil || !r.Cancelled {
				t.Fatalf("Esc in the %s did not cancel the run: %+v", where, r)
			}
			if u.win.Canvas().Focused() != nil {
				t.Errorf("the %s kept the keyboard after Esc", where)
			}
		})
	}
}
