package ui

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"trustedapp-tester/audit"
	"trustedapp-tester/check"
	"trustedapp-tester/internal/fyneloop"
	"trustedapp-tester/internal/hostile"
	"trustedapp-tester/profiles"
)

// The fleet view at its target size: 500 profiles on 50 hosts. Speed and memory are
// measured here (make bench), never by a timed test (docs/benchmarks.md).

const benchPerHost = 10

// benchHosts is 50, or FLEET_BENCH_HOSTS (a quicker look while working on it).
var benchHosts = func() int {
	if n, err := strconv.Atoi(os.Getenv("FLEET_BENCH_HOSTS")); err == nil && n > 0 {
		return n
	}
	return 50
}()

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
			in.API = slow(func(w http.ResponseWriter, r *http.Request) {
				hostile.WriteJSON(w, 200, map[string]any{"value": []any{}})
			})
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
// for each answer, from the fleet view's Test all shown, with the app's UI on a main
// loop as a real driver runs it (the desk's results queue for it), and measures what
// the user feels meanwhile, against the same measures with the app idle:
//   - input latency: a key pressed every 10 ms goes through the main loop (fyne.Do)
//     to the table, which moves its cursor and shows the row's detail; the time from
//     the press to the move;
//   - frame time: the main loop paints the whole window every 16 ms, or as soon as the
//     last paint allows (Fyne's software painter, far slower than the GL driver: the
//     frame times and the latencies behind them are an upper bound);
//   - the longest the main loop was busy at once with what was queued (key presses and
//     the fleet's result batches), which is what the fleet view adds to a frame.
//
// It also reports how long the test took, the heap held after it (500 runs filed as
// last runs, bodies trimmed), and the hops the results took to the UI goroutine
// (batched: fewer than the 1,000 events).
func BenchmarkFleetTestAllResponsive(b *testing.B) {
	e, _ := benchFleet(b, 10*time.Millisecond)
	u := e.u
	u.Window().Resize(fyne.NewSize(1280, 800))
	u.Fleet()
	u.Wait()
	s := u.fleet
	loop := fyneloop.Install(b, fyne.CurrentApp())
	for i := 0; i < 3; i++ { // the renderers made, the caches warm
		u.Window().Canvas().Capture()
	}
	before := heapInUse()
	var idle, busy latencies
	for b.Loop() {
		idle = measureUI(u, loop, 2*time.Second, nil, nil)
		start := time.Now()
		busy = measureUI(u, loop, 0, func() {
			s.run(shownNamesOf(s))
		}, func() bool { return s.test == nil })
		took := time.Since(start)
		if !strings.HasPrefix(s.status, "Fleet test done: ") || len(s.shown) != benchHosts*benchPerHost {
			b.Fatalf("after the test: %q, %d rows", s.status, len(s.shown))
		}
		b.ReportMetric(took.Seconds(), "s-to-test-500")
		b.ReportMetric(float64(busy.hops), "main-loop-runs")
	}
	b.ReportMetric(idle.p(50), "idle-input-p50-ms")
	b.ReportMetric(idle.p(99), "idle-input-p99-ms")
	b.ReportMetric(busy.p(50), "busy-input-p50-ms")
	b.ReportMetric(busy.p(99), "busy-input-p99-ms")
	b.ReportMetric(idle.frameP(50), "idle-frame-p50-ms")
	b.ReportMetric(busy.frameP(50), "busy-frame-p50-ms")
	b.ReportMetric(busy.frameP(99), "busy-frame-p99-ms")
	b.ReportMetric(idle.stallMax(), "idle-longest-run-ms")
	b.ReportMetric(busy.stallMax(), "busy-longest-run-ms")
	b.ReportMetric(float64(heapInUse()-min(before, heapInUse()))/(1<<20), "heap-MiB-after-test")
}

func shownNamesOf(s *fleetScreen) []string {
	out := make([]string, len(s.shown))
	for i, l := range s.shown {
		out[i] = l.row.Profile.Name
	}
	return out
}

// latencies are the input latencies, the frame times and the main loop's runs of
// queued work of one measurement.
type latencies struct {
	input, frame, runs []time.Duration
	hops               int
}

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
func (l latencies) stallMax() float64    { return pct(l.runs, 100) }

// measureUI runs the main loop on this goroutine (the UI goroutine: it runs what
// fyne.Do queued, and paints every 16 ms, or as often as painting allows) while another
// goroutine presses a key every 10 ms through fyne.Do; for d, or, with start, from
// start (run on the UI goroutine first) until until reports true.
func measureUI(u *UI, loop *fyneloop.Loop, d time.Duration, start func(), until func() bool) latencies {
	var (
		mu  sync.Mutex
		out latencies
	)
	done := make(chan struct{})
	var once sync.Once
	stop := func() { once.Do(func() { close(done) }) }
	if start != nil {
		start()
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
	// The main loop: run what is queued, paint when a frame is due, else wait a
	// millisecond.
	next := time.Now()
	for {
		if until != nil && until() {
			stop()
		}
		select {
		case <-done:
			wg.Wait()
			for loop.Pump() {
			}
			u.Wait()
			for loop.Pump() {
			}
			return out
		default:
		}
		t0 := time.Now()
		ran := loop.Pump()
		if ran {
			out.hops++
			out.runs = append(out.runs, time.Since(t0))
		}
		if now := time.Now(); !now.Before(next) {
			u.Window().Canvas().Capture()
			out.frame = append(out.frame, time.Since(now))
			next = now.Add(16 * time.Millisecond)
			continue
		}
		if !ran {
			time.Sleep(time.Millisecond)
		}
	}
}

// BenchmarkFleetKeyDown is one Down key in the table of 500 rows: the cursor moves,
// the two rows' backgrounds change and the detail panel shows the new row.
func BenchmarkFleetKeyDown(b *testing.B) {
	e, _ := benchFleet(b, 0)
	u := e.u
	u.Window().Resize(fyne.NewSize(1280, 800))
	u.Fleet()
	u.Wait()
	u.Window().Canvas().Capture()
	t := u.fleet.table
	for b.Loop() {
		t.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
		if t.hl.Row >= benchHosts*benchPerHost-1 {
			t.TypedKey(&fyne.KeyEvent{Name: fyne.KeyHome})
		}
	}
}
