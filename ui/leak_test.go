package ui

import (
	"os"
	"runtime"
	"testing"
	"time"

	"go.uber.org/goleak"

	"trustedapp-tester/check"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// runsInARow is the app with one healthy profile selected, on an ERP.net look-alike
// that keeps no state between runs (the sandbox counts licence sessions, so its own
// memory would grow with fresh tokens).
func runsInARow(tb testing.TB) *env {
	tb.Helper()
	in := hostile.New(tb, "s3cret-runs-in-a-row")
	p := profiles.Profile{Name: "Healthy", InstanceURL: in.URL, ClientID: hostile.ClientID, Scopes: []string{"read", "update"}, TimeoutSeconds: 10}
	e := newEnv(tb, Deps{Now: time.Now, Run: check.Run}, p)
	if err := e.secrets.Set(p.Name, in.Secret); err != nil {
		tb.Fatal(err)
	}
	e.u.selectProfile(p.Name)
	return e
}

// runOnce runs the selected profile's test with a fresh token, as Ctrl+Shift+Enter
// does, and waits for it.
func runOnce(tb testing.TB, u *UI) {
	u.StartFreshRun()
	u.Wait()
	if r := u.desk.Report(u.desk.Selected()); r == nil || r.Verdict != check.Pass {
		tb.Fatalf("run: %+v", r)
	}
}

// Test after test in one app process leaves no goroutine behind: every run's
// transport, timers and background work end with it.
func TestRunsInARowLeaveNoGoroutines(t *testing.T) {
	before := goleak.IgnoreCurrent()
	// Cleanups run last registered first: this one runs after the window and the
	// server are closed.
	t.Cleanup(func() { goleak.VerifyNone(t, before) })
	e := runsInARow(t)
	for i := 0; i < 30; i++ {
		runOnce(t, e.u)
	}
}

// BenchmarkThousandRunsInARow runs 1,000 tests one after another in one app process
// (fresh token each time) and reports the heap in use and the goroutine count after
// 100, 500 and 1,000 runs. The window is painted every 10 runs, as a real driver
// paints frames: painting is when Fyne drops the renderers of widgets a screen no
// longer shows (those unused for FYNE_CACHE, one minute by default). Fyne's test
// driver never paints by itself, so without it the heap grows by every discarded
// widget: about 300 KiB a run, an artefact of the test driver, not of the app.
// `make bench` sets FYNE_CACHE=2s, and each measurement waits for Fyne's next cache
// clean (at most every 10 s) and paints, so it holds no discarded widget; with the
// default minute it holds up to a minute's worth of runs.
// Flat: the heap after 1,000 runs is no larger than after 500, and the goroutine
// count does not move.
func BenchmarkThousandRunsInARow(b *testing.B) {
	if os.Getenv("FYNE_CACHE") == "" {
		b.Log("FYNE_CACHE is not set: each heap figure includes up to a minute of discarded widgets; make bench sets FYNE_CACHE=2s")
	}
	e := runsInARow(b)
	measure := func() (heapMiB float64, goroutines int) {
		// Fyne cleans its caches at most every 10 s, when painting: wait for the next
		// chance, paint, and measure what is left.
		time.Sleep(11 * time.Second)
		e.u.Window().Canvas().Capture()
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse) / (1 << 20), runtime.NumGoroutine()
	}
	for b.Loop() {
		heap := map[int]float64{}
		gor := map[int]int{}
		for i := 1; i <= 1000; i++ {
			runOnce(b, e.u)
			if i%10 == 0 {
				e.u.Window().Canvas().Capture()
			}
			if i == 100 || i == 500 || i == 1000 {
				heap[i], gor[i] = measure()
			}
		}
		b.ReportMetric(heap[100], "heap-after-100-MiB")
		b.ReportMetric(heap[500], "heap-after-500-MiB")
		b.ReportMetric(heap[1000], "heap-after-1000-MiB")
		b.ReportMetric(float64(gor[100]), "goroutines-after-100")
		b.ReportMetric(float64(gor[1000]), "goroutines-after-1000")
	}
}
