package ui

import (
	"testing"
	"time"
)

// The desk alone decides whether a run starts; the window says why when none does:
// with no profile selected, and while a run is in flight, where a fresh-token test of
// a Production profile asks nothing either.
func TestStartRunRefusalsSaid(t *testing.T) {
	started := make(chan struct{})
	e := newEnv(t, Deps{Run: blockingRun(started)}, acme())
	u := e.u
	u.selectProfile("")
	u.StartRun()
	if u.Running() || u.status.Text != "Select a profile on the left to test it, or add one with New." {
		t.Fatalf("nothing selected: running %v, status %q", u.Running(), u.status.Text)
	}
	u.selectProfile("Nightly import")
	u.StartRun()
	select {
	case <-started:
	case <-time.After(5 * time.Second):
		t.Fatal("the run never started")
	}
	run := u.desk.RunOf("Nightly import")
	for _, again := range []func(){u.StartRun, u.StartFreshRun} {
		u.setStatus("")
		again()
		if u.status.Text != "A test is running: wait for it, or press Cancel (Esc)." || u.desk.RunOf("Nightly import") != run {
			t.Errorf("while running: status %q, run %v (was %v)", u.status.Text, u.desk.RunOf("Nightly import").ID, run.ID)
		}
		if top := u.win.Canvas().Overlays().Top(); top != nil {
			t.Errorf("a dialog opened while a run was in flight: %q", texts(top))
		}
	}
	u.CancelRun()
	u.Wait()
}
