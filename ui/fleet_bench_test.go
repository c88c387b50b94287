package ui

import (
	"fmt"
	"net/http"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/desk"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// The fleet view at its target size: 500 profiles on 50 hosts. Speed and memory are
// measured here (make bench), never by a timed test (docs/benchmarks.md).

const (
	benchHosts   = 50
	benchPerHost = 10
)

// benchFleet is the app over benchHosts look-alike instances with benchPerHost
// profiles each, History a real runs file holding two runs of each profile (the
// newest failing for every seventh, drifted scopes for every fifth); every request
// waits delay first, as a real instance across a network does.
func benchFleet(b *testing.B, delay time.Duration) (*env, *audit.Log) {
	b.Helper()
	log, err := audit.Open(filepath.Join(b.TempDir(), "audit.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	slow := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { time.Sleep(delay); h(w, r) }
	}
	var ins []*hostile.Instance
	var seed []profiles.Profile
	for h := 0; h < benchHosts; h++ {
		in := hostile.New(b, fmt.Sprintf("secret-%02d", h))
		if delay > 0 {
			in.Token = slow(in.GrantToken)
			in.Ver = slow(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "26.2.0.76") })
			in.API = slow(func(w http.ResponseWriter, r *http.Request) { hostile.WriteJSON(w, 200, map[string]any{"value": []any{}}) })
		}
		ins = append(ins, in)
		for i := 0; i < benchPerHost; i++ {
			p := profiles.Profile{Name: fmt.Sprintf("customer %02d · app %02d", h, i), InstanceURL: in.URL, ClientID: hostile.ClientID,
				AuthMethod: profiles.AuthPost, TimeoutSeconds: 30, Environment: []string{profiles.EnvProduction, profiles.EnvTest}[i%2],
				Tags: []string{fmt.Sprintf("customer-%02d", h)}, SecretSetAt: fixedNow.Add(-time.Duration(i*40) * 24 * time.Hour),
				Calls: []profiles.APICall{{Method: "GET", Path: "/api/domain/odata/Crm_Sales_Customers?$top=5"}}}
			seed = append(seed, p)
			for k, v := range []check.Verdict{check.Pass, check.Pass} {
				s := fleetRun(fmt.Sprintf("%02d%02d%04d", h, i, k), p.Name, time.Duration(2-k)*24*time.Hour, v, "svc-"+fmt.Sprint(h), "read", "update")
				if k == 1 && i%7 == 0 {
					s.Verdict = check.Fail
				}
				if k == 1 && i%5 == 0 {
					s.ScopesGranted = []string{"read"}
				}
				if err := log.AppendRun(s); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	e := newEnv(b, Deps{History: log, Now: time.Now, Run: check.Run}, seed...)
	for h := range ins {
		for i := 0; i < benchPerHost; i++ {
			if err := e.secrets.Set(seed[h*benchPerHost+i].Name, ins[h].Secret); err != nil {
				b.Fatal(err)
			}
		}
	}
	return e, log
}

func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// BenchmarkFleetFirstPaint opens the fleet view on 500 profiles: History's newest
// runs read (one pass over the runs file), drift worked out, 500 rows made, sorted,
// and the window painted once. It reports the time to that first paint, the heap the
// open view holds, and the cells the table made (only those on screen).
func BenchmarkFleetFirstPaint(b *testing.B) {
	e, _ := benchFleet(b, 0)
	u := e.u
	u.Window().Resize(fyne.NewSize(1280, 800))
	u.Window().Canvas().Capture()
	before := heapInUse()
	var took time.Duration
	for b.Loop() {
		start := time.Now()
		u.Fleet()
		u.Wait()
		u.Window().Canvas().Capture()
		took = time.Since(start)
		if len(u.fleet.shown) != benchHosts*benchPerHost || u.fleet.shown[0].row.Last == nil {
			b.Fatalf("%d rows, first %+v", len(u.fleet.shown), u.fleet.shown[0].row)
		}
		u.closeTool()
	}
	u.Fleet()
	u.Wait()
	u.Window().Canvas().Capture()
	b.ReportMetric(float64(took.Milliseconds()), "ms-to-first-paint")
	b.ReportMetric(float64(heapInUse()-min(before, heapInUse()))/(1<<20), "heap-MiB-held")
	b.ReportMetric(float64(u.fleet.table.cellsMade), "cells-made")
}

// BenchmarkFleetTestAllResponsive tests all 500 profiles on 50 hosts that take 10 ms
// for each answer, with the app's UI on a main loop as a real driver runs it (the
// desk's results queue for it), and measures what the user feels meanwhile:
//   - input latency: a key pressed every 10 ms goes through the main loop (fyne.Do)
//     to the table, which moves its cursor; the time from the press to the move;
//   - frame time: every 16 ms the main loop paints the whole window (Fyne's software
//     painter: far slower than the GL driver, so an upper bound);
//
// against the same measures with the app idle. It also reports how long the test took,
// the heap held after it (500 runs filed as last runs, bodies trimmed), the hops the
// results took to the UI goroutine (batched: fewer than the results), and the most
// requests a host served at once (1).
func BenchmarkFleetTestAllResponsive(b *testing.B) {
	e, _ := benchFleet(b, 10*time.Millisecond)
	u := e.u
	u.Window().Resize(fyne.NewSize(1280, 800))
	u.Fleet()
	u.Wait()
	loop := fyneloop.Install(b, fyne.CurrentApp())
	before := heapInUse()
	var idle, busy latencies
	for b.Loop() {
		idle = measureUI(u, loop, 2*time.Second, nil)
		hops := 0
		var doneAt time.Time
		start := time.Now()
		busy = measureUI(u, loop, 0, func(stop func()) {
			u.desk.TestFleet(shownNamesOf(u.fleet), desk.FleetOptions{TokenOnlyProduction: true}, nil,
				func(desk.FleetProgress) { hops++ }, func(r desk.FleetTested) {
					doneAt = time.Now()
					if r.Passed+r.Failed+r.Warned != benchHosts*benchPerHost {
						b.Errorf("tested %+v", r)
					}
					stop()
				})
		})
		b.ReportMetric(doneAt.Sub(start).Seconds(), "s-to-test-500")
		b.ReportMetric(float64(hops), "ui-hops")
	}
	b.ReportMetric(idle.p(50), "idle-input-p50-ms")
	b.ReportMetric(idle.p(99), "idle-input-p99-ms")
	b.ReportMetric(busy.p(50), "busy-input-p50-ms")
	b.ReportMetric(busy.p(99), "busy-input-p99-ms")
	b.ReportMetric(busy.max(), "busy-input-max-ms")
	b.ReportMetric(idle.frameP(50), "idle-frame-p50-ms")
	b.ReportMetric(busy.frameP(50), "busy-frame-p50-ms")
	b.ReportMetric(busy.frameP(99), "busy-frame-p99-ms")
	b.ReportMetric(float64(heapInUse()-min(before, heapInUse()))/(1<<20), "heap-MiB-after-test")
}

func shownNamesOf(s *fleetScreen) []string {
	out := make([]string, len(s.shown))
	for i, l := range s.shown {
		out[i] = l.row.Profile.Name
	}
	return out
}

// latencies are the input latencies and frame times of one measurement.
type latencies struct{ input, frame []time.Duration }

func pct(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[min(len(s)-1, len(s)*p/100)].Microseconds()) / 1000
}

func (l latencies) p(n int) float64      { return pct(l.input, n) }
func (l latencies) frameP(n int) float64 { return pct(l.frame, n) }
func (l latencies) max() float64         { return pct(l.input, 100) }

// measureUI runs the main loop on this goroutine (the UI goroutine: it runs what
// fyne.Do queued, and paints every 16 ms) while another goroutine presses a key every
// 10 ms through fyne.Do, for d, or until work calls stop (work is started on the UI
// goroutine first). It returns the press-to-handled latencies and the frame times.
func measureUI(u *UI, loop *fyneloop.Loop, d time.Duration, work func(stop func())) latencies {
	var (
		mu  sync.Mutex
		out latencies
	)
	done := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(done) }) }
	if work != nil {
		work(stop)
	} else {
		time.AfterFunc(d, stop)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the user: a key every 10 ms
		defer wg.Done()
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				pressed := time.Now()
				fyne.Do(func() {
					u.fleet.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
					mu.Lock()
					out.input = append(out.input, time.Since(pressed))
					mu.Unlock()
				})
			}
		}
	}()
	frame := time.NewTicker(16 * time.Millisecond)
	defer frame.Stop()
	for {
		select {
		case <-done:
			wg.Wait()
			for loop.Pump() {
			}
			u.Wait()
			for loop.Pump() {
			}
			return out
		case <-frame.C:
			start := time.Now()
			u.Window().Canvas().Capture()
			out.frame = append(out.frame, time.Since(start))
		default:
			if !loop.Pump() {
				time.Sleep(time.Millisecond)
			}
		}
	}
}
