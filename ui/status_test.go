package ui

import (
	"strings"
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

// Start-up notices follow each other in the status line: the second does not hide the
// first.
func TestStartUpNoticesCombine(t *testing.T) {
	e := newEnv(t, Deps{})
	u := e.u
	first := "The profile store was restored from its backup."
	second := "The history log could not be opened (permission denied): runs are not logged this session."
	u.Notify(first)
	u.Notify(second)
	if u.status.Text != first+"  "+second {
		t.Errorf("status %q, want both notices", u.status.Text)
	}
}

// The status line speaks of what is on screen: selecting another profile does not
// leave "Passed in 109 ms" of the one before, and closing "Explain an error…" takes its
// "see the explanation on the right" with it.
func TestStatusLineFollowsTheScreen(t *testing.T) {
	other := acme()
	other.Name = "Price sync"
	e := newEnv(t, Deps{Run: replayRun(healthyReport())}, acme(), other)
	u := e.u
	u.selectProfile("Nightly import")
	u.StartRun()
	u.Wait()
	passed := u.status.Text
	if !strings.HasPrefix(passed, "Passed in ") {
		t.Fatalf("after the run: %q", passed)
	}
	u.selectProfile("Price sync")
	if u.status.Text != "" {
		t.Errorf("after selecting a profile not tested yet: %q", u.status.Text)
	}
	u.selectProfile("Nightly import")
	if u.status.Text != passed {
		t.Errorf("back on the tested profile: %q, want %q", u.status.Text, passed)
	}

	u.ExplainError()
	u.explainer.input.SetText(`{"error":"invalid_client"}`)
	u.explainer.primary()
	u.Wait()
	if !strings.Contains(u.status.Text, "see the explanation on the right") {
		t.Fatalf("after explaining: %q", u.status.Text)
	}
	pressKey(u, "Escape")
	if u.status.Text != passed {
		t.Errorf("after closing Explain: %q, want %q back", u.status.Text, passed)
	}
}
