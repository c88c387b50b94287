package ui

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"trustedapp-tester/check"
	"trustedapp-tester/profiles"
)

// runRecorder is a Deps.Run that records each run's options and returns a report with
// a session: the new token's first call opened one at fixedNow.
type runRecorder struct {
	mu   sync.Mutex
	runs []check.Options
}

func (rr *runRecorder) run(ctx context.Context, p profiles.Profile, secret string, o check.Options, onStep func(check.Step)) check.Report {
	rr.mu.Lock()
	rr.runs = append(rr.runs, o)
	rr.mu.Unlock()
	r := healthyReport()
	r.Session = &check.SessionCost{State: check.SessionOpened, OpenedAt: fixedNow, LastCall: fixedNow,
		IdleUntil: fixedNow.Add(20 * time.Minute), HoldsUntil: fixedNow.Add(20 * time.Minute), LatestUntil: fixedNow.Add(time.Hour),
		TokenReuse: check.KeptInKeychain}
	return r
}

func (rr *runRecorder) count() (n int, lastFresh bool) {
	rr.mu.Lock()
	defer rr.mu.Unlock()
	if len(rr.runs) == 0 {
		return 0, false
	}
	return len(rr.runs), rr.runs[len(rr.runs)-1].Fresh
}

// "Test with a fresh token" on a profile tagged Production asks first, saying what it
// costs; Cancel runs nothing, confirming runs with a fresh token. Another profile runs
// at once.
func TestFreshTokenOnProductionAsksFirst(t *testing.T) {
	rr := &runRecorder{}
	staging := acme()
	staging.Name, staging.Environment = "Nightly import (staging)", profiles.EnvTest
	e := newEnv(t, Deps{Run: rr.run}, acme(), staging)
	u := e.u
	u.selectProfile("Nightly import")
	u.StartFreshRun()
	u.Wait()
	msg := topDialog(u)
	for _, want := range []string{"Test with a fresh token?", "“Nightly import” is tagged Production", "opens a new ERP.net session",
		"licence slots for at least 20 minutes (at most an hour)", "A normal test reuses the current token and its session"} {
		if !strings.Contains(msg, want) {
			t.Errorf("dialog lacks %q:\n%s", want, msg)
		}
	}
	if n, _ := rr.count(); n != 0 {
		t.Fatalf("%d runs before the user answered", n)
	}
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Cancel"))
	u.Wait()
	if n, _ := rr.count(); n != 0 || topDialog(u) != "" {
		t.Fatalf("Cancel: %d runs, dialog %q", n, topDialog(u))
	}
	u.StartFreshRun()
	test.Tap(findButton(t, u.win.Canvas().Overlays().Top(), "Test with a fresh token"))
	u.Wait()
	if n, fresh := rr.count(); n != 1 || !fresh {
		t.Fatalf("confirmed: %d runs, fresh %v", n, fresh)
	}
	// The status line states the session cost of the run.
	if !strings.Contains(u.status.Text, "New ERP.net session: holds a licence slot until about 09:50 (at most 10:30).") {
		t.Errorf("status %q", u.status.Text)
	}
	// Not Production: no question.
	u.selectProfile("Nightly import (staging)")
	u.StartFreshRun()
	u.Wait()
	if n, fresh := rr.count(); n != 2 || !fresh || topDialog(u) != "" {
		t.Errorf("staging: %d runs, fresh %v, dialog %q", n, fresh, topDialog(u))
	}
}

func TestSessionCostInTheStatusLine(t *testing.T) {
	at := func(m int) time.Time { return fixedNow.Add(time.Duration(m) * time.Minute) }
	for _, tc := range []struct {
		s    *check.SessionCost
		want string
	}{
		{nil, ""},
		{&check.SessionCost{State: check.SessionNone}, " No ERP.net session opened: no licence slot used."},
		{&check.SessionCost{State: check.SessionReused, OpenedAt: at(-30), HoldsUntil: at(20), LatestUntil: at(30)},
			" Reused the ERP.net session opened at 09:00: no new licence slot (held until about 09:50)."},
	} {
		if got := sessionCost(tc.s); got != tc.want {
			t.Errorf("sessionCost(%+v) = %q, want %q", tc.s, got, tc.want)
		}
	}
}
