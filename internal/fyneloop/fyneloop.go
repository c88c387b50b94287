// Package fyneloop gives tests what a real Fyne driver gives the app: calls made with
// fyne.Do from other goroutines wait in a queue and run one at a time on the test's
// goroutine (Pump), as a real driver runs them on its main loop. Fyne's test driver runs
// them at once on the calling goroutine, in parallel with the test, which the race
// detector reports (the tooltip library's timer, the desk's background work).
package fyneloop

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// Loop is the queue of calls waiting for the test goroutine.
type Loop struct {
	fyne.Driver
	mu    sync.Mutex
	calls []func()
}

// app is Fyne's test app with the Loop as its driver.
type app struct {
	fyne.App
	loop *Loop
}

func (a app) Driver() fyne.Driver { return a.loop }

// Use makes a test app whose fyne.Do calls queue for Pump, for the rest of the test.
func Use(t testing.TB) (*Loop, fyne.App) {
	t.Helper()
	a := test.NewTempApp(t)
	return Install(t, a), a
}

// Install queues a's fyne.Do calls for Pump until the test ends.
func Install(t testing.TB, a fyne.App) *Loop {
	t.Helper()
	l := &Loop{Driver: a.Driver()}
	fyne.SetCurrentApp(app{App: a, loop: l})
	t.Cleanup(func() { fyne.SetCurrentApp(a) })
	return l
}

// DoFromGoroutine queues f; with wait it returns once Pump has run it.
func (l *Loop) DoFromGoroutine(f func(), wait bool) {
	done := make(chan struct{})
	l.mu.Lock()
	l.calls = append(l.calls, func() { f(); close(done) })
	l.mu.Unlock()
	if wait {
		<-done
	}
}

// Pump runs the queued calls on the calling goroutine; it reports whether there were
// any.
func (l *Loop) Pump() bool {
	l.mu.Lock()
	calls := l.calls
	l.calls = nil
	l.mu.Unlock()
	for _, f := range calls {
		f()
	}
	return len(calls) > 0
}
