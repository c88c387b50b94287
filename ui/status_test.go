package ui

import (
	"strings"
	"testing"
)

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
